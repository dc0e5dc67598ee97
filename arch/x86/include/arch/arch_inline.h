/* arch_inline.h - small inline primitives for the core: MMIO, port I/O, barriers, spinlocks
 * (x86-64). The contract every architecture's <arch/arch_inline.h> meets: hv/include/hv/arch.h. */
#ifndef ARCH_ARCH_INLINE_H
#define ARCH_ARCH_INLINE_H

#include <stdint.h>

/* MMIO: device registers are mapped uncached (head.S); x86 keeps loads and stores to them in
 * program order, the "memory" clobber keeps the compiler from moving them. */
static inline uint8_t arch_read8(const volatile void *addr)
{
	uint8_t v = *(const volatile uint8_t *)addr;

	__asm__ volatile("" ::: "memory");
	return v;
}

static inline void arch_write8(volatile void *addr, uint8_t v)
{
	__asm__ volatile("" ::: "memory");
	*(volatile uint8_t *)addr = v;
}

/* 32-bit registers in the CPU's byte order (little-endian). */
static inline uint32_t arch_read32(const volatile void *addr)
{
	uint32_t v = *(const volatile uint32_t *)addr;

	__asm__ volatile("" ::: "memory");
	return v;
}

static inline void arch_write32(volatile void *addr, uint32_t v)
{
	__asm__ volatile("" ::: "memory");
	*(volatile uint32_t *)addr = v;
}

/* Port I/O: the legacy devices of a PC (COM1 at 0x3f8, the PIT, CF8/CFC) live there. */
#define ARCH_HAS_PORT_IO 1

static inline uint8_t arch_port_read8(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void arch_port_write8(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void arch_mb(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

/* Spinlock: one word, taken with a locked exchange (a full barrier on x86), released with a
 * plain store (x86 stores are not reordered with earlier loads or stores). */
typedef struct {
	volatile uint32_t word;
} arch_spinlock_t;

static inline int arch_spin_trylock(arch_spinlock_t *l)
{
	uint32_t old = 1;

	__asm__ volatile("xchgl %0, %1" : "+r"(old), "+m"(l->word) : : "memory");
	return old == 0;
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__asm__ volatile("" ::: "memory");
	l->word = 0;
}

#endif
