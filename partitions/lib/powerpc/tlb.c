/* tlb.c - TLB maintenance from the guest (E500MCRM, "Memory Management Units").
 *
 * Every instruction sequence here is the architected one: the MAS registers are written
 * with mtspr, then isync makes them visible to tlbwe/tlbsx/tlbre, and an isync after the
 * TLB instruction makes the new translation (or the MAS results) visible to the following
 * instructions (E500MCRM, Memory Management Units, and
 * the EREF's synchronization requirements for MMU instructions). Under Bulkhead each of
 * these traps and is emulated against the partition's virtual TLB. */
#include <guest/guest.h>

#define TLB1_MAX   64          /* e500mc TLB1 size (E500MCRM, MMU: TLB1) */
#define IOMAP_BASE 0xe0000000u /* virtual window for guest_ioremap() */
#define IOMAP_END  0xf0000000u
#define MAX_KEPT   8

/* TLB1 ESELs in use on the boot CPU (bit n of word n / 32). */
static uint32_t tlb1_used[TLB1_MAX / 32];
static uint32_t tlb1_n;

/* Mappings guest_ioremap(keep = 1) made, replayed on each secondary CPU. */
static struct tlb_entry kept[MAX_KEPT];
static unsigned int nr_kept;
static uint32_t iomap_next = IOMAP_BASE;

void tlb_write(const struct tlb_entry *e)
{
	mtspr(SPRN_MAS0, e->mas0);
	mtspr(SPRN_MAS1, e->mas1);
	mtspr(SPRN_MAS2, e->mas2);
	mtspr(SPRN_MAS3, e->mas3);
	mtspr(SPRN_MAS7, e->mas7);
	__asm__ volatile("isync; tlbwe; isync" ::: "memory");
}

/* tlbre: MAS0 selects TLB and entry, for TLB0 MAS2[EPN] selects the set (E500MCRM, Memory
 * Management Units: tlbre). */
void tlb_read(uint32_t tlbsel, uint32_t esel, uint32_t ea, struct tlb_entry *e)
{
	mtspr(SPRN_MAS0, MAS0_TLBSEL(tlbsel) | MAS0_ESEL(esel));
	mtspr(SPRN_MAS2, ea & MAS2_EPN_MASK);
	__asm__ volatile("isync; tlbre; isync" ::: "memory");
	e->mas0 = mfspr(SPRN_MAS0);
	e->mas1 = mfspr(SPRN_MAS1);
	e->mas2 = mfspr(SPRN_MAS2);
	e->mas3 = mfspr(SPRN_MAS3);
	e->mas7 = mfspr(SPRN_MAS7);
}

/* tlbsx: search with PID = MAS6[SPID], AS = MAS6[SAS]; MAS1[V] tells hit or miss
 * (E500MCRM, Memory Management Units: tlbsx). */
int tlb_search(uint32_t ea, uint32_t pid, int as, struct tlb_entry *e)
{
	mtspr(SPRN_MAS6, MAS6_SPID(pid) | (as ? MAS6_SAS : 0));
	__asm__ volatile("isync; tlbsx 0,%0; isync" : : "r"(ea) : "memory");
	e->mas0 = mfspr(SPRN_MAS0);
	e->mas1 = mfspr(SPRN_MAS1);
	e->mas2 = mfspr(SPRN_MAS2);
	e->mas3 = mfspr(SPRN_MAS3);
	e->mas7 = mfspr(SPRN_MAS7);
	return !!(e->mas1 & MAS1_VALID);
}

/* tlbivax: invalidate the entries translating ea (TID = MAS6[SPID]) in TLB0 or TLB1 on
 * every CPU, then tlbsync to wait for the broadcast (E500MCRM, Memory Management Units:
 * tlbivax, tlbsync). */
void tlb_ivax(uint32_t ea, int tlb1)
{
	uint32_t v = (ea & MAS2_EPN_MASK) | (tlb1 ? TLBIVAX_TLB1 : 0);

	mtspr(SPRN_MAS6, 0);
	__asm__ volatile("isync; tlbivax 0,%0; sync; tlbsync; sync; isync" : : "r"(v) : "memory");
}

/* tlbilx T=3: invalidate this CPU's entries translating ea for MAS6[SPID]/[SAS]. */
void tlb_ilx_ea(uint32_t ea)
{
	mtspr(SPRN_MAS6, 0);
	__asm__ volatile("isync; tlbilx 3,0,%0; isync" : : "r"(ea) : "memory");
}

/* tlbilx T=0: invalidate this CPU's entries (not IPROT-protected ones). */
void tlb_ilx_all(void)
{
	__asm__ volatile("tlbilx 0,0,0; isync" ::: "memory");
}

uint32_t tlb1_entries(void)
{
	uint32_t n = TLBnCFG_N_ENTRY(mfspr(SPRN_TLB1CFG));

	return n && n <= TLB1_MAX ? n : 16;
}

