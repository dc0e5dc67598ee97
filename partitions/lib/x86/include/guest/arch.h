/* guest/arch.h (x86) - the x86 part of the guest runtime (docs/x86.md, guest boot protocol):
 * 32-bit protected mode with paging off, so guest physical == virtual; the TSC as the time
 * base; the atomic primitives the portable runtime (guest/guest.h) builds on. */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdint.h>

#define GUEST_HCALL_INSN 0x0f01d990 /* VMMCALL, NOP: /hypervisor/hcall-instructions */

/* The time-stamp counter: tb_freq ticks a second (the tree's timebase-frequency). */
static inline uint64_t guest_tb(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* The trap instruction: INT3 (#BP; under Bulkhead through the INTn intercept, reflected). */
static inline void guest_trap_insn(void)
{
	__asm__ volatile("int3" ::: "memory");
}

/* This CPU's hardware id: the initial local APIC id, CPUID 1 EBX[31:24] (Bulkhead answers
 * CPUID with the physical CPU's). */
static inline uint32_t guest_hw_cpu_id(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b >> 24;
}

static inline void guest_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void guest_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline uint32_t atomic_add_return(volatile uint32_t *p, uint32_t n)
{
	uint32_t v = n;

	__asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v + n;
}

/* Full barrier (x86 orders everything but a store before a later load: mfence). */
static inline void guest_sync(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

/* Take *p from 0 to v: 1 on success (a locked cmpxchg is a full barrier). */
static inline int guest_lock_try(volatile uint32_t *p, uint32_t v)
{
	uint32_t old = 0;

	__asm__ volatile("lock cmpxchgl %2, %1" : "+a"(old), "+m"(*p) : "r"(v) : "memory");
	return !old;
}

/* *p = v after the critical section's stores (x86 keeps stores in order). */
static inline void guest_unlock_store(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("" ::: "memory");
	*p = v;
}

/* Stores to uncached device memory stay in program order on x86. */
static inline void guest_io_wmb(void)
{
	__asm__ volatile("" ::: "memory");
}

/* The vCPU's local APIC (docs/x86.md, "Local APIC"): xAPIC registers at 0xfee00000, 32 bits
 * each (Intel SDM 3A, 11.4.1). Its timer counts at the TSC's rate (guest_boot.tb_freq) divided
 * by the divide configuration; vector GUEST_VEC_TIMER is the runtime's timer vector, whose
 * handler (guest_x86_set_timer_handler()) the runtime follows with the EOI. */
#define GUEST_LAPIC_BASE   0xfee00000u
#define GUEST_VEC_TIMER    0x21
#define LAPIC_ID           0x020
#define LAPIC_VERSION      0x030
#define LAPIC_EOI          0x0b0
#define LAPIC_SVR          0x0f0
#define LAPIC_ICR_LO       0x300
#define LAPIC_LVT_TIMER    0x320
#define LAPIC_TIMER_INIT   0x380
#define LAPIC_TIMER_CUR    0x390
#define LAPIC_TIMER_DIV    0x3e0
#define LAPIC_SVR_ENABLE   (1u << 8)
#define LAPIC_LVT_MASKED   (1u << 16)
#define LAPIC_LVT_PERIODIC (1u << 17)
#define LAPIC_DIV_1        0xb

static inline uint32_t guest_lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(uintptr_t)(GUEST_LAPIC_BASE + reg);
}

static inline void guest_lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(GUEST_LAPIC_BASE + reg) = v;
}

void guest_x86_set_timer_handler(void (*fn)(void));

static inline void guest_relax(void)
{
	__asm__ volatile("pause");
}

#endif
