/* hcfuzz - hypercall fuzzer (issue 12, R3) and its victim.
 *
 * role=fuzz (default): every vCPU of the partition (cpus=N, default 2) makes count=N random
 * hypercalls (default 5000 each): random tokens around the three vendors' numbers, arguments
 * from a pool of hostile values (pointers into the hypervisor, other partitions, device pages,
 * unaligned, wrapping, huge sizes, stale and foreign handles) mixed with plausible ones. Each
 * CPU has its own PRNG seeded from seed=N and its index, so one CPU's call sequence is
 * reproducible from the printed seed (the interleaving of CPUs is not). The partition only
 * does what any partition may do; the few calls that would legitimately stop the fuzzer
 * itself, and the cases that hit a known unfixed finding, are skipped (see skip_reason()).
 * hammer=1: only byte-channel, vPIC, DMA and status calls on the partition's own handles
 * (the SMP race run). go=key: wait for a key on the console first (so that the test can read
 * the hypervisor's state with the partition started). Progress "hcfuzz: cpu C N calls" every
 * 10% on each CPU; at the end a histogram of the status codes and
 * "hcfuzz: done seed S calls N skipped K"; exit 0.
 *
 * role=victim: fills a 1 MiB buffer with a pattern and prints, every interval=MS (default 20),
 * "victim: tick N sum 0x..." with the checksum of the buffer and of its first 32 KiB of code;
 * a changed sum prints "victim: CORRUPT". The test compares the lines before and after the
 * fuzzing; poke=N is its positive control (victim_poke() from tick N on).
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>

#define MAX_CPUS     GUEST_MAX_CPUS
#define NSTATUS      16 /* EV_* 0..15, the rest counted as "other" */
#define SCRATCH_SIZE 0x10000
#define SELF_HANDLE  0xffffffffu /* MEMCPY, STOP, RESTART, GET_STATUS: "the caller" */
#define VICTIM_SIZE  (1u << 20)

/* Per-CPU fuzzing state: PRNG and counters (each CPU writes only its own). */
struct fuzz_cpu {
	uint64_t rng;
	uint32_t calls, skipped;
	uint32_t status[NSTATUS + 1];
	uint32_t sg[4 * 8] __attribute__((aligned(32))); /* MEMCPY list, 4 entries */
};

static struct fuzz_cpu fcpu[MAX_CPUS];
static uint8_t scratch[MAX_CPUS][SCRATCH_SIZE] __attribute__((aligned(4096)));
static uint32_t count, ncpus, console_handle, hammer;
static uint32_t own_handle[32]; /* every handle named in the partition's tree */
static unsigned int nr_own;
static uint64_t seed;
static volatile uint32_t started, finished;

