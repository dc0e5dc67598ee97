/* vcpu.c - run a virtual e500mc in problem state: reset to the ePAPR entry state, enter and
 * leave guest context, deliver interrupts to the guest's own vectors. */
#include <stddef.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/vpic.h>
#include <hv/log.h>
#include <hv/mutate.h>
#include <arch/spr.h>
#include "powerpc.h"

#define EPAPR_MAGIC 0x45504150u
/* MSR bits the guest may hold; the rest (GS, and hypervisor-only bits) read as 0. */
#define GUEST_MSR_MASK                                                                         \
	(MSR_CE | MSR_EE | MSR_PR | MSR_ME | MSR_DE | MSR_IS | MSR_DS | 0x00040000u /* WE */ | \
	 0x02000000u /* UCLE */)
#define SHADOW_MODE(m) ((m) & (MSR_PR | MSR_IS | MSR_DS))

int vcpu_arch_enter(uint32_t *host_ctx, struct trap_frame *frame);
void vcpu_arch_leave(uint32_t *host_ctx, int value) __attribute__((noreturn));

static unsigned int tsize_for(uint64_t size)
{
	unsigned int t = 1;

	while (t < 11 && (1ull << (10 + 2 * (t + 1))) <= size)
		t++;
	return t;
}

void vcpu_arch_reset(struct vcpu *v, uint64_t entry, uint64_t r3, uint64_t ima_size)
{
	struct vcpu_arch *a = &v->arch;
	unsigned int tsize = tsize_for(ima_size);
	uint32_t base = (uint32_t)entry & ~(uint32_t)((1ull << (10 + 2 * tsize)) - 1);
	uint32_t req;

	/* Another vCPU's tlbivax may be writing this guest TLB: hold its lock across the reset
	 * (the memset keeps the lock word as it is) and count every flush asked so far as
	 * done (the next entry flushes anyway). */
	vtlb_lock(a);
	req = a->flush_req;
	memset(a, 0, offsetof(struct vcpu_arch, tlb_lock));
	memset(&a->tlb1, 0, sizeof(*a) - offsetof(struct vcpu_arch, tlb1));
	a->flush_req = a->flush_ack = req;
	a->frame.pc = (uint32_t)entry;
	a->frame.gpr[3] = (uint32_t)r3;
	a->frame.gpr[6] = EPAPR_MAGIC;
	a->frame.gpr[7] = (uint32_t)(1ull << (10 + 2 * tsize));
	a->pir = v->index;
	a->shadow_tid = (uint32_t)v->part->id;
	vtlb_reset(a, base, tsize);
	vtlb_unlock(a);
}

uint32_t vcpu_shadow_msr(struct vcpu_arch *a)
{
	if (SHADOW_MODE(a->msr) != a->shadow_mode) {
		a->shadow_mode = SHADOW_MODE(a->msr);
		vtlb_shadow_flush();
	}
	/* The guest's FP enable and exception mode go to the CPU: with its MSR[FP] = 0 an FP
	 * instruction is a real FP-unavailable exit, reflected to its IVOR7 (guest_trap.c). */
	return MSR_PR | MSR_EE | MSR_ME | MSR_IS | MSR_DS | (a->hw_step ? MSR_DE : 0) |
	       (a->msr & (MSR_FP | MSR_FE0 | MSR_FE1));
}

/* The real TCR while a guest runs: only the guest's decrementer enable; its watchdog and
 * fixed-interval timer are not passed to the CPU (and ARE is done by guest_trap.c). */
void vcpu_load_tcr(struct vcpu_arch *a)
{
	mtspr(SPRN_TCR, a->tcr & TCR_DIE);
}

static void load_timer(struct vcpu_arch *a)
{
	vcpu_load_tcr(a);
}

