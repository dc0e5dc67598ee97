/* fpu - x86 only (GUEST_ONLY of arch/x86/arch.mk): what a partition finds in the x87 and SSE
 * registers, which the CPU shares with whatever ran there before (docs/x86.md, "x87 and SSE
 * state"). It enables SSE (CR4.OSFXSR), reads xmm0's low word and the x87 control word as it
 * found them, then puts a pattern in both and checks they are unchanged after n=N (default
 * 1000) null hypercalls: the registers are the guest's own across exits. A partition started
 * again must find the initial state (xmm0 0, control word 0x037f), not this run's pattern.
 * The runtime's start-up and printf use neither (integer formatting only). */
#include <stdio.h>
#include <guest/guest.h>

#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define PATTERN        0x5eed0001u
#define PATTERN_FCW    0x027fu /* round to nearest, 53-bit precision (0x037f: 64-bit) */

static uint32_t xmm0_low(void)
{
	uint32_t v;

	__asm__ volatile("movd %%xmm0, %0" : "=r"(v));
	return v;
}

static uint16_t fcw(void)
{
	uint16_t v;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

int main(void)
{
	uint32_t cr4, n = (uint32_t)guest_arg_u64("n", 1000), x0, x1;
	uint16_t cw = PATTERN_FCW, c0, c1;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
	x0 = xmm0_low();
	c0 = fcw();
	__asm__ volatile("movd %0, %%xmm0" : : "r"(PATTERN));
	__asm__ volatile("fldcw %0" : : "m"(cw));
	for (uint32_t i = 0; i < n; i++)
		hcall0(BH_NULL);
	x1 = xmm0_low();
	c1 = fcw();
	printf("fpu: start xmm0 0x%08lx fcw 0x%08lx\n", (unsigned long)x0, (unsigned long)c0);
	printf("fpu: after %lu hypercalls xmm0 0x%08lx fcw 0x%08lx\n", (unsigned long)n,
	       (unsigned long)x1, (unsigned long)c1);
	for (;;) /* halts, its registers as they are, until it is stopped or restarted */
		__asm__ volatile("cli; hlt");
}
