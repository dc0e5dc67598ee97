/* wdog - feeds its watchdog (guest_watchdog_feed(): PowerPC writes 1 to TSR[ENW] and
 * TSR[WIS], E500MCRM 2.8.3; x86 calls BH_WATCHDOG_FEED) feeds=N times every interval=MS milliseconds, printing "wdog: fed K", then prints
 * "wdog: hanging" and spins with interrupts off: the hypervisor's watchdog must catch it.
 * bootargs: feeds=N (default 3), interval=MS (default 20). */
#include <stdio.h>
#include <guest/guest.h>

int main(void)
{
	uint64_t feeds = guest_arg_u64("feeds", 3), interval = guest_arg_u64("interval", 20);

	for (uint64_t k = 1; k <= feeds; k++) {
		guest_watchdog_feed();
		printf("wdog: fed %llu\n", (unsigned long long)k);
		guest_udelay(interval * 1000);
	}
	printf("wdog: hanging\n");
	guest_irq_disable();
	for (;;)
		;
}
