/* time.c - the time counter (the TSC) and the local APIC timer, both measured against the PIT
 * (1.193182 MHz, channel 2 gated through port 0x61, no interrupt) once at boot. The TSC is the
 * core's arch_time_now(); its rate is the boot CPU's "timebase" in the inventory. */
#include <hv/arch.h>
#include "x86.h"

#define PIT_HZ      1193182u
#define PIT_CH2     0x42
#define PIT_CMD     0x43
#define PIT_GATE    0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: output */
#define CAL_MS      20   /* measuring window */
#define LAPIC_START 0xffffffffu

static uint64_t tsc_hz, lapic_hz;

/* Channel 2, mode 0 (interrupt on terminal count), one window of CAL_MS; the TSC and the
 * APIC timer's count are read at both ends. */
void x86_time_init(void)
{
	uint16_t count = PIT_HZ / (1000 / CAL_MS);
	uint64_t t0, t1;
	uint32_t a0, a1;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	lapic_timer_oneshot(LAPIC_START);
	t0 = rdtsc();
	a0 = lapic_timer_count();
	while (!(inb(PIT_GATE) & 0x20))
		arch_cpu_relax();
	t1 = rdtsc();
	a1 = lapic_timer_count();
	lapic_timer_oneshot(0);
	tsc_hz = (t1 - t0) * (1000 / CAL_MS);
	lapic_hz = (uint64_t)(a0 - a1) * (1000 / CAL_MS);
}

uint64_t x86_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t x86_lapic_timer_hz(void)
{
	return lapic_hz;
}

uint64_t arch_time_now(void)
{
	return rdtsc();
}

uint64_t arch_time_freq(void)
{
	return tsc_hz;
}
