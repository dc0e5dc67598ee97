/* lapic - the x86 vCPU's local APIC timer (docs/x86.md, "Local APIC"; Intel SDM 3A, 11.5.4):
 * the registers read back as written, count=N periodic interrupts arrive within a time bound
 * and not early, the current count runs down, one with EFLAGS.IF = 0 stays pending until STI,
 * a one-shot fires once, a masked LVT fires none. With icr=1 it then writes the interrupt
 * command register, which the virtual local APIC does not have: an isolation fault.
 * bootargs: count=N (default 20), period=US (default 1000), slack=X (upper bound factor,
 * default 50), icr=1. x86 only (arch/x86/arch.mk GUEST_ONLY). */
#include <stdio.h>
#include <guest/guest.h>

/* Timer interrupts the handler counted. */
static volatile uint32_t ticks;

static void on_tick(void)
{
	ticks++;
}

static uint64_t wait_ticks(uint32_t target, uint64_t timeout)
{
	uint64_t start = guest_tb();

	while (ticks < target && guest_tb() - start < timeout)
		guest_relax();
	return guest_tb() - start;
}

static void timer(uint32_t lvt, uint32_t count)
{
	guest_lapic_write(LAPIC_LVT_TIMER, lvt);
	guest_lapic_write(LAPIC_TIMER_INIT, count);
}

static void test_registers(void)
{
	uint32_t ver = guest_lapic_read(LAPIC_VERSION), id = guest_lapic_read(LAPIC_ID);

	guest_lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	guest_lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	guest_lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | GUEST_VEC_TIMER);
	printf("lapic: id 0x%08lx version 0x%08lx\n", (unsigned long)id, (unsigned long)ver);
	guest_check(id >> 24 == guest_hw_cpu_id(), "the APIC ID is CPUID's initial APIC ID",
		    "ID 0x%08lx, CPUID %lu", (unsigned long)id, (unsigned long)guest_hw_cpu_id());
	guest_check((ver & 0xff) >= 0x10, "an integrated APIC's version", "0x%08lx",
		    (unsigned long)ver);
	guest_check(guest_lapic_read(LAPIC_SVR) == (LAPIC_SVR_ENABLE | 0xff) &&
			    guest_lapic_read(LAPIC_TIMER_DIV) == LAPIC_DIV_1 &&
			    guest_lapic_read(LAPIC_LVT_TIMER) ==
				    (LAPIC_LVT_MASKED | GUEST_VEC_TIMER),
		    "SVR, divide and LVT timer read back", "SVR 0x%lx DIV 0x%lx LVT 0x%lx",
		    (unsigned long)guest_lapic_read(LAPIC_SVR),
		    (unsigned long)guest_lapic_read(LAPIC_TIMER_DIV),
		    (unsigned long)guest_lapic_read(LAPIC_LVT_TIMER));
}

static void test_periodic(uint32_t n, uint64_t period_us, uint32_t slack)
{
	uint64_t period = guest_us_to_tb(period_us), elapsed, us;
	uint32_t got, c0, c1;

	ticks = 0;
	timer(LAPIC_LVT_PERIODIC | GUEST_VEC_TIMER, (uint32_t)period);
	c0 = guest_lapic_read(LAPIC_TIMER_CUR);
	c1 = guest_lapic_read(LAPIC_TIMER_CUR);
	guest_irq_enable();
	elapsed = wait_ticks(n, period * n * slack);
	guest_irq_disable();
	timer(LAPIC_LVT_MASKED | GUEST_VEC_TIMER, 0);
	got = ticks;
	us = guest_tb_to_us(elapsed);
	printf("lapic: %lu interrupts in %llu us (period %llu us)\n", (unsigned long)got,
	       (unsigned long long)us, (unsigned long long)period_us);
	guest_check(c0 && c0 <= period && c1 <= c0, "the current count runs down from the initial",
		    "initial %llu, then %lu, %lu", (unsigned long long)period, (unsigned long)c0,
		    (unsigned long)c1);
	guest_check(got >= n, "periodic timer interrupts arrive within the bound",
		    "%lu of %lu in %llu us", (unsigned long)got, (unsigned long)n,
		    (unsigned long long)us);
	guest_check(elapsed + period / 2 >= period * (n - 1), "interrupts are not early",
		    "%lu interrupts after %llu us", (unsigned long)got, (unsigned long long)us);
}

/* One-shot with IF = 0: pending, taken at STI, then no more. */
static void test_one_shot(uint64_t period_us)
{
	uint32_t before;

	ticks = 0;
	guest_irq_disable();
	timer(GUEST_VEC_TIMER, (uint32_t)guest_us_to_tb(period_us));
	guest_udelay(period_us * 5);
	before = ticks;
	guest_check(before == 0 && guest_lapic_read(LAPIC_TIMER_CUR) == 0,
		    "no interrupt while EFLAGS.IF=0, the count at 0", "%lu interrupts, count %lu",
		    (unsigned long)before, (unsigned long)guest_lapic_read(LAPIC_TIMER_CUR));
	__asm__ volatile("sti; nop" ::: "memory");
	guest_check(ticks == 1, "the pending interrupt is taken at STI", "%lu interrupts",
		    (unsigned long)ticks);
	guest_udelay(period_us * 5);
	guest_check(ticks == 1, "a one-shot timer fires once", "%lu interrupts",
		    (unsigned long)ticks);
	guest_irq_disable();
}

static void test_masked(uint64_t period_us)
{
	ticks = 0;
	timer(LAPIC_LVT_PERIODIC | LAPIC_LVT_MASKED | GUEST_VEC_TIMER,
	      (uint32_t)guest_us_to_tb(period_us));
	guest_irq_enable();
	guest_udelay(period_us * 5);
	guest_irq_disable();
	guest_check(ticks == 0, "a masked LVT timer raises none", "%lu interrupts",
		    (unsigned long)ticks);
	timer(LAPIC_LVT_MASKED | GUEST_VEC_TIMER, 0);
}

int main(void)
{
	uint64_t period_us = guest_arg_u64("period", 1000), n = guest_arg_u64("count", 20);

	n = n < 2 ? 2 : n;
	printf("lapic: timebase %lu Hz, %lu interrupts of %llu us\n",
	       (unsigned long)guest_boot.tb_freq, (unsigned long)n, (unsigned long long)period_us);
	guest_x86_set_timer_handler(on_tick);
	test_registers();
	test_periodic((uint32_t)n, period_us, (uint32_t)guest_arg_u64("slack", 50));
	test_one_shot(period_us);
	test_masked(period_us);
	if (guest_arg_u64("icr", 0)) {
		printf("lapic: writing the ICR\n");
		guest_lapic_write(LAPIC_ICR_LO, 0x000c4500); /* INIT to all others: not emulated */
		printf("lapic: ICR written\n");
	}
	guest_finish("lapic");
}
