/* hcall.h - hypercall dispatch in the core. The architecture collects the token and the
 * argument registers (ePAPR on PowerPC: r11, r3..r10) and writes the results back. */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <bulkhead/abi.h>

#define HCALL_NR_REGS	8

/* In: token and arguments; out: reg[0] = EV_* status, reg[1..] = results. */
struct hcall_regs {
	unsigned long token;
	unsigned long reg[HCALL_NR_REGS];
};

struct vcpu;

void hcall_dispatch(struct vcpu *v, struct hcall_regs *r);

#endif
