/* hcall.h - hypercall dispatch in the core. The architecture collects the token and the
 * argument registers of its guest ABI into struct hcall_regs and writes the results back to
 * them (PowerPC: arch/powerpc/vcpu/guest_trap.c, ePAPR r11 and r3..r10). */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <bulkhead/abi.h>

#define HCALL_NR_REGS	8

/* In: token and arguments; out: reg[0] = EV_* status, reg[1..] = results. Which guest
 * registers these are is the architecture's business. */
struct hcall_regs {
	unsigned long reg[HCALL_NR_REGS];
	unsigned long token;
};

struct vcpu;

void hcall_dispatch(struct vcpu *v, struct hcall_regs *r);

#endif
