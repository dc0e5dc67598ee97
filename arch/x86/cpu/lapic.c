/* lapic.c - the local APIC in xAPIC mode (registers at the IA32_APIC_BASE address, inside the
 * uncached identity map): identity, end of interrupt, the one-shot timer that wakes an idle
 * CPU, and fixed IPIs (Intel SDM 3A, chapter 11). */
#include <hv/arch.h>
#include "x86.h"

#define LAPIC_ID        0x020
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0 /* spurious vector; bit 8 = APIC software enable */
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERR   0x370
#define LAPIC_TMR_INIT  0x380
#define LAPIC_TMR_CUR   0x390
#define LAPIC_TMR_DIV   0x3e0
#define LVT_MASKED      (1u << 16)
#define SVR_ENABLE      (1u << 8)
#define ICR_PENDING     (1u << 12)
#define ICR_ASSERT      (1u << 14)
#define ICR_LEVEL_TRIG  (1u << 15)
#define ICR_INIT        (5u << 8) /* delivery mode INIT */
#define ICR_STARTUP     (6u << 8) /* delivery mode start-up */
#define TMR_DIV_16      0x3

static volatile uint8_t *lapic;

static uint32_t rd(unsigned int reg)
{
	return arch_read32(lapic + reg);
}

static void wr(unsigned int reg, uint32_t v)
{
	arch_write32(lapic + reg, v);
}

/* Per CPU: enable the APIC, mask LINT0/1 and errors, timer one-shot on VEC_TIMER, masked. */
void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = (volatile uint8_t *)(uintptr_t)(base & 0xfffff000u);
	wr(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	wr(LAPIC_LVT_LINT0, LVT_MASKED);
	wr(LAPIC_LVT_LINT1, LVT_MASKED);
	wr(LAPIC_LVT_ERR, LVT_MASKED);
	wr(LAPIC_TMR_DIV, TMR_DIV_16);
	wr(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	wr(LAPIC_TMR_INIT, 0);
}

uint32_t lapic_id(void)
{
	return rd(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

/* Start the timer: one interrupt on VEC_TIMER after count ticks (bus clock / 16); 0 stops it. */
void lapic_timer_oneshot(uint32_t count)
{
	wr(LAPIC_LVT_TIMER, count ? VEC_TIMER : LVT_MASKED | VEC_TIMER);
	wr(LAPIC_TMR_INIT, count);
}

uint32_t lapic_timer_count(void)
{
	return rd(LAPIC_TMR_CUR);
}

static void send_icr(uint32_t apic_id, uint32_t lo)
{
	while (rd(LAPIC_ICR_LO) & ICR_PENDING)
		arch_cpu_relax();
	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, lo);
}

/* A fixed-delivery IPI with vector to one APIC id (physical destination). */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	send_icr(apic_id, ICR_ASSERT | vector);
}

/* INIT (level assert), then a startup IPI whose vector is the start code's page number. */
void lapic_send_init(uint32_t apic_id)
{
	send_icr(apic_id, ICR_INIT | ICR_LEVEL_TRIG | ICR_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	send_icr(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}
