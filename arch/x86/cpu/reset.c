/* reset.c - whole-system reset on a PC chipset: the reset control register at port 0xcf9
 * (ICH9 on q35: bit 2 starts the reset, bit 1 makes it a hard one), then the keyboard
 * controller's pulse (0xfe to port 0x64) as the older way. */
#include <hv/err.h>
#include <hv/arch.h>
#include <hv/platform.h>
#include "x86.h"

#define RST_CNT     0xcf9
#define RST_CNT_SYS 0x02
#define RST_CNT_CPU 0x04
#define RESET_WAIT  100000000u /* spins before the reset is declared lost */

int arch_system_reset(const struct platform *plat)
{
	outb(RST_CNT, RST_CNT_SYS);
	outb(RST_CNT, RST_CNT_SYS | RST_CNT_CPU);
	for (volatile uint32_t i = 0; i < RESET_WAIT; i++)
		arch_cpu_relax();
	outb(0x64, 0xfe);
	for (volatile uint32_t i = 0; i < RESET_WAIT; i++)
		arch_cpu_relax();
	return -HV_EIO;
}