/* Record which TLB1 entries are valid at boot (the initial mapping, at least). */
void guest_tlb_init(void)
{
	struct tlb_entry e;
	uint32_t i;

	tlb1_n = tlb1_entries();
	for (i = 0; i < tlb1_n; i++) {
		tlb_read(1, i, 0, &e);
		if (e.mas1 & MAS1_VALID)
			tlb1_used[i / 32] |= 1u << (i % 32);
	}
}

int tlb1_alloc(void)
{
	uint32_t i;

	for (i = 0; i < tlb1_n; i++) {
		if (!(tlb1_used[i / 32] & (1u << (i % 32)))) {
			tlb1_used[i / 32] |= 1u << (i % 32);
			return (int)i;
		}
	}
	return -1;
}

void tlb1_free(int esel)
{
	if (esel >= 0 && (uint32_t)esel < tlb1_n)
		tlb1_used[esel / 32] &= ~(1u << (esel % 32));
}

uint32_t tlb_tsize(uint32_t size)
{
	uint32_t ts;

	for (ts = 1; ts <= 11;
	     ts++) /* 4 KiB .. 4 GiB (E500MCRM, Memory Management Units: MAS1[TSIZE]) */
		if (size == (4096u << (2 * (ts - 1))))
			return ts;
	return 0;
}

static void tlb1_entry(struct tlb_entry *e, int esel, uint32_t va, uint64_t pa, uint32_t size,
		       uint32_t wimge, uint32_t perm)
{
	e->mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel);
	e->mas1 = MAS1_VALID | MAS1_TID(0) | MAS1_TSIZE(tlb_tsize(size));
	e->mas2 = (va & MAS2_EPN_MASK) | (wimge & 0x1f);
	e->mas3 = ((uint32_t)pa & MAS3_RPN_MASK) | (perm & 0x3f);
	e->mas7 = (uint32_t)(pa >> 32) & 0xf; /* physical address bits 32..35 */
}

void tlb1_set(int esel, uint32_t va, uint64_t pa, uint32_t size, uint32_t wimge, uint32_t perm)
{
	struct tlb_entry e;

	tlb1_entry(&e, esel, va, pa, size, wimge, perm);
	tlb_write(&e);
}

void tlb1_clear(int esel)
{
	struct tlb_entry e = { .mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel) };

	tlb_write(&e);
}

/* Smallest 4^n KiB page, aligned to its size, that contains [pa, pa + size). */
static uint32_t page_for(uint64_t pa, uint32_t size, uint64_t *base)
{
	uint32_t sz;

	for (sz = 4096; sz && sz <= 0x40000000u; sz <<= 2) {
		*base = pa & ~(uint64_t)(sz - 1);
		if (pa + size <= *base + sz)
			return sz;
	}
	return 0;
}

void *guest_ioremap(uint64_t pa, uint32_t size, int keep)
{
	uint64_t base;
	uint32_t sz = page_for(pa, size ? size : 1, &base), va;
	int esel;
	struct tlb_entry e;

	if (!sz)
		return NULL;
	va = (iomap_next + sz - 1) & ~(sz - 1);
	if (va >= IOMAP_END || IOMAP_END - va < sz)
		return NULL;
	esel = tlb1_alloc();
	if (esel < 0)
		return NULL;
	iomap_next = va + sz;
	tlb1_entry(&e, esel, va, base, sz, MAS2_I | MAS2_G, MAS3_SR | MAS3_SW);
	tlb_write(&e);
	if (keep && nr_kept < MAX_KEPT)
		kept[nr_kept++] = e;
	return (void *)(va + (uint32_t)(pa - base));
}

/* A TLB1 entry of this CPU that is invalid (tlbre), -1 if all are in use. */
static int tlb1_free_here(void)
{
	struct tlb_entry e;
	uint32_t i;

	for (i = 0; i < tlb1_n; i++) {
		tlb_read(1, i, 0, &e);
		if (!(e.mas1 & MAS1_VALID))
			return (int)i;
	}
	return -1;
}

/* On a secondary CPU: install the kept mappings. The loader's initial mapping of this CPU
 * may sit in another entry than the boot CPU's (QEMU uses ESEL 1 for released CPUs, 0 for
 * the boot CPU), so an entry that is in use here is moved to a free one. */
void guest_tlb_replay(void)
{
	struct tlb_entry e, cur;
	unsigned int i;
	int esel;

	for (i = 0; i < nr_kept; i++) {
		e = kept[i];
		tlb_read(1, MAS0_GET_ESEL(e.mas0), 0, &cur);
		if (cur.mas1 & MAS1_VALID) {
			esel = tlb1_free_here();
			if (esel < 0)
				continue;
			e.mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel);
		}
		tlb_write(&e);
	}
}
