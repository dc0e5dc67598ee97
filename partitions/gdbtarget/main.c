/* gdbtarget - a guest for the gdb stub's test (tests/system/test_gdb.py, docs/gdb.md): a
 * "tick K total T" line at a steady interval, forever; each tick goes through gdb_tick(),
 * which stores K in the global gdb_counter (what the test breaks at and reads). Just before
 * each call, gdb_code gets a sum of gdb_tick()'s first instruction words as the guest reads
 * them; gdb_code0 is that sum at start: a software breakpoint makes them differ, a hardware
 * one must not.
 * bootargs: interval=MS (default 20). */
#include <stdio.h>
#include <guest/guest.h>

volatile uint32_t gdb_counter; /* the last tick, for the debugger to read */
volatile uint32_t gdb_total;   /* sum of the ticks so far */
volatile uint32_t gdb_code;    /* code_sum() before the last gdb_tick() */
volatile uint32_t gdb_code0;   /* code_sum() at start, before any debugger */

/* Not inlined: the debugger's breakpoint and single-step target. */
__attribute__((noinline)) uint32_t gdb_tick(uint32_t k)
{
	gdb_counter = k;
	gdb_total += k;
	return gdb_total;
}

/* The first words of gdb_tick() as the guest itself reads them. */
static uint32_t code_sum(void)
{
	const volatile uint32_t *w = (const volatile uint32_t *)(uintptr_t)gdb_tick;
	uint32_t sum = 0;

	for (int i = 0; i < 8; i++)
		sum = sum * 31 + w[i];
	return sum;
}

int main(void)
{
	uint64_t interval = guest_arg_u64("interval", 20);
	uint64_t step = guest_us_to_tb(interval * 1000), next = guest_tb() + step;

	gdb_code0 = code_sum();
	printf("gdbtarget: ready\n");
	for (uint32_t k = 1;; k++) {
		while ((int64_t)(guest_tb() - next) < 0)
			;
		next += step;
		gdb_code = code_sum();
		printf("tick %lu total %lu\n", (unsigned long)k, (unsigned long)gdb_tick(k));
	}
	return 0;
}
