/* hcall.c - the guest's DMA switch (Topaz semantics): every DMA source of an assigned
 * device starts disabled, the guest's driver enables it with FH_DMA_ENABLE(handle) when it
 * is ready and may disable it again with FH_DMA_DISABLE(handle). A source configured with
 * no-dma-disable is enabled from the start; the calls still work on it. */
#include <bulkhead/errors.h>
#include <hv/console.h>
#include <hv/dma_hcall.h>
#include <hv/err.h>
#include <hv/iommu.h>
#include <hv/partition.h>
#include <hv/vcpu.h>

/* Back end errors as hypercall status: what the guest can act on. */
static unsigned long status_of(int err)
{
	static const struct ev_status map[] = {
		{ -HV_EBUSY, EV_CONFIG },  /* shares a fence with another's source */
		{ -HV_ENOSPC, EV_CONFIG }, /* the domain does not fit the windows */
		{ -HV_ENODEV, EV_ENODEV },
		{ -HV_EPERM, EV_EPERM },          /* the config says no DMA (no-dma) */
		{ -HV_EAGAIN, EV_INVALID_STATE }, /* on standby: FH_CLAIM_DEVICE first */
	};

	return hv_err_to_ev(err, map, sizeof(map) / sizeof(map[0]), EV_EIO);
}

static void dma_switch(struct vcpu *v, struct hcall_regs *r, bool on)
{
	struct iommu_source *s = iommu_source_get(v->part, r->reg[0]);
	int err;

	if (!s) {
		r->reg[0] = EV_EINVAL;
		return;
	}
	err = on ? iommu_enable(s) : iommu_disable(s);
	if (err)
		hv_printf("partition %s: DMA_%s of handle %lu refused (error %d)\n", v->part->name,
			  on ? "ENABLE" : "DISABLE", r->reg[0], err);
	r->reg[0] = status_of(err);
}

void hc_dma_enable(struct vcpu *v, struct hcall_regs *r)
{
	dma_switch(v, r, true);
}

void hc_dma_disable(struct vcpu *v, struct hcall_regs *r)
{
	dma_switch(v, r, false);
}
