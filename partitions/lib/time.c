/* time.c - timebase conversions. guest_tb() (PowerPC time base, x86 TSC) ticks at tb_freq
 * from the device tree (/cpus/cpu/timebase-frequency, ePAPR 1.1 CPU node properties). */
#include <guest/guest.h>

uint64_t guest_us_to_tb(uint64_t us)
{
	return us * guest_boot.tb_freq / 1000000;
}

uint64_t guest_tb_to_us(uint64_t ticks)
{
	return ticks * 1000000 / guest_boot.tb_freq;
}

void guest_udelay(uint64_t us)
{
	uint64_t start = guest_tb(), ticks = guest_us_to_tb(us);

	while (guest_tb() - start < ticks)
		guest_relax();
}
