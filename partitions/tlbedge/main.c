/* tlbedge - MMU edge cases a guest can reach, one per run (bootargs test=NAME); the same
 * binary runs bare on QEMU and as a partition, and prints what it saw, so the two can be
 * compared. Lines: "tlbedge: ..." results, PASS/FAIL checks, then the exit code.
 *   exec     execute from its own RAM (works), then from a device page (PCI BAR of the edu
 *            function given to it; bootargs dev=0x<guest physical> bare): an instruction
 *            storage interrupt in its own handler, SRR0 = the device address
 *   straddle a 64 MiB TLB1 entry over its 16 MiB: the last page inside reads what is
 *            there; the first page outside (under a hypervisor: an isolation fault)
 *   walk     touch 2048 pages through a TLB1 entry and 1024 pages through its own TLB0
 *            (refilled by its DTLB-miss handler, 4 ways x 128 sets: twice over capacity);
 *            prints sums and miss counts, which must equal bare
 *   split    MSR[IS] = 0, MSR[DS] = 1: one address maps to page A for instruction fetch
 *            (TS = 0) and page B for data (TS = 1); a call and a load each get their own
 *   ivax     2 CPUs: CPU 1 reads an address whose TLB0 mapping both CPUs refill from a
 *            shared "page table"; CPU 0 changes the table and does tlbivax + tlbsync;
 *            every later read on CPU 1 sees the new page (tlbivax is broadcast) */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>
#include <guest/device.h>

#define PAGE            4096u
#define X_VA            0x40000000u /* test mappings live here */
#define WALK_PA         0x00400000u /* 8 MiB of its memory for the walk */
#define WALK_TLB1_PAGES 2048u
#define WALK_TLB0_PAGES 1024u
#define WALK_VA         0x50000000u

static uint8_t page_a[PAGE] __attribute__((aligned(PAGE)));
static uint8_t page_b[PAGE] __attribute__((aligned(PAGE)));

/* What the last reported exception was (vec 0 = none). */
static volatile struct {
	uint32_t vec, pc, esr, dear;
} seen;

/* Record the exception and return to the caller of the function that faulted (the test
 * jumps there with bctrl, so LR holds the return address). */
static void record_and_return(struct guest_frame *f)
{
	seen.vec = f->vec;
	seen.pc = f->pc;
	seen.esr = f->esr;
	seen.dear = f->dear;
	f->pc = f->lr;
}

static void sync_icache(void *p, size_t len)
{
	for (size_t o = 0; o < len; o += 64)
		__asm__ volatile("dcbst 0,%0; sync; icbi 0,%0"
				 :
				 : "r"((uint8_t *)p + o)
				 : "memory");
	__asm__ volatile("sync; isync" ::: "memory");
}

/* "li r3, imm; blr" at p */
static void put_li_blr(void *p, uint16_t imm)
{
	uint32_t *w = p;

	w[0] = 0x38600000u | imm;
	w[1] = 0x4e800020u;
	sync_icache(p, 8);
}

static uint32_t call_at(uint32_t va)
{
	uint32_t (*fn)(void) = (uint32_t(*)(void))va;

	return fn();
}

static void map4k(int esel, uint32_t va, uint64_t pa, uint32_t wimge, uint32_t perm, int ts)
{
	struct tlb_entry e = {
		.mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel),
		.mas1 = MAS1_VALID | MAS1_TSIZE(1) | (ts ? MAS1_TS : 0),
		.mas2 = va | wimge,
		.mas3 = ((uint32_t)pa & MAS3_RPN_MASK) | perm,
		.mas7 = (uint32_t)(pa >> 32),
	};

	tlb_write(&e);
}

/* ---- exec ---------------------------------------------------------------------------- */

/* The edu BAR0 guest physical address from the device ABI (0 if no function was given). */
static uint64_t edu_bar(void)
{
	const void *fdt = guest_boot.fdt;
	int node = fdt_node_offset_by_compatible(fdt, -1, "bulkhead,pci-function"), len;
	const fdt32_t *h = node < 0 ? NULL : fdt_getprop(fdt, node, "fsl,hv-device-handle", &len);
	struct bh_region_info ri = { .argsz = sizeof(ri) };

	if (!h || len != 4 || bh_device_get_region_info(fdt32_to_cpu(*h), 0, &ri) != EV_SUCCESS)
		return 0;
	return ri.guest_addr;
}

