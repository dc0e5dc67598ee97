/* fpu (x86) - what a partition finds in the x87 and SSE registers, which the CPU shares with
 * whatever ran there before (docs/x86.md, "Guest FPU and SSE state"). It enables SSE
 * (CR4.OSFXSR), prints xmm0's low word and the x87 control word as it found them, then puts a
 * pattern in both and checks they are unchanged after n=N (default 1000) null hypercalls: the
 * registers are the guest's own across exits. A partition started again must find the
 * initial state (xmm0 0, control word 0x037f), not this run's pattern. */
#include <stdint.h>
#include <bulkhead/hcall.h>
#include "lib/runtime.h"

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

/* " xmm0 0x... fcw 0x...", the end of a report line */
static void report(uint32_t xmm0, uint16_t cw)
{
	guest_puts(" xmm0 ");
	guest_put_hex(xmm0);
	guest_puts(" fcw ");
	guest_put_hex(cw);
	guest_puts("\n");
}

void guest_main(const void *fdt)
{
	uint32_t cr4, n, r[6];
	uint16_t cw = PATTERN_FCW;

	guest_init(fdt);
	n = guest_arg("n", 1000);
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
	guest_puts("fpu: start");
	report(xmm0_low(), fcw());
	__asm__ volatile("movd %0, %%xmm0" : : "r"(PATTERN));
	__asm__ volatile("fldcw %0" : : "m"(cw));
	for (uint32_t i = 0; i < n; i++) {
		r[0] = 0;
		x86_hcall(BH_NULL, r);
	}
	guest_puts("fpu: after ");
	guest_put_dec(n);
	guest_puts(" hypercalls");
	report(xmm0_low(), fcw());
}
