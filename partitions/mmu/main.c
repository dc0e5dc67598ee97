/* mmu - the guest manages its own MMU: TLB1 and TLB0 entries written with tlbwe, found with
 * tlbsx, read back with tlbre, removed with tlbwe (V = 0), tlbivax and tlbilx; an access
 * after unmapping takes a data TLB miss in the guest's own handler, which refills the
 * entry in TLB0 (E500MCRM, MMU: TLB miss handling) and lets the access complete.
 * Prints PASS/FAIL lines, exits 0 when all pass. No bootargs. */
#include <stdio.h>
#include <guest/guest.h>

#define ALIAS_VA   0x40000000u /* outside the initial mapping (at most 64 MiB) */
#define STORE_VA   0x40200000u
#define PAGE       4096u
#define WORDS      (PAGE / 4)
#define PATTERN(i) (0xc0de0000u + (i))

/* A page of known data; guest virtual == guest physical, so its address is its RPN. */
static volatile uint32_t known[WORDS] __attribute__((aligned(PAGE)));

/* What the DTLB-miss handler saw and did. */
static struct {
	volatile uint32_t count;         /* misses taken */
	volatile uint32_t dear, esr, pc; /* of the last one */
	uint32_t next_way;               /* TLB0 way to refill next (round robin) */
	uint32_t ways;                   /* TLB0 associativity */
} miss;

/* A 4 KiB TLB0 entry va -> known[] (TID 0, TS 0), in the given way of va's set. */
static void tlb0_map(uint32_t va, uint32_t way)
{
	struct tlb_entry e = {
		.mas0 = MAS0_TLBSEL(0) | MAS0_ESEL(way),
		.mas1 = MAS1_VALID | MAS1_TSIZE(1),
		.mas2 = va & MAS2_EPN_MASK,
		.mas3 = ((uint32_t)known & MAS3_RPN_MASK) | MAS3_SR | MAS3_SW,
		.mas7 = 0,
	};

	tlb_write(&e);
}

/* IVOR13: record DEAR/ESR, refill the faulting page in TLB0 and retry the access. Any miss
 * outside the test window is a real fault. */
static void dtlb_miss(struct guest_frame *f)
{
	uint32_t page = f->dear & MAS2_EPN_MASK;

	if (page != ALIAS_VA && page != STORE_VA) {
		printf("guest: unexpected data TLB miss at PC 0x%08lx DEAR 0x%08lx ESR 0x%08lx\n",
		       (unsigned long)f->pc, (unsigned long)f->dear, (unsigned long)f->esr);
		guest_exit(113);
	}
	miss.count++;
	miss.dear = f->dear;
	miss.esr = f->esr;
	miss.pc = f->pc;
	tlb0_map(page, miss.next_way);
	miss.next_way = (miss.next_way + 1) % miss.ways;
}

static void test_tlb1_alias(int esel)
{
	volatile uint32_t *alias = (volatile uint32_t *)ALIAS_VA;
	uint32_t i, bad = WORDS;

	tlb1_set(esel, ALIAS_VA, (uint32_t)known, PAGE, 0, MAS3_SR | MAS3_SW);
	for (i = 0; i < WORDS && bad == WORDS; i++)
		if (alias[i] != PATTERN(i))
			bad = i;
	guest_check(bad == WORDS, "tlb1 alias at 0x40000000 reads the known data",
		    "word %lu = 0x%08lx", (unsigned long)bad, (unsigned long)alias[bad % WORDS]);
	alias[5] = 0x12345678;
	guest_check(known[5] == 0x12345678, "store through the tlb1 alias is seen at the original",
		    "known[5] = 0x%08lx", (unsigned long)known[5]);
	known[5] = PATTERN(5);
}

static void test_tlb1_lookup(int esel)
{
	struct tlb_entry e;
	int hit = tlb_search(ALIAS_VA + 0x10, 0, 0, &e);

	guest_check(
		hit && MAS0_GET_TLBSEL(e.mas0) == 1 && MAS0_GET_ESEL(e.mas0) == (uint32_t)esel &&
			(e.mas3 & MAS3_RPN_MASK) == (uint32_t)known && MAS1_GET_TSIZE(e.mas1) == 1,
		"tlbsx finds the tlb1 entry", "hit %d MAS0 0x%08lx MAS1 0x%08lx MAS3 0x%08lx", hit,
		(unsigned long)e.mas0, (unsigned long)e.mas1, (unsigned long)e.mas3);
	tlb_read(1, esel, 0, &e);
	guest_check((e.mas1 & MAS1_VALID) && (e.mas2 & MAS2_EPN_MASK) == ALIAS_VA &&
			    (e.mas3 & MAS3_RPN_MASK) == (uint32_t)known &&
			    (e.mas3 & (MAS3_SR | MAS3_SW)) == (MAS3_SR | MAS3_SW),
		    "tlbre reads back the tlb1 entry", "MAS1 0x%08lx MAS2 0x%08lx MAS3 0x%08lx",
		    (unsigned long)e.mas1, (unsigned long)e.mas2, (unsigned long)e.mas3);
	tlb1_clear(esel);
	hit = tlb_search(ALIAS_VA, 0, 0, &e);
	guest_check(!hit, "tlbsx misses after the tlb1 entry is cleared",
		    "MAS0 0x%08lx MAS1 0x%08lx", (unsigned long)e.mas0, (unsigned long)e.mas1);
}

