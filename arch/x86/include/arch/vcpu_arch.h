/* vcpu_arch.h - the x86-64 vCPU state a partition's vCPU carries (AMD SVM, arch/x86/vcpu/):
 * the guest's general registers while it is out of guest context (rip, rsp, rflags and rax
 * travel through the VMCB while it runs) and where the guest boot protocol starts it. The
 * VMCB and the nested page tables belong to the physical CPU the vCPU is placed on (svm.c). */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

#include <stdint.h>
#include <arch/trap_frame.h>
#include <arch/arch_inline.h>

struct vcpu_arch {
	struct trap_frame frame; /* guest registers (all of them while stopped) */
	uint64_t entry, arg;     /* where vcpu_arch_reset() said the guest starts */
};

#endif
