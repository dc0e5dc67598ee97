/* arch/pci.h - configuration cycles and outbound windows of the platform's PCI host bridges
 * (PowerPC: the Freescale PCI controller, arch/powerpc/pci/host.c). The core's PCI layer
 * (<hv/pci.h>) calls them with the bridge objects of the platform model. */
#ifndef HV_ARCH_PCI_H
#define HV_ARCH_PCI_H

#include <stdint.h>

struct plat_pci;

/* Configuration space of bus/device/function bdf (bus << 8 | dev << 3 | fn) under host
 * bridge br; all ones when nothing answers (or br is NULL). */
uint32_t pci_arch_cfg_read32(const struct plat_pci *br, uint32_t bdf, unsigned int reg);
void pci_arch_cfg_write32(const struct plat_pci *br, uint32_t bdf, unsigned int reg, uint32_t v);

/* Open the bridge's outbound memory window: CPU [cpu, cpu + size) -> bus [bus, ...). */
int pci_arch_outbound(const struct plat_pci *br, uint64_t cpu, uint64_t bus, uint64_t size);

#endif
