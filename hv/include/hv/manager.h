/* manager.h - partition managers: the FSL partition-management hypercalls a partition may
 * apply to the partitions its config names (managed-partition), by handle. */
#ifndef HV_MANAGER_H
#define HV_MANAGER_H

#include <hv/config.h>
#include <hv/hcall.h>

/* Status values of FH_PARTITION_GET_STATUS (Linux include/uapi/linux/fsl_hypervisor.h). */
#define FH_PARTITION_STOPPED  0
#define FH_PARTITION_RUNNING  1
#define FH_PARTITION_STARTING 2
#define FH_PARTITION_STOPPING 3

struct handle;
struct partition;
/* The manager's handle of the state-change doorbell of the partition handle h. */
int manager_doorbell_handle(const struct handle *h);

/* target started or stopped, or had a DMA access blocked: ring the state-change doorbell of
 * each of its managers. */
void manager_notify(const struct partition *target);

/* The partition a HANDLE_PARTITION handle names. */
const struct partition *manager_handle_target(const struct handle *h);

void hc_partition_get_status(struct vcpu *v, struct hcall_regs *r);
void hc_partition_start(struct vcpu *v, struct hcall_regs *r);
void hc_partition_stop(struct vcpu *v, struct hcall_regs *r);
void hc_partition_restart(struct vcpu *v, struct hcall_regs *r);
void hc_partition_stop_dma(struct vcpu *v, struct hcall_regs *r);
void hc_partition_memcpy(struct vcpu *v, struct hcall_regs *r);

#endif