int vcpu_arch_run(struct vcpu *v)
{
	struct vcpu_arch *a = &v->arch;

	mtspr(SPRN_PID, a->shadow_tid);
	mtspr(SPRN_SPRG3, a->sprg[3]); /* user-readable SPRGs hold the guest's values */
	mtspr(260 + 16, a->sprg[4]);   /* SPRG4..7 writes: SPRN 276..279 */
	mtspr(261 + 16, a->sprg[5]);
	mtspr(262 + 16, a->sprg[6]);
	mtspr(263 + 16, a->sprg[7]);
	load_timer(a);
	if (!hv_mutated("fp-no-save"))
		fp_load(&a->fp); /* this vCPU's FPRs, all zero after a reset */
	a->shadow_mode = SHADOW_MODE(a->msr);
	a->flush_ack = a->flush_req; /* the flush below covers every request so far */
	arch_mb();
	vtlb_shadow_flush();
	vcpu_deliver_pending(v, &a->frame); /* e.g. made pending while this CPU was idle */
	a->frame.msr = vcpu_shadow_msr(a);
	return vcpu_arch_enter(a->host_ctx, &a->frame); /* returns at vcpu_arch_stop() */
}

/* tlbivax is broadcast on the coherence domain (E500MCRM 6.5.3.4, "tlbivax"): the matching
 * entries of every other vCPU of the partition are invalidated, and each vCPU that is in
 * guest context is kicked and waited for until its CPU has dropped its shadow entries (at
 * its next exit: vtlb_flush_requested()), so the guest's tlbsync finds the invalidation done
 * everywhere. While waiting, this CPU serves requests made of its own vCPU (two vCPUs in
 * tlbivax at once). The wait is bounded (100 ms): a vCPU that never exits can only keep a
 * stale translation of its own partition's memory. */
void vcpu_tlb_broadcast(struct vcpu *v, bool tlb0, bool tlb1,
			bool (*pred)(const struct vtlb_entry *, const void *), const void *arg)
{
	struct partition *p = v->part;
	uint32_t req[PART_MAX_VCPUS];
	uint64_t deadline;

	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		struct vcpu *w = &p->vcpu[i];

		if (w == v)
			continue;
		req[i] = vtlb_invalidate_remote(&w->arch, tlb0, tlb1, pred, arg);
		if (w->state == VCPU_RUNNING)
			arch_cpu_kick(w->pcpu);
	}
	deadline = arch_time_now() + arch_time_freq() / 10;
	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		struct vcpu *w = &p->vcpu[i];

		while (w != v && w->state == VCPU_RUNNING && !vtlb_flush_done(&w->arch, req[i])) {
			vtlb_flush_requested(&v->arch);
			if (arch_time_now() > deadline) {
				hv_log(LOG_WARN,
				       "partition %s: vcpu %u did not drop its shadow "
				       "TLB for tlbivax within 100 ms\n",
				       p->name, w->index);
				break;
			}
			arch_cpu_relax();
		}
	}
}

/* Leave guest context for good (partition stopped); called on v's own CPU from a trap. */
void vcpu_arch_stop(struct vcpu *v)
{
	if (!hv_mutated("fp-no-save"))
		fp_save(&v->arch.fp);
	mtspr(SPRN_TCR, 0);
	mtspr(SPRN_TSR, TSR_DIS);
	mtspr(SPRN_PID, 0);
	vtlb_shadow_flush();
	vcpu_arch_leave(v->arch.host_ctx, 1);
}

/* Base-class interrupt delivery (E500MCRM 4.6): SRR0/SRR1 saved, MSR[WE,EE,PR,IS,DS] and
 * friends cleared, CE/ME/DE kept, execution at IVPR | IVORn. */
void vcpu_reflect(struct vcpu *v, struct trap_frame *tf, unsigned int ivor, uint32_t srr0)
{
	struct vcpu_arch *a = &v->arch;

	a->srr0 = srr0;
	a->srr1 = a->msr;
	a->msr &= MSR_CE | MSR_ME | MSR_DE;
	tf->pc = (a->ivpr & 0xffff0000u) | (a->ivor[ivor] & 0xfff0u);
	v->stats.reflected++;
}

/* Critical-class interrupt delivery (E500MCRM 4.6): CSRR0/CSRR1 saved, every MSR bit but ME
 * cleared, execution at IVPR | IVORn. */
