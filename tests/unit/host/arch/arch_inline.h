/* arch_inline.h (host stand-in) - what <hv/arch.h> expects from an architecture, for host
 * unit tests that compile core files (tests/unit/test_iommu.c). Single-threaded: a lock is a
 * flag, barriers are compiler barriers. */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <stdint.h>

/* A spinlock taken by one thread only: trylock fails only if already held. */
typedef struct {
	volatile uint32_t word;
} arch_spinlock_t;

static inline int arch_spin_trylock(arch_spinlock_t *l)
{
	if (l->word)
		return 0;
	l->word = 1;
	return 1;
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	l->word = 0;
}

static inline void arch_cpu_relax(void)
{
}

static inline void arch_mb(void)
{
	__asm__ volatile("" ::: "memory");
}

#endif
