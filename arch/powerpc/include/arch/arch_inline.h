/* arch_inline.h - small inline primitives for the core: MMIO, port I/O, barriers, spinlocks
 * (e500mc). The contract every architecture's <arch/arch_inline.h> meets: hv/include/hv/arch.h. */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <stdint.h>

/* MMIO: device registers are mapped cache-inhibited and guarded; "mbar" orders stores to
 * them, "sync" makes a load complete before the next access (E500MCRM 3.3.1). */
static inline uint8_t arch_read8(const volatile void *addr)
{
	uint8_t v = *(const volatile uint8_t *)addr;

	__asm__ volatile("sync" ::: "memory");
	return v;
}

static inline void arch_write8(volatile void *addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
	__asm__ volatile("mbar" ::: "memory");
}

/* 32-bit registers in the CPU's byte order (big-endian on QorIQ CCSR). */
static inline uint32_t arch_read32(const volatile void *addr)
{
	uint32_t v = *(const volatile uint32_t *)addr;

	__asm__ volatile("sync" ::: "memory");
	return v;
}

static inline void arch_write32(volatile void *addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
	__asm__ volatile("mbar" ::: "memory");
}

/* Port I/O: e500mc has none (all I/O is memory-mapped). The platform never describes a
 * port-I/O device here; the accessors exist so that the core's drivers build unchanged. */
#define ARCH_HAS_PORT_IO 0

static inline uint8_t arch_port_read8(uint16_t port)
{
	return 0xff;
}

static inline void arch_port_write8(uint16_t port, uint8_t v)
{
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("or 1,1,1" ::: "memory"); /* low-priority hint */
}

static inline void arch_mb(void)
{
	__asm__ volatile("sync" ::: "memory");
}

/* Spinlock: one word, lwarx/stwcx. with acquire (isync) and release (lwsync is not on e500mc:
 * msync/sync) barriers. */
typedef struct {
	volatile uint32_t word;
} arch_spinlock_t;

static inline int arch_spin_trylock(arch_spinlock_t *l)
{
	uint32_t old;

	__asm__ volatile("1: lwarx %0,0,%1\n"
			 "   cmpwi %0,0\n"
			 "   bne- 2f\n"
			 "   stwcx. %2,0,%1\n"
			 "   bne- 1b\n"
			 "   isync\n"
			 "2:"
			 : "=&r"(old)
			 : "r"(&l->word), "r"(1)
			 : "cr0", "memory");
	return old == 0;
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__asm__ volatile("sync" ::: "memory");
	l->word = 0;
}

#endif
