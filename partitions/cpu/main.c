/* cpu - the e500mc CPU features an unmodified Linux 6.1 uses, one per run (bootargs test=):
 *   spr    L1CSR0/1 flash bits self-clear, BUCSR, MMUCFG[LPIDSIZE], IVOR32-37 (E500MCRM 2.x)
 *   user   the same SPRs and msgsnd from user mode: the guest's program interrupt (ESR[PPR])
 *   fpu    FP unavailable with MSR[FP] = 0, FPRs kept across exits, FPRs at entry
 *   fp2    two vCPUs with different FPR contents at once (needs 2 CPUs)
 *   dbell  msgsnd/msgclr between two vCPUs: doorbell, critical doorbell, broadcast, masking
 *   xsend  msgsnd to every PIR tag but its own, then a byte on channel "peer" (cross-partition)
 *   xrecv  count doorbells until that byte arrives
 *   tlbnv  two data pages of one TLB0 set, mapped by a miss handler that writes with the MAS0
 *          the miss left (as Linux does): the set's next victim must move on (2 misses, not 8)
 * Lines start with "cpu: "; results are PASS/FAIL lines. The doorbell vectors (IVOR36/37) are
 * pointed at the runtime's stubs of IVOR9 (base class) and IVOR12 (critical class), whose
 * handlers this guest installs: the runtime only knows IVOR0-15. */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>
#include <guest/user.h>

#define SPRN_IVOR9  409
#define SPRN_IVOR12 412
#define SPRN_IVOR35 531
#define SPRN_IVOR36 532
#define SPRN_IVOR37 533

static volatile uint32_t dbell_count[GUEST_MAX_CPUS];
static volatile uint32_t crit_count[GUEST_MAX_CPUS];
static volatile uint32_t ready, phase;
static volatile uint32_t pir[GUEST_MAX_CPUS];
static volatile uint32_t fp_unavail;

static inline void msgsnd(uint32_t rb)
{
	__asm__ volatile("msync; msgsnd %0" : : "r"(rb) : "memory");
}

static inline void msgclr(uint32_t rb)
{
	__asm__ volatile("msgclr %0" : : "r"(rb) : "memory");
}

static void dbell_handler(struct guest_frame *f)
{
	atomic_add_return(&dbell_count[guest_cpu_id()], 1);
}

static void crit_handler(struct guest_frame *f)
{
	atomic_add_return(&crit_count[guest_cpu_id()], 1);
}

/* IVOR36/37 of this CPU -> the stubs of IVOR9/12 (see the header). */
static void doorbell_vectors(void)
{
	mtspr(SPRN_IVOR36, mfspr(SPRN_IVOR9));
	mtspr(SPRN_IVOR37, mfspr(SPRN_IVOR12));
}

static int wait_for(volatile uint32_t *v, uint32_t target, uint64_t ms)
{
	uint64_t start = guest_tb(), limit = guest_us_to_tb(ms * 1000);

	while (*v < target)
		if (guest_tb() - start > limit)
			return 0;
	return 1;
}

/* ---- spr ------------------------------------------------------------------------------ */

/* Write val, then read back until the flash bits are gone (bounded). */
static void csr(const char *name, unsigned int which, uint32_t val)
{
	uint32_t r = 0;
	int polls;

	if (which == 0)
		mtspr(SPRN_L1CSR0, val);
	else if (which == 1)
		mtspr(SPRN_L1CSR1, val);
	else
		mtspr(SPRN_BUCSR, val);
	for (polls = 0; polls < 1000; polls++) {
		r = which == 0   ? mfspr(SPRN_L1CSR0)
		    : which == 1 ? mfspr(SPRN_L1CSR1)
				 : mfspr(SPRN_BUCSR);
		if (!(r & (L1CSR_CFI | L1CSR_CLFC | BUCSR_BBFI)))
			break;
	}
	printf("cpu: %s write 0x%08lx read 0x%08lx%s\n", name, (unsigned long)val, (unsigned long)r,
	       polls < 1000 ? "" : " (flash bits never clear)");
}

