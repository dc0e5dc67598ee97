/* arch_inline.h (host stand-in) - what <hv/arch.h> expects from an architecture, for host
 * unit tests that compile core files (tests/unit/test_iommu.c). A lock is an atomic flag (the
 * enable race test takes it from two threads); barriers are full fences. */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <stdint.h>

/* A spinlock: trylock fails only if already held. */
typedef struct {
	volatile uint32_t word;
} arch_spinlock_t;

static inline int arch_spin_trylock(arch_spinlock_t *l)
{
	return !__atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE);
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}

static inline void arch_cpu_relax(void)
{
}

static inline void arch_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif
