/* hcallbench - cost of a null hypercall (BH_NULL, "sc 1") and of an emulated mfmsr, in
 * timebase ticks per iteration (for the benchmark: derive instructions with -icount).
 * Prints "hcallbench: null-hcall ticks=T mfmsr ticks=T iters=N loop ticks=T" where T is
 * ticks per iteration with two decimals and "loop" is one bdnz (see the loops below).
 * Without /hypervisor (bare) the hypercall part is skipped: "null-hcall ticks=n/a".
 * bootargs: iters=N (default 10000). */
#include <stdio.h>
#include <guest/guest.h>

/* Ticks per iteration x 100, as "I.FF". */
static void per_iter(char *out, size_t len, uint64_t ticks, uint32_t iters)
{
	uint64_t x100 = ticks * 100 / iters;

	snprintf(out, len, "%llu.%02llu", (unsigned long long)(x100 / 100),
		 (unsigned long long)(x100 % 100));
}

/* The loops are written in assembly so that the guest-side cost per iteration is exact:
 *   loop:        bdnz                                  (1 instruction)
 *   mfmsr:       mfmsr; bdnz                           (2 instructions, mfmsr traps)
 *   null-hcall:  lis; ori; sc 1; addic.; bne           (5 instructions, sc traps)
 * The hypercall loop counts in r14 (non-volatile: ePAPR lets a hypercall clobber CTR). */
static uint64_t bench_loop(uint32_t iters)
{
	uint64_t t0 = guest_tb();

	__asm__ volatile("mtctr %0\n1: bdnz 1b" : : "r"(iters) : "ctr");
	return guest_tb() - t0;
}

static uint64_t bench_mfmsr(uint32_t iters)
{
	uint64_t t0 = guest_tb();
	uint32_t v;

	__asm__ volatile("mtctr %1\n1: mfmsr %0\n bdnz 1b" : "=&r"(v) : "r"(iters) : "ctr");
	return guest_tb() - t0;
}

static uint64_t bench_null(uint32_t iters)
{
	register uint32_t n __asm__("r14") = iters;
	uint64_t t0 = guest_tb();

	__asm__ volatile("1: lis 11,%1@h\n"
			 "   ori 11,11,%1@l\n"
			 "   .long 0x44000022\n" /* sc 1 */
			 "   addic. %0,%0,-1\n"
			 "   bne 1b"
			 : "+r"(n)
			 : "i"(BH_NULL)
			 : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
			   "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	return guest_tb() - t0;
}

int main(void)
{
	uint32_t iters = (uint32_t)guest_arg_u64("iters", 10000), st;
	char null_s[24] = "n/a", msr_s[24], loop_s[24];

	if (!iters)
		iters = 1;
	if (guest_boot.hv) {
		st = guest_hv_null();
		if (st != EV_SUCCESS) {
			printf("FAIL: BH_NULL returned %lu\n", (unsigned long)st);
			return 1;
		}
		per_iter(null_s, sizeof(null_s), bench_null(iters), iters);
	}
	per_iter(msr_s, sizeof(msr_s), bench_mfmsr(iters), iters);
	per_iter(loop_s, sizeof(loop_s), bench_loop(iters), iters);
	printf("hcallbench: null-hcall ticks=%s mfmsr ticks=%s iters=%lu loop ticks=%s\n", null_s,
	       msr_s, (unsigned long)iters, loop_s);
	return 0;
}
