/* vtlb.c - the guest's virtual TLB1/TLB0 and the shadow entries built from it.
 *
 * The guest programs its TLBs with tlbwe as on bare e500mc; we keep those entries (guest
 * virtual -> guest physical) and, on each real TLB miss taken in guest context, install a
 * 4 KiB shadow entry (guest virtual -> host physical) in the real TLB0 with TS = 1 and the
 * vCPU's own TID, so translations never leak between partitions or into the hypervisor's
 * TS = 0 space (E500MCRM 6.2 address spaces, 6.5 TLB entry fields). */
#include <stdbool.h>
#include <hv/partition.h>
#include <hv/mutate.h>
#include <arch/spr.h>
#include "powerpc.h"

#define MAS1_TSIZE_OF(m) (((m) >> 8) & 0xf)
#define MAS1_TID_OF(m)   (((m) >> 16) & 0x3fff)
#define MAS2_EPN(m)      ((m)&0xfffff000u)
#define MAS2_WIMGE       0x1fu
#define MAS3_RPN(m)      ((m)&0xfffff000u)
#define MAS3_PERMS       0x3fu
#define MAS6_SPID_OF(m)  (((m) >> 16) & 0x3fff)

static unsigned int shadow_victim;

uint64_t vtlb_entry_size(const struct vtlb_entry *e)
{
	return 1ull << (10 + 2 * MAS1_TSIZE_OF(e->mas1));
}

static uint64_t entry_gpa(const struct vtlb_entry *e)
{
	return ((uint64_t)e->mas7 << 32) | MAS3_RPN(e->mas3);
}

/* Does e translate ea in address space as for process id pid? (E500MCRM 6.3.3) */
static bool entry_matches(const struct vtlb_entry *e, uint32_t ea, unsigned int as, uint32_t pid)
{
	uint32_t tid = MAS1_TID_OF(e->mas1);
	uint64_t size = vtlb_entry_size(e);

	if (!(e->mas1 & MAS1_VALID) || !!(e->mas1 & MAS1_TS) != as)
		return false;
	if (tid && tid != pid)
		return false;
	return (uint64_t)ea - (MAS2_EPN(e->mas2) & ~(uint32_t)(size - 1)) < size;
}

struct vtlb_entry *vtlb_lookup(struct vcpu_arch *a, uint32_t ea, unsigned int as, uint32_t pid,
			       unsigned int *tlbsel, unsigned int *esel)
{
	unsigned int set = (ea >> 12) & (VTLB0_SETS - 1);

	for (unsigned int i = 0; i < VTLB1_ENTRIES; i++)
		if (entry_matches(&a->tlb1[i], ea, as, pid)) {
			*tlbsel = 1;
			*esel = i;
			return &a->tlb1[i];
		}
	for (unsigned int w = 0; w < VTLB0_WAYS; w++)
		if (entry_matches(&a->tlb0[set][w], ea, as, pid)) {
			*tlbsel = 0;
			*esel = w;
			return &a->tlb0[set][w];
		}
	return NULL;
}

/* Guest physical address ea maps to through e. */
uint64_t vtlb_translate(const struct vtlb_entry *e, uint32_t ea)
{
	uint64_t size = vtlb_entry_size(e);

	return (entry_gpa(e) & ~(size - 1)) + (ea & (uint32_t)(size - 1));
}

/* Entry the guest's tlbwe/tlbre/tlbsx address through MAS0 (TLBSEL, ESEL) and MAS2 (EPN). */
struct vtlb_entry *vtlb_select(struct vcpu_arch *a, uint32_t mas0, uint32_t mas2)
{
	unsigned int tlbsel = (mas0 >> 28) & 3, esel = (mas0 >> 16) & 0xfff;

	if (tlbsel == 1)
		return esel < VTLB1_ENTRIES ? &a->tlb1[esel] : NULL;
	if (tlbsel == 0)
		return &a->tlb0[(mas2 >> 12) & (VTLB0_SETS - 1)][esel & (VTLB0_WAYS - 1)];
	return NULL;
}

/* MAS0 as a TLB miss (or a tlbsx miss) leaves it (E500MCRM 6.10.5, MAS0 and table "MMU
 * assist register field updates"): TLBSEL from MAS4[TLBSELD]; for TLB0, ESEL = the set's
 * next victim and NV = the one after it (round robin). Linux's miss handlers write with this
 * MAS0 as it is: a fixed way 0 would make two pages of one set evict each other forever. */
