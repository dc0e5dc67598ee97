/* errmgr.h - the error manager (Topaz's error-manager node, docs/devices.md#error-manager):
 * hardware errors the hypervisor sees are queued (bounded, with a drop count) for the
 * partition that holds the error manager, whose doorbell rings for each; it reads them with
 * FH_ERR_GET_INFO (record: include/bulkhead/error.h). Several partitions may have the node
 * (claimable = "active" / "standby"): a standby one takes it over with FH_CLAIM_DEVICE on its
 * handle once the holder is stopped. */
#ifndef HV_ERRMGR_H
#define HV_ERRMGR_H

#include <stdint.h>
#include <hv/hcall.h>

struct handle;
struct iommu_source;
struct iommu_fault;
struct partition;

#define ERRMGR_QUEUE_LEN 16 /* records kept; later ones are dropped and counted */

/* An isolation fault of vCPU vcpu of p (partition_fault()). */
void errmgr_isolation(const struct partition *p, unsigned int vcpu, const char *msg);

/* A DMA access the IOMMU layer blocked (iommu_report_fault()). */
void errmgr_dma(const struct iommu_source *s, const struct iommu_fault *f);

/* Add p's error-manager node to its guest tree (none: 0). 0 or a negative libfdt error. */
int errmgr_tree_add(void *fdt, const struct partition *p);

/* FH_CLAIM_DEVICE on an error-manager handle h of v's partition (hv/dev/claim.c holds the
 * claim lock; the holder's partition lock is taken here). EV_* status. */
unsigned long errmgr_claim(struct partition *me, struct handle *h);

void hc_err_get_info(struct vcpu *v, struct hcall_regs *r);

#endif
