/* ecam.c - configuration cycles of a PCI Express host bridge through its ECAM window (the
 * bridge's reg, PCI Express Base 4.0, 7.2.2: 4 KiB per function at bus << 20 | dev << 15 |
 * fn << 12), inside the uncached identity map. The outbound windows of a PC's host bridge
 * are decoded by the chipset as the firmware set them up: nothing to program. */
#include <hv/err.h>
#include <hv/arch.h>
#include <hv/arch/pci.h>
#include <hv/platform.h>

static volatile uint8_t *cfg_addr(const struct plat_pci *br, uint32_t bdf, unsigned int reg)
{
	uint64_t off = ((uint64_t)bdf << 12) | (reg & 0xffc);

	if (!br || reg >= 0x1000 || off + 4 > br->regs.size)
		return NULL;
	return arch_ioremap(br->regs.base + off, 4);
}

uint32_t pci_arch_cfg_read32(const struct plat_pci *br, uint32_t bdf, unsigned int reg)
{
	volatile uint8_t *a = cfg_addr(br, bdf, reg);

	return a ? arch_read32(a) : 0xffffffffu;
}

void pci_arch_cfg_write32(const struct plat_pci *br, uint32_t bdf, unsigned int reg, uint32_t v)
{
	volatile uint8_t *a = cfg_addr(br, bdf, reg);

	if (a)
		arch_write32(a, v);
}

/* The window must be one the bridge's description has: the chipset decodes only those. */
int pci_arch_outbound(const struct plat_pci *br, uint64_t cpu, uint64_t bus, uint64_t size)
{
	for (unsigned int i = 0; br && i < br->nr_windows; i++) {
		const struct plat_pci_window *w = &br->window[i];

		if (cpu >= w->cpu && cpu + size <= w->cpu + w->size && bus - cpu == w->bus - w->cpu)
			return 0;
	}
	return -HV_EINVAL;
}