static int test_spr(void)
{
	uint32_t v[6];

	csr("l1csr0", 0, L1CSR_CE | L1CSR_CFI | L1CSR_CLFC);
	csr("l1csr1", 1, L1CSR_CE | L1CSR_CFI | L1CSR_CLFC);
	csr("l1csr0", 0, L1CSR_CE | L1CSR_CPE);
	csr("bucsr", 2, BUCSR_BBFI | 1);
	printf("cpu: mmucfg lpidsize %lu\n",
	       (unsigned long)((mfspr(SPRN_MMUCFG) & MMUCFG_LPIDSIZE) >> 24));
	mtspr(SPRN_IVOR35, 0x1230);
	mtspr(SPRN_IVOR36, 0x4560);
	mtspr(SPRN_IVOR37, 0x7890);
	v[0] = mfspr(SPRN_IVOR35);
	v[1] = mfspr(SPRN_IVOR36);
	v[2] = mfspr(SPRN_IVOR37);
	printf("cpu: ivor35-37 0x%lx 0x%lx 0x%lx\n", (unsigned long)v[0], (unsigned long)v[1],
	       (unsigned long)v[2]);
	doorbell_vectors();
	return 0;
}

/* ---- user ----------------------------------------------------------------------------- */

#define UOP(name, body)                        \
	void u_##name(void *);                 \
	extern const uint32_t u_##name##_at[]; \
	__asm__(".text\n.globl u_" #name "\nu_" #name ":\n" body "\nblr\n")

UOP(l1csr0, "li 5,3\nu_l1csr0_at: mtspr 1010,5");
UOP(bucsr, "li 5,0x200\nu_bucsr_at: mtspr 1013,5");
UOP(mmucfg, "u_mmucfg_at: mfspr 5,1015");
UOP(ivor36, "li 5,0x100\nu_ivor36_at: mtspr 532,5");
UOP(msgsnd, "li 5,0\nu_msgsnd_at: msgsnd 5");

static const struct {
	const char *name;
	void (*fn)(void *);
	const uint32_t *at;
} uops[] = {
	{ "mtspr-l1csr0", u_l1csr0, u_l1csr0_at }, { "mtspr-bucsr", u_bucsr, u_bucsr_at },
	{ "mfspr-mmucfg", u_mmucfg, u_mmucfg_at }, { "mtspr-ivor36", u_ivor36, u_ivor36_at },
	{ "msgsnd", u_msgsnd, u_msgsnd_at },
};

static int test_user(void)
{
	uint32_t ivor36 = mfspr(SPRN_IVOR36);

	dbell_count[0] = 0;
	for (unsigned int i = 0; i < sizeof(uops) / sizeof(uops[0]); i++) {
		int vec = guest_run_user(uops[i].fn, NULL);
		const struct guest_frame *f = guest_user_exit();

		printf("cpu: user %s: vec %d esr 0x%08lx at %ld\n", uops[i].name, vec,
		       (unsigned long)f->esr, (long)(f->pc - (uint32_t)uops[i].at));
		guest_check(vec == IVOR_PROGRAM && f->esr == ESR_PPR &&
				    f->pc == (uint32_t)uops[i].at,
			    uops[i].name, "vec %d esr 0x%lx", vec, (unsigned long)f->esr);
	}
	guest_irq_enable(); /* a doorbell wrongly sent would be taken here */
	guest_sync();
	guest_irq_disable();
	guest_check(mfspr(SPRN_IVOR36) == ivor36, "user mtspr IVOR36 had no effect", "0x%lx",
		    (unsigned long)mfspr(SPRN_IVOR36));
	guest_check(dbell_count[0] == 0, "user msgsnd sent no doorbell", "%lu",
		    (unsigned long)dbell_count[0]);
	return 0;
}

/* ---- fpu ------------------------------------------------------------------------------ */

static void fp_unavail_handler(struct guest_frame *f)
{
	fp_unavail++;
	f->msr |= MSR_FP; /* enable and retry, as a kernel's lazy FP does */
}

/* f0..f31 = base + i (as doubles' bit patterns: integers loaded with lfd) */
/* buf is the calling vCPU's own (on its stack): fp2 fills two vCPUs at once, and a shared
 * buffer let one load the other's values (reliability.md L13). */
static void fp_fill(uint64_t base)
{
	uint64_t buf[32] __attribute__((aligned(8)));

	for (int i = 0; i < 32; i++)
		buf[i] = base + (uint64_t)i;
#define L(n) __asm__ volatile("lfd " #n ",%0" : : "m"(buf[n]))
	L(0);
	L(1);
	L(2);
	L(3);
	L(4);
	L(5);
	L(6);
	L(7);
	L(8);
	L(9);
	L(10);
	L(11);
	L(12);
	L(13);
	L(14);
	L(15);
	L(16);
	L(17);
	L(18);
	L(19);
	L(20);
	L(21);
	L(22);
	L(23);
	L(24);
	L(25);
	L(26);
	L(27);
	L(28);
	L(29);
	L(30);
	L(31);
#undef L
}

static void fp_read(uint64_t *buf)
{
#define S(n) __asm__ volatile("stfd " #n ",%0" : "=m"(buf[n]))
	S(0);
	S(1);
	S(2);
	S(3);
	S(4);
	S(5);
	S(6);
	S(7);
	S(8);
	S(9);
	S(10);
	S(11);
	S(12);
	S(13);
	S(14);
	S(15);
	S(16);
	S(17);
	S(18);
	S(19);
	S(20);
	S(21);
	S(22);
	S(23);
	S(24);
	S(25);
	S(26);
	S(27);
	S(28);
	S(29);
	S(30);
	S(31);
#undef S
}

/* Index of the first FPR that is not base + i, or -1. */
static int fp_check(uint64_t base, uint64_t *got)
{
	uint64_t buf[32];

	fp_read(buf);
	for (int i = 0; i < 32; i++) {
		if (buf[i] != base + (uint64_t)i) {
			*got = buf[i];
			return i;
		}
	}
	return -1;
}

/* Exits of every kind the hypervisor handles while the FPRs must survive. */
static void many_exits(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		(void)mfmsr();
		(void)mfspr(SPRN_SPRG0);
		if (guest_boot.hv)
			guest_hv_null();
	}
}

