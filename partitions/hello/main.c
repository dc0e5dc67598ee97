/* hello - prints a greeting and "tick K" lines at a steady interval, then exits 0.
 * bootargs: count=N (default 3, 0 = forever), interval=MS (default 10),
 * fault=0x<va> (after the ticks, load from va: exercises the default exception handler),
 * trap=1 (after the ticks, the architecture's trap instruction, guest_trap_insn(): the
 * guest's own default handler reports it). */
#include <stdio.h>
#include <guest/guest.h>

int main(void)
{
	uint64_t count = guest_arg_u64("count", 3);
	uint64_t interval = guest_arg_u64("interval", 10);
	uint64_t step = guest_us_to_tb(interval * 1000), next = guest_tb() + step;
	uint32_t fault = (uint32_t)guest_arg_u64("fault", 0);
	int trap = (int)guest_arg_u64("trap", 0);
	uint64_t k;

	printf("hello from %s\n", guest_boot.guest_name);
	for (k = 1; !count || k <= count; k++) {
		while ((int64_t)(guest_tb() - next) < 0)
			;
		next += step;
		printf("tick %llu\n", (unsigned long long)k);
	}
	if (trap) {
		printf("hello: trap\n");
		guest_trap_insn();
	}
	if (fault) {
		printf("hello: loading from 0x%08lx\n", (unsigned long)fault);
		printf("hello: read 0x%08lx\n", (unsigned long)*(volatile uint32_t *)fault);
	}
	return 0;
}