/* xorshift64* (Vigna 2016): small, good enough, and the same sequence on every host. */
static uint64_t rnd64(struct fuzz_cpu *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd(struct fuzz_cpu *c, uint32_t n)
{
	return (uint32_t)(rnd64(c) >> 32) % n;
}

/* Hostile and plausible argument values; the comments say what each one aims at. */
static uint32_t pick_arg(struct fuzz_cpu *c, unsigned int cpu)
{
	uint32_t mem = (uint32_t)guest_boot.mem_size;
	uint32_t own = (uint32_t)(uintptr_t)scratch[cpu];

	switch (rnd(c, 20)) {
	case 0:
		return 0;
	case 1:
		return rnd(c, 2) && nr_own ? own_handle[rnd(c, nr_own)] /* valid handles */
					   : rnd(c, 40); /* stale, foreign, past the table */
	case 2:
		return 0xffffffffu - rnd(c, 4); /* -1 .. -4: wrapping sizes and counts */
	case 3:
		return 0x80000000u >> rnd(c, 4); /* sign bit and friends */
	case 4:
		return (uint32_t)rnd64(c); /* anything */
	case 5:
		return own + rnd(c, SCRATCH_SIZE); /* inside own memory, unaligned */
	case 6:
		return own + SCRATCH_SIZE - rnd(c, 8); /* ends of a buffer */
	case 7:
		return mem - rnd(c, 64); /* straddles the end of own memory */
	case 8:
		return mem + rnd(c, 0x1000); /* just past own memory */
	case 9:
		return 0x10000000u + rnd(c, 4) * 0x01000000u + rnd(c, 0x100) * 4;
		/* host physical of the partitions */
	case 10:
		return rnd(c, 0x08000000); /* host physical of the hypervisor */
	case 11:
		return 0xfe000000u + rnd(c, 0x100000); /* CCSR (36-bit address truncated) */
	case 12:
		return 0xe0000000u + rnd(c, 0x1000); /* device window / guest I/O window */
	case 13:
		return 0x00f00000u + rnd(c, 0x10000); /* own device tree window */
	case 14:
		return rnd(c, 17); /* sizes around the byte-channel limit */
	case 15:
		return 1u << rnd(c, 32); /* powers of two: huge sizes */
	case 16:
		return rnd(c, 4); /* vCPU numbers, kinds, small indexes */
	case 17:
		return 0xffff; /* "no interrupt" handle */
	case 18:
		return 0x10000u - rnd(c, 2);
	default:
		return rnd(c, 0x100000); /* inside own memory (code, stack, heap) */
	}
}

static uint32_t pick_token(struct fuzz_cpu *c)
{
	static const uint32_t vendors[] = { HC_VENDOR_EPAPR, HC_VENDOR_FSL, HC_VENDOR_BULKHEAD };
	static const uint32_t known[] = {
		/* what hv/hcall/hcall.c implements */
		EV_BYTE_CHANNEL_SEND,
		EV_BYTE_CHANNEL_RECEIVE,
		EV_BYTE_CHANNEL_POLL,
		EV_INT_SET_CONFIG,
		EV_INT_GET_CONFIG,
		EV_INT_SET_MASK,
		EV_INT_GET_MASK,
		EV_INT_IACK,
		EV_INT_EOI,
		FH_PARTITION_GET_STATUS,
		FH_PARTITION_START,
		FH_PARTITION_STOP,
		FH_PARTITION_RESTART,
		FH_PARTITION_STOP_DMA,
		FH_PARTITION_MEMCPY,
		FH_DMA_ENABLE,
		FH_DMA_DISABLE,
		BH_ABI_VERSION,
		BH_NULL,
		BH_GUEST_EXIT,
		BH_WATCHDOG_FEED,
		BH_DEVICE_GET_INFO,
		BH_DEVICE_GET_REGION_INFO,
		BH_DEVICE_GET_IRQ_INFO,
		BH_DEVICE_GET_DT_PATH,
		BH_DEVICE_RESET,
	};

	if (rnd(c, 2))
		return known[rnd(c, sizeof(known) / sizeof(known[0]))];
	switch (rnd(c, 8)) {
	case 0:
		return (uint32_t)rnd64(c); /* anything */
	case 1:
		return HC_TOKEN(vendors[rnd(c, 3)], rnd(c, 0x10000));
	default:
		return HC_TOKEN(vendors[rnd(c, 3)], rnd(c, 24));
	}
}

/* A MEMCPY scatter-gather list of random entries. Copies into the fuzzer's own memory
 * (target SELF) are aimed at its scratch buffer or outside its memory: anything else would
 * overwrite the fuzzer's own code, which it may do but which ends the run. */
static void fill_sg(struct fuzz_cpu *c, unsigned int cpu, uint32_t dst_h)
{
	for (int i = 0; i < 4; i++) {
		uint32_t *e = &c->sg[8 * i];
		uint32_t size = rnd(c, 2) ? rnd(c, 0x2000) : pick_arg(c, cpu);

		memset(e, 0, 32);
		e[1] = pick_arg(c, cpu);
		e[3] = pick_arg(c, cpu);
		e[5] = size;
		if (rnd(c, 8) == 0) { /* 64-bit fields with high bits */
			e[0] = (uint32_t)rnd64(c);
			e[4] = rnd(c, 2) ? 0xffffffffu : 1;
		}
		if (dst_h == SELF_HANDLE) {
			uint32_t own = (uint32_t)(uintptr_t)scratch[cpu];

			if (rnd(c, 2)) {
				e[2] = 0;
				e[3] = own + rnd(c, SCRATCH_SIZE / 2);
				e[4] = 0;
				e[5] = rnd(c, SCRATCH_SIZE / 2);
			} else if (e[2] == 0 && e[3] < guest_boot.mem_size) {
				e[3] = (uint32_t)guest_boot.mem_size + rnd(c, 0x100000);
			}
		}
	}
}

/* The handles of the tree by kind (byte channels, interrupts, DMA sources, partitions), and
 * all of them in own_handle[]. */
enum hkind { HK_BC, HK_IRQ, HK_DMA, HK_PART, HK_NR };
static uint32_t kind_handle[HK_NR][8];
static unsigned int nr_kind[HK_NR];

static void add_handle(enum hkind k, uint32_t h)
{
	if (h == ~0u)
		return;
	if (nr_kind[k] < 8)
		kind_handle[k][nr_kind[k]++] = h;
	if (nr_own < 32)
		own_handle[nr_own++] = h;
}

static void find_handles(void)
{
	const void *fdt = guest_boot.fdt;

	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		int irq_len = 0;
		const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &irq_len);

		if (!fdt_node_check_compatible(fdt, node, "epapr,hv-byte-channel")) {
			add_handle(HK_BC, guest_fdt_u32(node, "hv-handle", ~0u));
			if (irq && irq_len >= 16) { /* its rx and tx interrupts */
				add_handle(HK_IRQ, fdt32_to_cpu(irq[0]));
				add_handle(HK_IRQ, fdt32_to_cpu(irq[2]));
			}
		} else if (!fdt_node_check_compatible(fdt, node, "fsl,hv-partition-handle"))
			add_handle(HK_PART, guest_fdt_u32(node, "hv-handle", ~0u));
		else if (!fdt_node_check_compatible(fdt, node, "fsl,hv-state-change-doorbell"))
			add_handle(HK_IRQ, guest_fdt_u32(node, "interrupts", ~0u));
		else if (irq) /* an assigned device's interrupt */
			add_handle(HK_IRQ, fdt32_to_cpu(irq[0]));
		add_handle(HK_DMA, guest_fdt_u32(node, "fsl,hv-dma-handle", ~0u));
	}
}

