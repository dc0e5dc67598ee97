/* timer - the guest's own decrementer (E500MCRM, Register Model: DEC, DECAR, TCR, TSR;
 * Interrupts and Exceptions: decrementer interrupt): TCR[DIE] + TCR[ARE] with DECAR give a
 * periodic interrupt whose handler clears TSR[DIS]; count=N of them must arrive within a
 * time bound; with MSR[EE] = 0 none is taken but TSR[DIS] stays pending until wrteei 1;
 * with TCR[ARE] = 0 it fires once.
 * bootargs: count=N (default 20), period=US (default 1000), slack=X (upper bound factor,
 * default 50: N interrupts within N * period * X; emulated time follows the host). */
#include <stdio.h>
#include <guest/guest.h>

/* Decrementer interrupts seen by the handler, and what it read. */
static struct {
	volatile uint32_t count;
} dec;

/* IVOR10: acknowledge by writing 1 to TSR[DIS] (write-one-to-clear; E500MCRM, Register
 * Model: TSR). */
static void dec_handler(struct guest_frame *f)
{
	dec.count++;
	mtspr(SPRN_TSR, TSR_DIS);
}

/* Wait until the handler has counted to target or timeout ticks passed; returns elapsed.
 * (DEC itself is not sampled: QEMU 7.2's e500mc DEC reads back 0 or wrapped values.) */
static uint64_t wait_count(uint32_t target, uint64_t timeout)
{
	uint64_t start = guest_tb();

	while (dec.count < target && guest_tb() - start < timeout)
		;
	return guest_tb() - start;
}

static void timer_off(void)
{
	guest_irq_disable();
	mtspr(SPRN_TCR, 0);
	mtspr(SPRN_DEC, 0);
	mtspr(SPRN_TSR, TSR_DIS);
}

/* Periodic: DEC written once, DECAR reloads it (TCR[ARE]). */
static void test_periodic(uint32_t n, uint64_t period_us, uint32_t slack)
{
	uint64_t period = guest_us_to_tb(period_us), elapsed, us;
	uint32_t got;

	dec.count = 0;
	mtspr(SPRN_DECAR, (uint32_t)period);
	mtspr(SPRN_DEC, (uint32_t)period);
	mtspr(SPRN_TSR, TSR_DIS);
	mtspr(SPRN_TCR, TCR_DIE | TCR_ARE);
	guest_irq_enable();
	elapsed = wait_count(n, period * n * slack);
	timer_off();
	got = dec.count;
	us = guest_tb_to_us(elapsed);
	printf("timer: %lu interrupts in %llu us (period %llu us)\n", (unsigned long)got,
	       (unsigned long long)us, (unsigned long long)period_us);
	guest_check(got >= n, "periodic decrementer interrupts arrive within the bound",
		    "%lu of %lu in %llu us", (unsigned long)got, (unsigned long)n,
		    (unsigned long long)us);
	guest_check(elapsed + period / 2 >= period * (n - 1), "interrupts are not early",
		    "%lu interrupts after %llu us", (unsigned long)got, (unsigned long long)us);
	/* DEC was written once: every interrupt after the first needs the DECAR reload (and
	 * test_masked shows that without TCR[ARE] there is only one) */
	guest_check(got >= 2, "DECAR auto-reload (TCR[ARE]) restarts the decrementer",
		    "%lu interrupts from one DEC write", (unsigned long)got);
}

/* One-shot with MSR[EE] = 0: pending in TSR[DIS], taken at wrteei 1, then no more. */
static void test_masked(uint64_t period_us)
{
	uint64_t period = guest_us_to_tb(period_us);
	uint32_t before, tsr;

	guest_irq_disable();
	dec.count = 0;
	mtspr(SPRN_TSR, TSR_DIS);
	mtspr(SPRN_DEC, (uint32_t)period);
	mtspr(SPRN_TCR, TCR_DIE);
	guest_udelay(period_us * 5);
	tsr = mfspr(SPRN_TSR);
	before = dec.count;
	guest_check(before == 0 && (tsr & TSR_DIS),
		    "no interrupt while MSR[EE]=0, TSR[DIS] pending", "%lu interrupts, TSR 0x%08lx",
		    (unsigned long)before, (unsigned long)tsr);
	guest_irq_enable();
	__asm__ volatile("isync; nop; nop" ::: "memory");
	guest_check(dec.count == 1, "the pending interrupt is taken at wrteei 1", "%lu interrupts",
		    (unsigned long)dec.count);
	guest_udelay(period_us * 5);
	guest_check(dec.count == 1, "without TCR[ARE] the decrementer fires once",
		    "%lu interrupts, DEC 0x%08lx", (unsigned long)dec.count,
		    (unsigned long)mfspr(SPRN_DEC));
	timer_off();
	(void)period;
}

int main(void)
{
	uint32_t n = (uint32_t)guest_arg_u64("count", 20);
	uint64_t period_us = guest_arg_u64("period", 1000);
	uint32_t slack = (uint32_t)guest_arg_u64("slack", 50);

	if (n < 2)
		n = 2;
	printf("timer: timebase %lu Hz, %lu interrupts of %llu us\n",
	       (unsigned long)guest_boot.tb_freq, (unsigned long)n, (unsigned long long)period_us);
	guest_set_handler(IVOR_DECREMENTER, dec_handler);
	test_periodic(n, period_us, slack);
	test_masked(period_us);
	guest_set_handler(IVOR_DECREMENTER, NULL);
	guest_finish("timer");
}
