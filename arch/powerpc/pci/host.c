/* host.c - <hv/pci.h> on the Freescale PCI controller: configuration cycles through
 * CFG_ADDR/CFG_DATA and outbound window 1, both via the controller driver of pci/atmu.c
 * (which maps the registers at boot). A bridge of the platform model is the controller at its
 * hw_ref. */
#include <hv/err.h>
#include <hv/pci.h>
#include <hv/platform.h>
#include "pci/atmu.h"

uint32_t pci_arch_cfg_read32(const struct plat_pci *br, uint32_t bdf, unsigned int reg)
{
	return atmu_cfg_read32(br ? br->hw_ref : -1, bdf, reg);
}

void pci_arch_cfg_write32(const struct plat_pci *br, uint32_t bdf, unsigned int reg, uint32_t v)
{
	atmu_cfg_write32(br ? br->hw_ref : -1, bdf, reg, v);
}

/* Outbound ATMU window sizes are powers of two from 4 KiB (POWAR[OWS] = log2(size) - 1). */
int pci_arch_outbound(const struct plat_pci *br, uint64_t cpu, uint64_t bus, uint64_t size)
{
	unsigned int log2 = 12;

	while ((1ull << log2) < size)
		log2++;
	if ((1ull << log2) != size || atmu_ctl_node(0) < 0)
		return -HV_EINVAL;
	atmu_outbound_set(br->hw_ref, cpu, bus, log2);
	return 0;
}