/* hammer=1: only the calls that move shared state (byte channels, the vPIC, DMA), mostly on
 * the partition's own handles of the right kind, with plausible arguments: the SMP race run
 * (issue 12, R3). */
static uint32_t hammer_call(struct fuzz_cpu *c, uint32_t *r)
{
	static const struct {
		uint32_t token;
		enum hkind kind;
	} calls[] = {
		{ EV_BYTE_CHANNEL_SEND, HK_BC }, { EV_BYTE_CHANNEL_RECEIVE, HK_BC },
		{ EV_BYTE_CHANNEL_POLL, HK_BC }, { EV_INT_SET_CONFIG, HK_IRQ },
		{ EV_INT_GET_CONFIG, HK_IRQ },   { EV_INT_SET_MASK, HK_IRQ },
		{ EV_INT_GET_MASK, HK_IRQ },     { EV_INT_IACK, HK_IRQ },
		{ EV_INT_EOI, HK_IRQ },          { FH_DMA_ENABLE, HK_DMA },
		{ FH_DMA_DISABLE, HK_DMA },      { FH_PARTITION_GET_STATUS, HK_PART },
	};
	unsigned int i = rnd(c, sizeof(calls) / sizeof(calls[0]));
	enum hkind k = calls[i].kind;

	if (nr_kind[k] && rnd(c, 8))
		r[0] = kind_handle[k][rnd(c, nr_kind[k])];
	else
		r[0] = nr_own ? own_handle[rnd(c, nr_own)] : 0;
	r[1] = calls[i].token == EV_INT_SET_CONFIG ? rnd(c, 4) : rnd(c, 17);
	r[2] = rnd(c, 16);
	r[3] = rnd(c, ncpus);
	for (int j = 4; j < 8; j++)
		r[j] = (uint32_t)rnd64(c);
	return calls[i].token;
}

/* Why this call is not made (NULL: make it). Each skip is something the fuzzer is allowed to
 * do but that would end or blind the run, or a known unfixed finding (issue 12). */