uint32_t vtlb_miss_mas0(struct vcpu_arch *a, uint32_t ea)
{
	uint32_t mas0 = a->mas4 & 0x30000000u;
	unsigned int nv;

	if (MAS0_GET_TLBSEL(mas0) || hv_mutated("tlb0-way0")) /* test image: always way 0 */
		return mas0;
	nv = a->tlb0_victim[(ea >> 12) & (VTLB0_SETS - 1)] & (VTLB0_WAYS - 1);
	return mas0 | MAS0_ESEL(nv) | MAS0_NV((nv + 1) & (VTLB0_WAYS - 1));
}

/* After a guest tlbwe to TLB0: the set's next victim is MAS0[NV] (E500MCRM 6.10.5). */
void vtlb_written(struct vcpu_arch *a, uint32_t mas0, uint32_t mas2)
{
	if (MAS0_GET_TLBSEL(mas0) == 0)
		a->tlb0_victim[(mas2 >> 12) & (VTLB0_SETS - 1)] = MAS0_NV(mas0) & (VTLB0_WAYS - 1);
}

/* Drop every shadow entry on this CPU: TLB0 holds only shadow entries (the hypervisor's
 * own mappings are IPROT entries in TLB1). E500MCRM 2.12.5, MMUCSR0[TLB0_FI]. */
void vtlb_shadow_flush(void)
{
	mtspr(SPRN_MMUCSR0, MMUCSR0_TLB0FI);
	__asm__ volatile("isync" ::: "memory");
}

void vtlb_lock(struct vcpu_arch *a)
{
	while (!arch_spin_trylock(&a->tlb_lock))
		arch_cpu_relax();
}

void vtlb_unlock(struct vcpu_arch *a)
{
	arch_spin_unlock(&a->tlb_lock);
}

/* Invalidate a's guest entries (TLB1: not IPROT) for which pred is true (all if NULL),
 * under a's lock; the caller drops the shadow entries built from them. */
static void invalidate_entries(struct vcpu_arch *a, bool tlb0, bool tlb1,
			       bool (*pred)(const struct vtlb_entry *, const void *),
			       const void *arg)
{
	vtlb_lock(a);
	if (tlb1)
		for (unsigned int i = 0; i < VTLB1_ENTRIES; i++)
			if (!(a->tlb1[i].mas1 & MAS1_IPROT) && (!pred || pred(&a->tlb1[i], arg)))
				a->tlb1[i].mas1 &= ~MAS1_VALID;
	if (tlb0)
		for (unsigned int s = 0; s < VTLB0_SETS; s++)
			for (unsigned int w = 0; w < VTLB0_WAYS; w++)
				if (!pred || pred(&a->tlb0[s][w], arg))
					a->tlb0[s][w].mas1 &= ~MAS1_VALID;
	vtlb_unlock(a);
}

/* The calling CPU's own vCPU: invalidate and drop this CPU's shadow entries. */
void vtlb_invalidate(struct vcpu_arch *a, bool tlb0, bool tlb1,
		     bool (*pred)(const struct vtlb_entry *, const void *), const void *arg)
{
	invalidate_entries(a, tlb0, tlb1, pred, arg);
	vtlb_shadow_flush();
}

/* Another vCPU of the partition (a broadcast tlbivax): invalidate its entries and ask its
 * CPU to drop its shadow entries; returns the request number vtlb_flush_done() compares. */
uint32_t vtlb_invalidate_remote(struct vcpu_arch *a, bool tlb0, bool tlb1,
				bool (*pred)(const struct vtlb_entry *, const void *),
				const void *arg)
{
	uint32_t req;

	invalidate_entries(a, tlb0, tlb1, pred, arg);
	vtlb_lock(a);
	req = ++a->flush_req;
	vtlb_unlock(a);
	return req;
}

/* On a's own CPU: do the shadow flush other vCPUs asked for, if any. */
void vtlb_flush_requested(struct vcpu_arch *a)
{
	uint32_t req = a->flush_req;

	if (req == a->flush_ack)
		return;
	vtlb_shadow_flush();
	arch_mb();
	a->flush_ack = req;
}

/* Has a's CPU done flush request req? */
bool vtlb_flush_done(const struct vcpu_arch *a, uint32_t req)
{
	return (int32_t)(a->flush_ack - req) >= 0;
}