static void reflect_critical(struct vcpu *v, struct trap_frame *tf, unsigned int ivor)
{
	struct vcpu_arch *a = &v->arch;

	a->csrr0 = tf->pc;
	a->csrr1 = a->msr;
	a->msr &= MSR_ME;
	tf->pc = (a->ivpr & 0xffff0000u) | (a->ivor[ivor] & 0xfff0u);
	v->stats.reflected++;
}

/* Take pending doorbell bit if it is set; it is consumed by the delivery. */
static bool take_dbell(struct vcpu_arch *a, uint32_t bit)
{
	if (!(a->dbell & bit))
		return false;
	__atomic_fetch_and(&a->dbell, ~bit, __ATOMIC_SEQ_CST);
	return true;
}

/* Virtual interrupts the guest's MSR now allows (one delivery at a time; the next exit
 * delivers the next): a critical doorbell under MSR[CE]; under MSR[EE] its decrementer,
 * then a processor doorbell, then device interrupts of the virtual PIC. */
void vcpu_deliver_pending(struct vcpu *v, struct trap_frame *tf)
{
	struct vcpu_arch *a = &v->arch;

	if ((a->msr & MSR_CE) && take_dbell(a, VCPU_DBELL_CRIT)) {
		reflect_critical(v, tf, IVOR_DOORBELL_CRIT);
		return;
	}
	if (!(a->msr & MSR_EE))
		return;
	if ((a->tsr & TSR_DIS) && (a->tcr & TCR_DIE))
		vcpu_reflect(v, tf, IVOR_DECREMENTER, tf->pc);
	else if (take_dbell(a, VCPU_DBELL))
		vcpu_reflect(v, tf, IVOR_DOORBELL, tf->pc);
	else if (vpic_pending(v))
		vcpu_reflect(v, tf, IVOR_EXTERNAL, tf->pc);
}

/* Fast path: the instruction that trapped was just fetched through a 4 KiB shadow entry
 * still in the real TLB (TS = 1, our TID): tlbsx finds it (E500MCRM 6.5.3.3). Only an
 * executable shadow (UX) is used: device pages never are (vtlb.c), and a data-only shadow
 * of a split IS/DS guest may translate pc differently. The physical address is read with
 * the RAM-only accessor, never cast to a pointer. */
static int fetch_via_shadow(const struct vcpu_arch *a, uint32_t pc, uint32_t *insn)
{
	uint32_t mas1, mas3;
	uint64_t pa;

	mtspr(SPRN_MAS6, (a->shadow_tid << 16) | 1); /* SPID, SAS = 1 */
	__asm__ volatile("tlbsx 0, %0; isync" : : "r"(pc) : "memory");
	mas1 = (uint32_t)mfspr(SPRN_MAS1);
	if (!(mas1 & MAS1_VALID) || ((mas1 >> 8) & 0xf) != 1)
		return -HV_EFAULT;
	mas3 = (uint32_t)mfspr(SPRN_MAS3);
	if (!(mas3 & MAS3_UX))
		return -HV_EFAULT;
	pa = ((uint64_t)mfspr(SPRN_MAS7) << 32) | (mas3 & 0xfffff000u) | (pc & 0xfffu);
	return powerpc_phys_read32(pa, insn);
}

int vcpu_fetch_insn(struct vcpu *v, uint32_t pc, uint32_t *insn)
{
	struct vcpu_arch *a = &v->arch;
	unsigned int tlbsel, esel;
	const struct vtlb_entry *e;
	uint64_t hpa;

	if (pc & 3)
		return -HV_EINVAL;
	if (!fetch_via_shadow(a, pc, insn))
		return 0;
	e = vtlb_lookup(a, pc, !!(a->msr & MSR_IS), a->pid, &tlbsel, &esel);
	if (!e || gpa_to_hpa(v->part, vtlb_translate(e, pc), 4, &hpa))
		return -HV_EFAULT;
	return powerpc_phys_read32(hpa, insn);
}