static const char *skip_reason(uint32_t tok, const uint32_t *r)
{
	if (tok == BH_GUEST_EXIT)
		return "stops the fuzzer itself";
	if ((tok == FH_PARTITION_STOP || tok == FH_PARTITION_RESTART) && r[0] == SELF_HANDLE)
		return "stops or restarts the fuzzer itself (handle -1, as Linux's halt/reboot)";
	/* Its own console carries the run's report, which random bytes would garble; console
	 * and byte-channel attacks from 2 vCPUs are conspam's (test_console_attacks.py). */
	if (tok == EV_BYTE_CHANNEL_SEND && r[0] == console_handle)
		return "send on its own console (conspam covers it)";
	return NULL;
}

static void fuzz_one(struct fuzz_cpu *c, unsigned int cpu)
{
	uint32_t r[8], tok = pick_token(c), st;

	for (int i = 0; i < 8; i++)
		r[i] = pick_arg(c, cpu);
	if (hammer)
		tok = hammer_call(c, r);
	if (HC_NUMBER(tok) == HC_NUMBER(FH_PARTITION_MEMCPY) && HC_VENDOR(tok) == HC_VENDOR_FSL) {
		if (rnd(c, 2))
			r[1] = SELF_HANDLE;
		if (rnd(c, 4) == 0)
			r[0] = SELF_HANDLE;
		fill_sg(c, cpu, r[1]);
		if (rnd(c, 4)) {
			r[2] = (uint32_t)(uintptr_t)c->sg;
			r[3] = 0;
		}
		/* MEMCPY does at most 64 KiB and 64 entries per call and has the guest call again
		 * for the rest (issue 12 finding 8): a huge count is bounded per call but keeps this
		 * vCPU copying for long, so counts stay small to keep a run short. Entries past
		 * the 4 built ones are whatever follows the list in memory. */
		r[4] &= 7;
	}
	if (skip_reason(tok, r)) {
		c->skipped++;
		return;
	}
	st = hcall(tok, r);
	c->status[st < NSTATUS ? st : NSTATUS]++;
	c->calls++;
}

static void fuzz_cpu(unsigned int cpu)
{
	struct fuzz_cpu *c = &fcpu[cpu];
	uint32_t step = count / 10 ? count / 10 : 1;

	c->rng = seed * 0x9e3779b97f4a7c15ull + cpu + 1;
	atomic_add_return(&started, 1);
	while (started < ncpus)
		;
	for (uint32_t i = 1; i <= count; i++) {
		fuzz_one(c, cpu);
		if (i % step == 0)
			printf("hcfuzz: cpu %u %lu calls\n", cpu, (unsigned long)i);
	}
	guest_sync();
	atomic_add_return(&finished, 1);
}

static int fuzz_main(void)
{
	uint32_t calls = 0, skipped = 0, tot[NSTATUS + 1] = { 0 };
	char line[160];
	int n;

	count = (uint32_t)guest_arg_u64("count", 5000);
	ncpus = (uint32_t)guest_arg_u64("cpus", 2);
	seed = guest_arg_u64("seed", 1);
	hammer = (uint32_t)guest_arg_u64("hammer", 0);
	find_handles();
	console_handle = (uint32_t)guest_bc_find("console");
	if (ncpus < 1 || ncpus > MAX_CPUS) {
		printf("hcfuzz: cpus=%lu out of range 1..%d\n", (unsigned long)ncpus, MAX_CPUS);
		return 2;
	}
	printf("hcfuzz: seed %llu cpus %lu count %lu console handle %ld, %u own handles%s\n",
	       (unsigned long long)seed, (unsigned long)ncpus, (unsigned long)count,
	       (long)(int32_t)console_handle, nr_own, hammer ? ", hammer" : "");
	if (guest_arg_str("go", line, sizeof(line)) && !strcmp(line, "key")) {
		printf("hcfuzz: press a key to start\n");
		while (guest_console_getc() < 0)
			;
	}
	for (unsigned int i = 1; i < ncpus; i++)
		if (guest_start_cpu(i, i, fuzz_cpu)) {
			printf("hcfuzz: cannot start cpu %u\n", i);
			return 2;
		}
	fuzz_cpu(0);
	while (finished < ncpus)
		;
	for (unsigned int i = 0; i < ncpus; i++) {
		calls += fcpu[i].calls;
		skipped += fcpu[i].skipped;
		for (int s = 0; s <= NSTATUS; s++)
			tot[s] += fcpu[i].status[s];
	}
	n = snprintf(line, sizeof(line), "hcfuzz: status");
	for (int s = 0; s <= NSTATUS; s++)
		if (tot[s])
			n += snprintf(line + n, sizeof(line) - n, " %s%d=%lu",
				      s == NSTATUS ? ">" : "", s == NSTATUS ? NSTATUS - 1 : s,
				      (unsigned long)tot[s]);
	printf("%s\n", line);
	printf("hcfuzz: done seed %llu calls %lu skipped %lu\n", (unsigned long long)seed,
	       (unsigned long)calls, (unsigned long)skipped);
	return 0;
}

