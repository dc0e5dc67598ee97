/* claim.h - FH_CLAIM_DEVICE (Linux numbering; Topaz failover, docs/devices.md#failover): a
 * partition given a claimable device on standby takes it from the partition that holds it,
 * once that one is stopped. */
#ifndef HV_CLAIM_H
#define HV_CLAIM_H

#include <hv/hcall.h>

struct partition;

/* Run move(ctx) while holder is stopped and cannot start (its lock held); claims are
 * serialised. EV_SUCCESS, EV_INVALID_STATE (holder not stopped: running, starting or
 * stopping) and nothing moved, or EV_EIO when move() failed (it returns 0 or a negative
 * error, and moves nothing when it fails). */
unsigned long claim_from(struct partition *holder, int (*move)(void *ctx), void *ctx);

/* in: r3 = handle of the device (or error manager) in the caller's tree; out: r3 EV_*. */
void hc_claim_device(struct vcpu *v, struct hcall_regs *r);

#endif
