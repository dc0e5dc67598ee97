/* hcall.h - hypercall dispatch in the core. The architecture collects the token and the
 * argument registers (ePAPR on PowerPC: r11, r3..r10) and writes the results back. */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <bulkhead/abi.h>

#define HCALL_NR_REGS	8

/* In: token and arguments; out: reg[0] = EV_* status, reg[1..] = results. The order matches
 * the PowerPC register file (r3..r10, then r11 = token) so the architecture can hand over
 * its saved registers in place. */
struct hcall_regs {
	unsigned long reg[HCALL_NR_REGS];
	unsigned long token;
};

struct vcpu;

void hcall_dispatch(struct vcpu *v, struct hcall_regs *r);

#endif