static void test_exec(void)
{
	uint64_t dev = guest_boot.hv ? edu_bar() : guest_arg_u64("dev", 0);
	int esel = tlb1_alloc();
	volatile uint32_t *regs;
	uint32_t r;

	guest_set_handler(IVOR_INST_STORAGE, record_and_return);
	guest_set_handler(IVOR_PROGRAM, record_and_return);
	guest_set_handler(IVOR_ITLB_MISS, record_and_return);
	put_li_blr(page_a, 0x77);
	r = call_at((uint32_t)page_a);
	guest_check(r == 0x77 && !seen.vec, "execute from its RAM", "r3 0x%lx vec %lu",
		    (unsigned long)r, (unsigned long)seen.vec);
	if (!dev || esel < 0) {
		guest_check(0, "device page for exec", "none (dev=%llx)", (unsigned long long)dev);
		return;
	}
	/* guest mapping: supervisor read/write/execute, cache-inhibited, guarded */
	map4k(esel, X_VA, dev, MAS2_I | MAS2_G, MAS3_SX | MAS3_SR | MAS3_SW, 0);
	regs = (volatile uint32_t *)X_VA;
	regs[1] = ~0x7c6000a6u; /* edu liveness register reads back ~x: "mfmsr r3" */
	printf("tlbedge: device page 0x%llx word 1 = 0x%08lx\n", (unsigned long long)dev,
	       (unsigned long)regs[1]);
	r = call_at(X_VA + 4);
	printf("tlbedge: exec device: vec %lu pc-off %ld esr 0x%08lx\n", (unsigned long)seen.vec,
	       (long)(seen.pc - (X_VA + 4)), (unsigned long)seen.esr);
	guest_check(seen.vec == IVOR_INST_STORAGE && seen.pc == X_VA + 4,
		    "execute from a device page: instruction storage interrupt",
		    "vec %lu pc 0x%08lx", (unsigned long)seen.vec, (unsigned long)seen.pc);
	tlb1_clear(esel);
}

/* ---- straddle ------------------------------------------------------------------------ */

static void test_straddle(void)
{
	uint64_t end = guest_boot.mem_base + guest_boot.mem_size;
	int esel = tlb1_alloc();
	volatile uint32_t *last;
	struct tlb_entry e = {
		.mas0 = MAS0_TLBSEL1 | MAS0_ESEL(esel),
		.mas1 = MAS1_VALID | MAS1_TSIZE(tlb_tsize(0x4000000u)),
		.mas2 = X_VA | MAS2_M,
		.mas3 = 0 | MAS3_SR | MAS3_SW,
	};

	if (esel < 0 || guest_boot.mem_base || end > 0x4000000u) {
		guest_check(0, "straddle set-up", "memory 0x%llx..0x%llx",
			    (unsigned long long)guest_boot.mem_base, (unsigned long long)end);
		return;
	}
	/* the last word inside, written through the initial mapping */
	*(volatile uint32_t *)(uint32_t)(end - 4) = 0x5a5aa5a5u;
	__asm__ volatile("sync" ::: "memory");
	tlb_write(&e);
	last = (volatile uint32_t *)(X_VA + (uint32_t)end - 4);
	printf("tlbedge: straddle: 64 MiB entry over 0x0..0x%llx\n", (unsigned long long)end);
	guest_check(*last == 0x5a5aa5a5u, "last page inside reads through the straddling entry",
		    "0x%08lx", (unsigned long)*last);
	printf("tlbedge: reading the first page outside, guest physical 0x%llx\n",
	       (unsigned long long)end);
	printf("tlbedge: read 0x%08lx\n", (unsigned long)last[1]);
	tlb1_clear(esel);
}

/* ---- walk ---------------------------------------------------------------------------- */

static volatile uint32_t walk_misses;
static unsigned int walk_way[128];

/* DTLB miss in the walk window: map the page in TLB0, ways used round robin per set. */
static void walk_miss(struct guest_frame *f)
{
	uint32_t va = f->dear & MAS2_EPN_MASK, set = (va >> 12) & 127;
	struct tlb_entry e = {
		.mas0 = MAS0_TLBSEL(0) | MAS0_ESEL(walk_way[set]++ & 3),
		.mas1 = MAS1_VALID | MAS1_TSIZE(1),
		.mas2 = va | MAS2_M,
		.mas3 = (WALK_PA + (va - WALK_VA)) | MAS3_SR | MAS3_SW,
	};

	if (va - WALK_VA >= WALK_TLB0_PAGES * PAGE) {
		guest_check(0, "walk miss inside the window", "DEAR 0x%08lx",
			    (unsigned long)f->dear);
		guest_exit(3);
	}
	walk_misses++;
	tlb_write(&e);
}