static void test_load_miss(void)
{
	volatile uint32_t *alias = (volatile uint32_t *)ALIAS_VA;
	uint32_t before = miss.count, v;

	v = alias[7];
	guest_check(miss.count == before + 1 && miss.dear == ALIAS_VA + 28 && !(miss.esr & ESR_ST),
		    "load after unmap takes a data TLB miss in the guest handler",
		    "misses %lu DEAR 0x%08lx ESR 0x%08lx", (unsigned long)(miss.count - before),
		    (unsigned long)miss.dear, (unsigned long)miss.esr);
	guest_check(v == PATTERN(7), "the handler's tlb0 refill completes the load", "read 0x%08lx",
		    (unsigned long)v);
}

static void test_store_miss(void)
{
	volatile uint32_t *p = (volatile uint32_t *)(STORE_VA + 12);
	uint32_t before = miss.count;

	*p = 0xfeedf00d;
	guest_check(miss.count == before + 1 && miss.dear == STORE_VA + 12 && (miss.esr & ESR_ST),
		    "store miss reports DEAR and ESR[ST]", "misses %lu DEAR 0x%08lx ESR 0x%08lx",
		    (unsigned long)(miss.count - before), (unsigned long)miss.dear,
		    (unsigned long)miss.esr);
	guest_check(known[3] == 0xfeedf00d, "the store completes after the refill",
		    "known[3] = 0x%08lx", (unsigned long)known[3]);
	known[3] = PATTERN(3);
}

static void test_tlb0_lookup(void)
{
	struct tlb_entry e, r;
	int hit = tlb_search(ALIAS_VA, 0, 0, &e);

	guest_check(hit && MAS0_GET_TLBSEL(e.mas0) == 0 &&
			    (e.mas3 & MAS3_RPN_MASK) == (uint32_t)known,
		    "tlbsx finds the refilled tlb0 entry", "hit %d MAS0 0x%08lx MAS3 0x%08lx", hit,
		    (unsigned long)e.mas0, (unsigned long)e.mas3);
	tlb_read(0, MAS0_GET_ESEL(e.mas0), ALIAS_VA, &r);
	guest_check((r.mas1 & MAS1_VALID) && (r.mas2 & MAS2_EPN_MASK) == ALIAS_VA &&
			    (r.mas3 & MAS3_RPN_MASK) == (uint32_t)known,
		    "tlbre reads back the tlb0 entry", "MAS1 0x%08lx MAS2 0x%08lx MAS3 0x%08lx",
		    (unsigned long)r.mas1, (unsigned long)r.mas2, (unsigned long)r.mas3);
}

/* Invalidate the page's TLB0 entry with inval(), then check it is gone and refaults. */
static void test_invalidate(const char *what, uint32_t va, void (*inval)(uint32_t va))
{
	struct tlb_entry e;
	uint32_t before, v;
	int hit;

	inval(va);
	hit = tlb_search(va, 0, 0, &e);
	before = miss.count;
	v = *(volatile uint32_t *)(va + 16);
	guest_check(!hit && miss.count == before + 1 && v == PATTERN(4), what,
		    "tlbsx hit %d, misses %lu, read 0x%08lx", hit,
		    (unsigned long)(miss.count - before), (unsigned long)v);
}

static void ivax_tlb0(uint32_t va)
{
	tlb_ivax(va, 0);
}

int main(void)
{
	uint32_t i;
	int esel = tlb1_alloc();

	for (i = 0; i < WORDS; i++)
		known[i] = PATTERN(i);
	miss.ways = TLBnCFG_ASSOC(mfspr(SPRN_TLB0CFG));
	if (!miss.ways)
		miss.ways = 1;
	printf("mmu: tlb1 %lu entries, tlb0 %lu-way, known page at 0x%08lx, tlb1 esel %d\n",
	       (unsigned long)tlb1_entries(), (unsigned long)miss.ways, (unsigned long)known, esel);
	if (esel < 0) {
		guest_check(0, "a free tlb1 entry", "none");
		guest_finish("mmu");
	}
	guest_set_handler(IVOR_DTLB_MISS, dtlb_miss);
	test_tlb1_alias(esel);
	test_tlb1_lookup(esel);
	test_load_miss();
	test_store_miss();
	test_tlb0_lookup();
	test_invalidate("tlbivax removes the tlb0 entry (next access misses again)", ALIAS_VA,
			ivax_tlb0);
	test_invalidate("tlbilx removes the tlb0 entry (next access misses again)", STORE_VA,
			tlb_ilx_ea);
	tlb_ilx_ea(ALIAS_VA);
	tlb_ilx_ea(STORE_VA);
	tlb1_free(esel);
	guest_set_handler(IVOR_DTLB_MISS, NULL);
	guest_finish("mmu");
}