/* Permissions for the shadow entry: the guest runs in problem state, so its current
 * privilege level's permissions become the user permission bits (E500MCRM 6.7.4). */
static uint32_t shadow_perms(uint32_t guest_mas3, uint32_t guest_msr)
{
	uint32_t p = guest_mas3 & MAS3_PERMS;
	uint32_t s = p & (MAS3_SX | MAS3_SW | MAS3_SR);
	uint32_t u = p & (MAS3_UX | MAS3_UW | MAS3_UR);

	return (guest_msr & MSR_PR) ? u : s << 1;
}

/* Install the shadow of guest entry e for the page holding ea, backed by host page hpa,
 * with at most the permissions in allow (MAS3 user bits). A device page is never executable
 * (the guest gets an instruction storage interrupt): the hypervisor cannot emulate an
 * instruction it would have to read from a device. replace: a shadow for ea may already be
 * there (a split IS/DS guest's other side): overwrite it, two entries must never match. */
void vtlb_shadow_install(struct vcpu_arch *a, const struct vtlb_entry *e, uint32_t ea, uint64_t hpa,
			 bool device, uint32_t allow, bool replace)
{
	uint32_t wimge = (e->mas2 & MAS2_WIMGE) | (device ? MAS2_I | MAS2_G : 0);
	uint32_t perms = shadow_perms(e->mas3, a->msr) & allow;
	uint32_t mas0 = MAS0_ESEL(shadow_victim++ & 3);

	if (device && !hv_mutated("device-exec"))
		perms &= ~MAS3_UX;
	if (replace) {
		mtspr(SPRN_MAS6, MAS6_SPID(a->shadow_tid) | MAS6_SAS);
		__asm__ volatile("isync; tlbsx 0, %0; isync" : : "r"(ea) : "memory");
		if (mfspr(SPRN_MAS1) & MAS1_VALID)
			mas0 = (uint32_t)mfspr(SPRN_MAS0);
	}
	mtspr(SPRN_MAS0, mas0);
	mtspr(SPRN_MAS1, MAS1_VALID | MAS1_TID(a->shadow_tid) | MAS1_TS | MAS1_TSIZE(1));
	mtspr(SPRN_MAS2, (ea & 0xfffff000u) | wimge);
	mtspr(SPRN_MAS3, ((uint32_t)hpa & 0xfffff000u) | perms);
	mtspr(SPRN_MAS7, (uint32_t)(hpa >> 32));
	__asm__ volatile("isync; tlbwe; isync" ::: "memory");
}

/* Drop this CPU's shadow entry for the page holding ea, if there is one (E500MCRM 6.5.3.3,
 * tlbsx; a tlbwe with MAS1[V] = 0 invalidates the entry found). */
void vtlb_shadow_drop(struct vcpu_arch *a, uint32_t ea)
{
	mtspr(SPRN_MAS6, MAS6_SPID(a->shadow_tid) | MAS6_SAS);
	__asm__ volatile("isync; tlbsx 0, %0; isync" : : "r"(ea) : "memory");
	if (!(mfspr(SPRN_MAS1) & MAS1_VALID))
		return;
	mtspr(SPRN_MAS1, 0);
	__asm__ volatile("isync; tlbwe; isync" ::: "memory");
}

/* The initial mapping of ePAPR 5.4 (IMA): TLB1 entry 0, TS 0, TID 0, va = pa = base. The
 * caller holds a's tlb_lock. */
void vtlb_reset(struct vcpu_arch *a, uint32_t base, unsigned int tsize)
{
	for (unsigned int i = 0; i < VTLB1_ENTRIES; i++)
		a->tlb1[i] = (struct vtlb_entry){ 0 };
	for (unsigned int s = 0; s < VTLB0_SETS; s++)
		for (unsigned int w = 0; w < VTLB0_WAYS; w++)
			a->tlb0[s][w] = (struct vtlb_entry){ 0 };
	a->tlb1[0].mas1 = MAS1_VALID | MAS1_IPROT | MAS1_TSIZE(tsize);
	a->tlb1[0].mas2 = base | MAS2_M;
	a->tlb1[0].mas3 = base | MAS3_SX | MAS3_SW | MAS3_SR;
	a->tlb1[0].mas7 = 0;
}

unsigned int vtlb_mas6_as(uint32_t mas6)
{
	return mas6 & MAS6_SAS;
}

uint32_t vtlb_mas6_pid(uint32_t mas6)
{
	return MAS6_SPID_OF(mas6);
}