static int test_fpu(void)
{
	uint64_t entry[32], got = 0;
	int nonzero = -1, bad;

	guest_set_handler(IVOR_FP_UNAVAIL, fp_unavail_handler);
	/* at entry MSR[FP] = 0: the first FP instruction is the guest's FP unavailable */
	fp_read(entry);
	printf("cpu: fp unavailable taken %lu, msr.fp now %lu\n", (unsigned long)fp_unavail,
	       (unsigned long)!!(mfmsr() & MSR_FP));
	for (int i = 0; i < 32; i++)
		if (entry[i] && nonzero < 0)
			nonzero = i;
	if (nonzero < 0)
		printf("cpu: fprs at entry: all zero\n");
	else
		printf("cpu: fprs at entry: f%d = 0x%llx\n", nonzero,
		       (unsigned long long)entry[nonzero]);
	fp_fill(0x4000000000000000ull);
	many_exits(200);
	bad = fp_check(0x4000000000000000ull, &got);
	guest_check(bad < 0, "fprs kept across 600 exits", "f%d = 0x%llx", bad,
		    (unsigned long long)got);
	mtmsr(mfmsr() & ~MSR_FP);
	fp_unavail = 0;
	__asm__ volatile("fmr 1,1");
	guest_check(fp_unavail == 1, "FP unavailable again after mtmsr clears MSR[FP]", "%lu",
		    (unsigned long)fp_unavail);
	/* leave the pattern for whoever runs on this CPU next */
	fp_fill(0x5a5a5a5a00000000ull);
	return 0;
}

/* ---- fp2 ------------------------------------------------------------------------------ */

static volatile int fp2_bad[2] = { -2, -2 };

static void fp2_run(unsigned int cpu)
{
	uint64_t base = cpu ? 0x1111111100000000ull : 0x2222222200000000ull, got;

	mtmsr(mfmsr() | MSR_FP);
	fp_fill(base);
	atomic_add_return(&ready, 1);
	while (ready < 2)
		;
	many_exits(300);
	fp2_bad[cpu] = fp_check(base, &got);
}

static void fp2_secondary(unsigned int cpu)
{
	fp2_run(cpu);
	atomic_add_return(&phase, 1);
}

