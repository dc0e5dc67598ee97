/* arch/vcpu.h - virtual CPUs and the guest's view of the architecture (PowerPC:
 * arch/powerpc/vcpu/vcpu.c, guest_trap.c, smp.c).
 *
 * Contract: every architecture provides <arch/vcpu_arch.h> defining struct vcpu_arch (the
 * guest register state, embedded in struct vcpu as v->arch; the core never looks inside) and
 * <arch/hcall_arch.h> defining HCALL_ARCH_NR_REGS, the number of hypercall argument
 * registers its guest ABI has. Only <hv/vcpu.h> and <hv/hcall.h> include them. */
#ifndef HV_ARCH_VCPU_H
#define HV_ARCH_VCPU_H

#include <stdint.h>

struct vcpu;

/* Put v in the state a boot program expects (the guest boot protocol's entry state, ePAPR
 * 1.1, 5.4 on PowerPC): pc = entry, the device-tree address in the first argument register,
 * an initial mapping of ima_size. */
void vcpu_arch_reset(struct vcpu *v, uint64_t entry, uint64_t dtb_gpa, uint64_t ima_size);

/* Run v's guest on the calling CPU; returns only after vcpu_arch_stop(v). */
int vcpu_arch_run(struct vcpu *v);

/* From a guest exit on v's CPU: leave guest context, vcpu_arch_run() returns. */
void vcpu_arch_stop(struct vcpu *v) __attribute__((noreturn));

/* Guest device-tree facts the architecture owns: the hypercall instruction sequence for
 * /hypervisor/hcall-instructions (returns the number of 32-bit words written). */
int arch_hcall_instructions(uint32_t *words, int max);

#endif
