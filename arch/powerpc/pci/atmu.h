/* atmu.h - the Freescale PCI controller inbound-window DMA fence (pci/atmu.c), the PAMU
 * (pamu.c), as used by the dispatcher (iommu_arch.c) and the self-test (dma_selftest.c). */
#ifndef ARCH_PCI_ATMU_H
#define ARCH_PCI_ATMU_H

#include <stdbool.h>
#include <stdint.h>

struct iommu_source;
struct iommu_domain;

struct platform;

int atmu_probe(const struct platform *plat);
int atmu_attach(struct iommu_source *s);
int atmu_set_enabled(struct iommu_source *s, bool on);
int atmu_wait_idle(struct iommu_source *s);
void atmu_detach(struct iommu_source *s);

/* Hardware tree offset of the i-th controller found, or -1. */
int atmu_ctl_node(unsigned int i);

/* Config space of requester id rid below the controller at hardware tree offset node
 * (all ones when there is no such controller or function). */
uint32_t atmu_cfg_read32(int node, uint32_t rid, unsigned int reg);
void atmu_cfg_write32(int node, uint32_t rid, unsigned int reg, uint32_t v);

/* Self-test helper: outbound window 1, CPU cpu -> PCI bus, 2^log2size bytes. */
void atmu_outbound_set(int node, uint64_t cpu, uint64_t bus, unsigned int log2size);

int pamu_probe(const struct platform *plat);
int pamu_attach(struct iommu_source *s);
int pamu_set_enabled(struct iommu_source *s, bool on);
int pamu_wait_idle(struct iommu_source *s);
void pamu_detach(struct iommu_source *s);

#endif
