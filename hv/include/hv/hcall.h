/* hcall.h - hypercall dispatch in the core. The architecture collects the token and the
 * argument registers of its guest ABI into struct hcall_regs and writes the results back to
 * them (PowerPC: arch/powerpc/vcpu/guest_trap.c, ePAPR r11 and r3..r10). */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <bulkhead/abi.h>

#define HCALL_NR_REGS 8

/* In: token and arguments; out: reg[0] = EV_* status, reg[1..] = results. Which guest
 * registers these are is the architecture's business. */
struct hcall_regs {
	unsigned long reg[HCALL_NR_REGS];
	unsigned long token;
};

struct vcpu;

void hcall_dispatch(struct vcpu *v, struct hcall_regs *r);

/* What one internal code (hv/err.h) means to the guest of one hypercall: its EV_* status. */
struct ev_status {
	int err;          /* a negated HV_E* code */
	unsigned long ev; /* the EV_* status (include/bulkhead/errors.h) it becomes */
};

/* The one conversion from the hypervisor's error space to the hypercall ABI's EV_* codes
 * (docs/architecture.md, "Errors"): 0 is EV_SUCCESS, a code in the call's table map[0..n)
 * gets its status, any other code the call's `other`. Each hypercall says in its table what
 * the back end's codes mean to the guest; no internal value reaches a guest register. */
unsigned long hv_err_to_ev(int err, const struct ev_status *map, unsigned int n,
			   unsigned long other);

#endif