/* ---- victim ------------------------------------------------------------------------------ */

static uint32_t victim_buf[VICTIM_SIZE / 4];
extern const char __image_start[];
#define VICTIM_TEXT 0x8000 /* the first 32 KiB of the image: vectors and code */

static uint32_t victim_sum(void)
{
	uint32_t s = 0;
	const uint32_t *t = (const uint32_t *)__image_start;

	for (uint32_t i = 0; i < VICTIM_SIZE / 4; i++)
		s = (s << 1 | s >> 31) ^ victim_buf[i];
	for (uint32_t i = 0; i < VICTIM_TEXT / 4; i++, t++)
		s = (s << 1 | s >> 31) ^ *t;
	return s;
}

/* The positive control (poke=N): from its tick N on, at every tick (the managed victim may
 * start later and fill its buffer after a first copy; the value changes each time), a victim that manages another one (the
 * same program: its buffer is at the same address) copies 4 bytes into that buffer; the status
 * is printed once. */
static void victim_poke(void)
{
	static int said;
	static uint32_t value = 0xdeadbeef; /* a new value each time: every copy changes it */
	int node = fdt_node_offset_by_compatible(guest_boot.fdt, -1, "fsl,hv-partition-handle");
	uint32_t h = node < 0 ? ~0u : guest_fdt_u32(node, "reg", ~0u);
	uint32_t st = guest_partition_memcpy(SELF_HANDLE, h, (uint32_t)(uintptr_t)&value,
					     (uint32_t)(uintptr_t)victim_buf, sizeof(value));

	value++;
	if (!said++)
		printf("victim: poked the managed partition: status %lu\n", (unsigned long)st);
}

static void __attribute__((noreturn)) victim_main(void)
{
	uint64_t step = guest_us_to_tb(guest_arg_u64("interval", 20) * 1000);
	uint64_t next = guest_tb() + step;
	uint64_t poke = guest_arg_u64("poke", 0); /* N: from tick N on (0: never) */
	uint32_t x = 0x12345678, first;

	for (uint32_t i = 0; i < VICTIM_SIZE / 4; i++)
		victim_buf[i] = x = x * 1664525 + 1013904223;
	first = victim_sum();
	printf("victim: %u KiB at 0x%lx, sum 0x%08lx\n", VICTIM_SIZE >> 10,
	       (unsigned long)(uintptr_t)victim_buf, (unsigned long)first);
	for (uint64_t k = 1;; k++) {
		uint32_t s;

		if (poke && k >= poke)
			victim_poke();

		while ((int64_t)(guest_tb() - next) < 0)
			;
		next += step;
		s = victim_sum();
		printf("victim: tick %llu sum 0x%08lx\n", (unsigned long long)k, (unsigned long)s);
		if (s != first)
			printf("victim: CORRUPT\n");
	}
}

int main(void)
{
	char role[16] = "fuzz";

	guest_arg_str("role", role, sizeof(role));
	if (!strcmp(role, "victim"))
		victim_main();
	if (!strcmp(role, "fuzz"))
		return fuzz_main();
	printf("hcfuzz: unknown role=%s\n", role);
	return 2;
}
