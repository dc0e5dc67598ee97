/* arch/iommu.h - DMA fences / IOMMUs (issue 6; core side in <hv/iommu.h>, docs/dma.md).
 * PowerPC: arch/powerpc/iommu/iommu_arch.c dispatches to the PAMU (pamu.c) and the PCI
 * controllers' inbound windows (pci/atmu.c). Source ids are the architecture's (a LIODN or a
 * PCI requester id, enum iommu_src_kind). */
#ifndef HV_ARCH_IOMMU_H
#define HV_ARCH_IOMMU_H

struct platform;
struct iommu_source;

/* Set up the back ends of the platform (its IOMMUs and PCI host bridges) with all DMA
 * blocked. Returns how many units were found (0 = none: DMA cannot be enabled). */
int iommu_arch_init(const struct platform *plat);

/* Program s's translation for s->dom, leaving DMA disabled. -HV_ENODEV: no unit handles s;
 * -HV_ENOSPC: the domain does not fit the hardware's windows / entries. */
int iommu_arch_attach(struct iommu_source *s);

/* Open (on) or close (off) s's DMA. Closing must not return before the unit has taken the
 * new state (register read-back, cache invalidation). */
int iommu_arch_set_enabled(struct iommu_source *s, int on);

/* After closing: wait until no DMA of s accepted before can still land. 0, -HV_ETIMEDOUT, or
 * -HV_EOPNOTSUPP when the hardware cannot tell. */
int iommu_arch_wait_idle(struct iommu_source *s);

/* Forget s (its entries invalid, its resources released). */
void iommu_arch_detach(struct iommu_source *s);

/* bulkhead.selftest=dma: exercise the back ends on the board's own devices; prints PASS/FAIL
 * lines. Test code: linked only into the test image (arch/<arch>/test/, mk/hv.mk), so the
 * symbol is weak and NULL in the release image, which refuses the switch (hv/dma/iommu.c). */
int iommu_arch_selftest(const struct platform *plat) __attribute__((weak));

#endif
