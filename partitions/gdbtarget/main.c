/* gdbtarget - a guest for the gdb stub's test (tests/system/test_gdb.py, docs/gdb.md): a
 * "tick K" line at a steady interval, forever; each tick goes through gdb_tick(), which
 * stores K in the global gdb_counter (what the test breaks at and reads).
 * bootargs: interval=MS (default 20). */
#include <stdio.h>
#include <guest/guest.h>

volatile uint32_t gdb_counter; /* the last tick, for the debugger to read */
volatile uint32_t gdb_total;   /* sum of the ticks so far */

/* Not inlined: the debugger's breakpoint and single-step target. */
__attribute__((noinline)) uint32_t gdb_tick(uint32_t k)
{
	gdb_counter = k;
	gdb_total += k;
	return gdb_total;
}

int main(void)
{
	uint64_t interval = guest_arg_u64("interval", 20);
	uint64_t step = guest_us_to_tb(interval * 1000), next = guest_tb() + step;

	printf("gdbtarget: ready\n");
	for (uint32_t k = 1;; k++) {
		while ((int64_t)(guest_tb() - next) < 0)
			;
		next += step;
		printf("tick %lu total %lu\n", (unsigned long)k, (unsigned long)gdb_tick(k));
	}
	return 0;
}