static int test_fp2(uint64_t ms)
{
	if (!guest_check(guest_start_cpu(1, 1, fp2_secondary) == 0, "cpu 1 started", "no"))
		return 1;
	fp2_run(0);
	wait_for(&phase, 1, ms);
	guest_check(fp2_bad[0] == -1, "cpu 0 kept its FPRs while cpu 1 used its own", "f%d",
		    fp2_bad[0]);
	guest_check(fp2_bad[1] == -1, "cpu 1 kept its FPRs while cpu 0 used its own", "f%d",
		    fp2_bad[1]);
	return 0;
}

/* ---- dbell ---------------------------------------------------------------------------- */

static void dbell_secondary(unsigned int cpu)
{
	pir[1] = mfspr(SPRN_PIR);
	doorbell_vectors();
	mtmsr(mfmsr() | MSR_EE | MSR_CE);
	atomic_add_return(&ready, 1);
	for (;;) /* interrupts only from here on */
		;
}

static int test_dbell(uint64_t ms)
{
	uint32_t before;

	pir[0] = mfspr(SPRN_PIR);
	doorbell_vectors();
	if (!guest_check(guest_start_cpu(1, 1, dbell_secondary) == 0, "cpu 1 started", "no"))
		return 1;
	if (!guest_check(wait_for(&ready, 1, ms), "cpu 1 ready", "not after %llu ms",
			 (unsigned long long)ms))
		return 1;
	msgsnd((MSG_DBELL << 27) | pir[1]);
	guest_check(wait_for(&dbell_count[1], 1, ms), "doorbell to cpu 1 delivered (IVOR36)",
		    "none after %llu ms", (unsigned long long)ms);
	msgsnd((MSG_DBELL_CRIT << 27) | pir[1]);
	guest_check(wait_for(&crit_count[1], 1, ms),
		    "critical doorbell to cpu 1 delivered (IVOR37)", "none after %llu ms",
		    (unsigned long long)ms);
	guest_check(dbell_count[0] == 0 && crit_count[0] == 0, "cpu 0 got none of them", "%lu %lu",
		    (unsigned long)dbell_count[0], (unsigned long)crit_count[0]);

	/* to itself with MSR[EE] = 0: held until EE is set */
	guest_irq_disable();
	msgsnd((MSG_DBELL << 27) | pir[0]);
	guest_sync();
	before = dbell_count[0];
	guest_irq_enable();
	guest_sync();
	guest_check(before == 0 && dbell_count[0] == 1,
		    "doorbell to itself held under MSR[EE] = 0, taken when enabled", "%lu -> %lu",
		    (unsigned long)before, (unsigned long)dbell_count[0]);
	/* msgclr withdraws it */
	guest_irq_disable();
	msgsnd((MSG_DBELL << 27) | pir[0]);
	msgclr((MSG_DBELL << 27) | pir[0]);
	guest_irq_enable();
	guest_sync();
	guest_check(dbell_count[0] == 1, "msgclr withdraws a pending doorbell", "%lu",
		    (unsigned long)dbell_count[0]);
	/* broadcast: both */
	msgsnd((MSG_DBELL << 27) | MSG_BRDCAST);
	guest_check(wait_for(&dbell_count[1], 2, ms) && wait_for(&dbell_count[0], 2, ms),
		    "broadcast doorbell reaches both cpus", "%lu %lu",
		    (unsigned long)dbell_count[0], (unsigned long)dbell_count[1]);
	/* a tag no CPU has */
	msgsnd((MSG_DBELL << 27) | 7);
	guest_sync();
	printf("cpu: dbell counts cpu0 %lu/%lu cpu1 %lu/%lu\n", (unsigned long)dbell_count[0],
	       (unsigned long)crit_count[0], (unsigned long)dbell_count[1],
	       (unsigned long)crit_count[1]);
	return 0;
}

/* ---- xsend / xrecv (two partitions, each 1 vCPU, channel "peer" between them) --------- */

