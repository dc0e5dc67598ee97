/* spr.h - e500mc registers for the hypervisor: the numbers and bits (<arch/e500mc.h>, shared
 * with the guest runtime) and the accessors. */
#ifndef ARCH_SPR_H
#define ARCH_SPR_H

#include <arch/e500mc.h>

#ifndef __ASSEMBLY__
#define mfspr(n)                                                      \
	({                                                            \
		unsigned long _v;                                     \
		__asm__ volatile("mfspr %0, %1" : "=r"(_v) : "i"(n)); \
		_v;                                                   \
	})
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" : : "i"(n), "r"(v) : "memory")
static inline unsigned long mfmsr(void)
{
	unsigned long v;

	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}
#endif

#endif
