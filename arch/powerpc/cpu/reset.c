/* reset.c - whole-system reset on QorIQ: the global utilities block (GUTS) has a reset
 * control register when its node says "fsl,has-rstcr"; writing HRESET_REQ asserts the
 * board's hard reset (MPC8544ERM, Global Utilities: RSTCR). */
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/platform.h>

#define GUTS_RSTCR       0xb0 /* reset control register */
#define RSTCR_HRESET_REQ 0x00000002u
#define RESET_WAIT       100000000u /* spins before the reset is declared lost */

/* plat->reset_regs: the GUTS block of the node with fsl,has-rstcr (platform.c). */
int arch_system_reset(const struct platform *plat)
{
	uint8_t *guts;

	if (!plat || !plat->reset_regs)
		return -HV_ENODEV;
	guts = arch_ioremap(plat->reset_regs, GUTS_RSTCR + 4);
	if (!guts)
		return -HV_ENODEV;
	arch_write32(guts + GUTS_RSTCR, RSTCR_HRESET_REQ);
	for (volatile uint32_t i = 0; i < RESET_WAIT; i++)
		arch_cpu_relax();
	return -HV_EIO;
}