static void test_walk(void)
{
	uint32_t sum1 = 0, sum0 = 0, sum0b = 0, m1, m2;

	for (uint32_t i = 0; i < WALK_TLB1_PAGES; i++)
		*(volatile uint32_t *)(WALK_PA + i * PAGE + (i & 0x3fc)) = i * 0x9e3779b9u;
	for (uint32_t i = 0; i < WALK_TLB1_PAGES; i++)
		sum1 += *(volatile uint32_t *)(WALK_PA + i * PAGE + (i & 0x3fc)) ^ i;
	guest_set_handler(IVOR_DTLB_MISS, walk_miss);
	for (uint32_t i = 0; i < WALK_TLB0_PAGES; i++)
		sum0 += *(volatile uint32_t *)(WALK_VA + i * PAGE + (i & 0x3fc)) ^ i;
	m1 = walk_misses;
	for (uint32_t i = WALK_TLB0_PAGES; i-- > 0;)
		sum0b += *(volatile uint32_t *)(WALK_VA + i * PAGE + (i & 0x3fc)) ^ i;
	m2 = walk_misses - m1;
	guest_set_handler(IVOR_DTLB_MISS, NULL);
	printf("tlbedge: walk tlb1 %u pages sum 0x%08lx\n", WALK_TLB1_PAGES, (unsigned long)sum1);
	printf("tlbedge: walk tlb0 %u pages sum 0x%08lx misses %lu, backwards sum 0x%08lx "
	       "misses %lu\n",
	       WALK_TLB0_PAGES, (unsigned long)sum0, (unsigned long)m1, (unsigned long)sum0b,
	       (unsigned long)m2);
	guest_check(sum0 == sum0b && m1 == WALK_TLB0_PAGES, "tlb0 walk consistent",
		    "sums 0x%08lx 0x%08lx misses %lu", (unsigned long)sum0, (unsigned long)sum0b,
		    (unsigned long)m1);
}

/* ---- split --------------------------------------------------------------------------- */

/* With MSR[DS] = 1 (data in TS 1): call X, then load X, then call X again; or load first. */
static void split_run(int load_first, uint32_t *code, uint32_t *data, uint32_t *code2)
{
	uint32_t msr = mfmsr();

	mtmsr(msr | MSR_DS);
	if (load_first) {
		*data = *(volatile uint32_t *)X_VA;
		*code = call_at(X_VA);
	} else {
		*code = call_at(X_VA);
		*data = *(volatile uint32_t *)X_VA;
	}
	*code2 = call_at(X_VA);
	mtmsr(msr);
}

static void test_split(void)
{
	int e_code = tlb1_alloc(), e_data = tlb1_alloc(), e_img = tlb1_alloc();
	uint32_t c, d, c2;
	struct tlb_entry img;

	if (e_code < 0 || e_data < 0 || e_img < 0) {
		guest_check(0, "split set-up", "no TLB1 entries");
		return;
	}
	put_li_blr(page_a, 0xa); /* instruction side: li r3,0xa */
	put_li_blr(page_b, 0xb); /* data side: starts with 0x3860000b */
	/* the image (stack, globals) for data in TS 1: a copy of the initial mapping */
	tlb_search((uint32_t)page_a, 0, 0, &img);
	img.mas0 = MAS0_TLBSEL1 | MAS0_ESEL(e_img);
	img.mas1 = (img.mas1 & ~MAS1_IPROT) | MAS1_TS;
	tlb_write(&img);
	map4k(e_code, X_VA, (uint32_t)page_a, MAS2_M, MAS3_SX | MAS3_SR, 0);
	map4k(e_data, X_VA, (uint32_t)page_b, MAS2_M, MAS3_SR | MAS3_SW, 1);
	for (int load_first = 0; load_first < 2; load_first++) {
		split_run(load_first, &c, &d, &c2);
		printf("tlbedge: split (%s first): call -> 0x%lx, load -> 0x%08lx, call -> 0x%lx\n",
		       load_first ? "load" : "call", (unsigned long)c, (unsigned long)d,
		       (unsigned long)c2);
		guest_check(c == 0xa && c2 == 0xa && d == 0x3860000bu,
			    load_first ? "split IS/DS, load first" : "split IS/DS, call first",
			    "call 0x%lx load 0x%08lx call 0x%lx", (unsigned long)c,
			    (unsigned long)d, (unsigned long)c2);
	}
	tlb1_clear(e_code);
	tlb1_clear(e_data);
	tlb1_clear(e_img);
}

/* ---- ivax ---------------------------------------------------------------------------- */

