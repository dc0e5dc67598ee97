/* iommu_arch.c - PowerPC side of the IOMMU layer: routes each DMA source to its back end.
 * A LIODN goes to the PAMU (pamu.c, QorIQ P4080/P3041/T4240 class); a PCI requester id goes
 * to the inbound windows of its host controller (pci/atmu.c), the fence of PAMU-less parts
 * such as QEMU ppce500. */
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/iommu.h>
#include "pamu_core.h"
#include "pci/atmu.h"

int iommu_arch_init(const struct platform *plat)
{
	return pamu_probe(plat) + atmu_probe(plat);
}

int iommu_arch_attach(struct iommu_source *s)
{
	switch (s->kind) {
	case IOMMU_SRC_LIODN:
		return pamu_attach(s);
	case IOMMU_SRC_PCI:
		return atmu_attach(s);
	}
	return -HV_ENODEV;
}

int iommu_arch_set_enabled(struct iommu_source *s, int on)
{
	return s->kind == IOMMU_SRC_LIODN ? pamu_set_enabled(s, on) : atmu_set_enabled(s, on);
}

int iommu_arch_wait_idle(struct iommu_source *s)
{
	return s->kind == IOMMU_SRC_LIODN ? pamu_wait_idle(s) : atmu_wait_idle(s);
}

void iommu_arch_detach(struct iommu_source *s)
{
	if (s->kind == IOMMU_SRC_LIODN)
		pamu_detach(s);
	else
		atmu_detach(s);
}
