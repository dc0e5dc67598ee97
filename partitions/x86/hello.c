/* hello (x86) - prints a greeting and "tick K" lines through its console byte channel, then
 * halts. bootargs: count=N (default 3, 0 = forever), fault=0x<addr> (after the ticks, load
 * from guest-physical addr: outside its memory that is an isolation fault). */
#include <stdint.h>
#include "../lib/x86/runtime.h"

#define PACE 20000000u /* loop turns between two ticks when counting forever */

void guest_main(const void *fdt)
{
	uint32_t count, fault;

	guest_init(fdt);
	count = guest_arg("count", 3);
	fault = guest_arg("fault", 0);
	guest_puts("hello from an x86 partition\n");
	for (uint32_t k = 1; !count || k <= count; k++) {
		guest_puts("tick ");
		guest_put_dec(k);
		guest_puts("\n");
		for (volatile uint32_t i = 0; !count && i < PACE; i++)
			;
	}
	if (fault) {
		guest_puts("hello: loading from ");
		guest_put_hex(fault);
		guest_puts("\n");
		guest_put_hex(*(volatile uint32_t *)(uintptr_t)fault);
		guest_puts(" read\n");
	}
	guest_puts("hello: done\n");
}