static int test_xsend(void)
{
	int h = guest_bc_find("peer");
	uint32_t me = mfspr(SPRN_PIR);

	if (!guest_check(h >= 0, "channel peer", "none"))
		return 1;
	guest_irq_enable();
	for (uint32_t tag = 0; tag < 16; tag++)
		if (tag != me)
			msgsnd((MSG_DBELL << 27) | tag);
	msgsnd((MSG_DBELL << 27) | me); /* positive control: its own */
	guest_sync();
	guest_check(dbell_count[0] == 1, "xsend: the doorbell to itself arrived, no other", "%lu",
		    (unsigned long)dbell_count[0]);
	bc_write_all((uint32_t)h, "x", 1);
	return 0;
}

static int test_xrecv(uint64_t ms)
{
	int h = guest_bc_find("peer");
	uint64_t start = guest_tb(), limit = guest_us_to_tb(ms * 1000);
	uint32_t got = 0;
	char c;

	if (!guest_check(h >= 0, "channel peer", "none"))
		return 1;
	guest_irq_enable();
	printf("cpu: xrecv ready\n");
	/* each poll is an exit: a doorbell set before the byte was sent is delivered at the
	 * exit that sees the byte at the latest */
	while (!got && guest_tb() - start < limit)
		bc_receive((uint32_t)h, &c, 1, &got);
	guest_sync();
	(void)mfmsr();
	guest_check(got == 1, "xrecv: the signal byte arrived", "not after %llu ms",
		    (unsigned long long)ms);
	printf("cpu: xrecv doorbells from the other partition %lu\n",
	       (unsigned long)dbell_count[0]);
	return 0;
}

/* ---- tlbnv ----------------------------------------------------------------------------- */

#define NV_VA     0x40000000u /* page A; page B at + 512 KiB: the same TLB0 set */
#define NV_STRIDE 0x00080000u
static uint8_t nv_pages[2][4096] __attribute__((aligned(4096)));
static volatile uint32_t dtlb_misses;

/* IVOR13: map the missing page with MAS0-2 as the miss left them (E500MCRM 6.10.5). */
static void dtlb_handler(struct guest_frame *f)
{
	uint32_t idx = ((f->dear - NV_VA) / NV_STRIDE) & 1;

	mtspr(SPRN_MAS3, ((uint32_t)nv_pages[idx] & MAS3_RPN_MASK) | MAS3_SR | MAS3_SW);
	mtspr(SPRN_MAS7, 0);
	__asm__ volatile("isync; tlbwe; isync" ::: "memory");
	dtlb_misses++;
}

static int test_tlbnv(void)
{
	uint32_t sum = 0;

	nv_pages[0][0] = 1;
	nv_pages[1][0] = 2;
	mtspr(SPRN_MAS4, MAS1_TSIZE(1)); /* misses default to TLB0, 4 KiB */
	guest_set_handler(IVOR_DTLB_MISS, dtlb_handler);
	for (int i = 0; i < 8; i++)
		sum += *(volatile uint8_t *)(uintptr_t)(NV_VA + (i & 1) * NV_STRIDE);
	guest_set_handler(IVOR_DTLB_MISS, NULL);
	printf("cpu: tlbnv sum %lu misses %lu\n", (unsigned long)sum, (unsigned long)dtlb_misses);
	guest_check(dtlb_misses == 2, "two pages of one TLB0 set stay mapped together",
		    "%lu misses", (unsigned long)dtlb_misses);
	return 0;
}

int main(void)
{
	char test[16] = "spr";
	uint64_t ms = guest_arg_u64("timeout", 5000);

	guest_arg_str("test", test, sizeof(test));
	guest_set_handler(9, dbell_handler);
	guest_set_handler(12, crit_handler);
	doorbell_vectors();
	printf("cpu: test %s\n", test);
	if (!strcmp(test, "spr"))
		test_spr();
	else if (!strcmp(test, "user"))
		test_user();
	else if (!strcmp(test, "fpu"))
		test_fpu();
	else if (!strcmp(test, "fp2"))
		test_fp2(ms);
	else if (!strcmp(test, "dbell"))
		test_dbell(ms);
	else if (!strcmp(test, "xsend"))
		test_xsend();
	else if (!strcmp(test, "xrecv"))
		test_xrecv(ms);
	else if (!strcmp(test, "tlbnv"))
		test_tlbnv();
	else
		printf("cpu: unknown test %s\n", test);
	guest_finish("cpu");
}