static volatile uint32_t pt_x; /* the "page table": physical page of X_VA */
static volatile uint32_t cpu1_ready, cpu1_done, after_sync;
static volatile uint32_t reads_old, reads_new, stale_after;

/* DTLB miss for X_VA on either CPU: map it from the page table (TLB0, way 0). */
static void ivax_miss(struct guest_frame *f)
{
	struct tlb_entry e = {
		.mas0 = MAS0_TLBSEL(0) | MAS0_ESEL(0),
		.mas1 = MAS1_VALID | MAS1_TSIZE(1),
		.mas2 = X_VA | MAS2_M,
		.mas3 = pt_x | MAS3_SR | MAS3_SW,
	};

	if ((f->dear & MAS2_EPN_MASK) != X_VA) {
		printf("tlbedge: unexpected DTLB miss at 0x%08lx\n", (unsigned long)f->dear);
		guest_exit(4);
	}
	tlb_write(&e);
}

/* CPU 1: read X until it shows page B; a read of A that began after CPU 0's tlbsync had
 * completed is stale. Bounded (10 s of time base) as a safety net only. */
static void ivax_cpu1(unsigned int cpu)
{
	uint64_t end;
	uint32_t after, v;

	guest_set_handler(IVOR_DTLB_MISS, ivax_miss);
	(void)*(volatile uint32_t *)X_VA;
	cpu1_ready = 1;
	end = guest_tb() + guest_us_to_tb(10000000);
	while (guest_tb() < end) {
		after = after_sync;
		__asm__ volatile("sync" ::: "memory");
		v = *(volatile uint32_t *)X_VA;
		if (v == 0xbbbbbbbbu) {
			reads_new++;
			break;
		}
		reads_old++;
		if (after)
			stale_after++;
		if (stale_after > 1000)
			break;
	}
	__asm__ volatile("sync" ::: "memory");
	cpu1_done = 1;
}

static void test_ivax(void)
{
	uint64_t end;
	uint32_t mine;

	*(volatile uint32_t *)page_a = 0xaaaaaaaau;
	*(volatile uint32_t *)page_b = 0xbbbbbbbbu;
	pt_x = (uint32_t)page_a;
	__asm__ volatile("sync" ::: "memory");
	guest_set_handler(IVOR_DTLB_MISS, ivax_miss);
	if (guest_start_cpu(1, 1, ivax_cpu1)) {
		guest_check(0, "second CPU", "could not be started");
		return;
	}
	end = guest_tb() + guest_us_to_tb(10000000);
	while (!cpu1_ready && guest_tb() < end)
		;
	(void)*(volatile uint32_t *)X_VA; /* CPU 0 maps A too */
	guest_udelay(2000);               /* CPU 1 reads A meanwhile (not needed for the proof) */
	pt_x = (uint32_t)page_b;
	__asm__ volatile("sync" ::: "memory");
	tlb_ivax(X_VA, 0); /* tlbivax; sync; tlbsync; sync */
	after_sync = 1;
	__asm__ volatile("sync" ::: "memory");
	mine = *(volatile uint32_t *)X_VA;
	while (!cpu1_done && guest_tb() < end)
		;
	printf("tlbedge: ivax: cpu0 reads 0x%08lx; cpu1 read old %lu times (%lu after tlbsync), "
	       "new %lu\n",
	       (unsigned long)mine, (unsigned long)reads_old, (unsigned long)stale_after,
	       (unsigned long)reads_new);
	guest_check(mine == 0xbbbbbbbbu, "tlbivax: this CPU sees the new page", "0x%08lx",
		    (unsigned long)mine);
	guest_check(cpu1_done && reads_new == 1 && stale_after == 0,
		    "tlbivax: the other CPU sees the new page after tlbsync",
		    "done %lu new %lu stale %lu", (unsigned long)cpu1_done,
		    (unsigned long)reads_new, (unsigned long)stale_after);
}

int main(void)
{
	char test[16] = "";

	guest_arg_str("test", test, sizeof(test));
	printf("tlbedge: %s, %s\n", test, guest_boot.hv ? "under a hypervisor" : "bare");
	if (!strcmp(test, "exec"))
		test_exec();
	else if (!strcmp(test, "straddle"))
		test_straddle();
	else if (!strcmp(test, "walk"))
		test_walk();
	else if (!strcmp(test, "split"))
		test_split();
	else if (!strcmp(test, "ivax"))
		test_ivax();
	else
		guest_check(0, "test=", "unknown test '%s'", test);
	guest_finish("tlbedge");
}
