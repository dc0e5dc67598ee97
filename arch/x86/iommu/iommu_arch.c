/* iommu_arch.c - the DMA back end on x86 (Intel VT-d). Not implemented yet (docs/x86.md):
 * no unit is driven, so the core never opens DMA (iommu_arch_init() finds 0 units and every
 * attach is refused). */
#include <errno.h>
#include <hv/arch/iommu.h>
#include <hv/console.h>
#include <hv/platform.h>

int iommu_arch_init(const struct platform *plat)
{
	if (plat->nr_iommus)
		hv_printf("iommu: the VT-d back end is not implemented yet: DMA stays off\n");
	return 0;
}

int iommu_arch_attach(struct iommu_source *s)
{
	return -ENODEV;
}

int iommu_arch_set_enabled(struct iommu_source *s, int on)
{
	return on ? -ENODEV : 0;
}

int iommu_arch_wait_idle(struct iommu_source *s)
{
	return -EOPNOTSUPP;
}

void iommu_arch_detach(struct iommu_source *s)
{
}
