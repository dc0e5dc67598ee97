/* vcpu_arch.h - the x86-64 vCPU state a partition's vCPU carries (AMD SVM, arch/x86/vcpu/):
 * the guest's general registers while it is out of guest context (rip, rsp, rflags and rax
 * travel through the VMCB while it runs) and where the guest boot protocol starts it. The
 * VMCB and the nested page tables belong to the physical CPU the vCPU is placed on (svm.c). */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/trap_frame.h>
#include <arch/arch_inline.h>

/* The local APIC the vCPU sees (arch/x86/vcpu/vlapic.c): the registers a guest programs its
 * timer with, and the timer's state in TSC ticks. Only its own physical CPU touches it. */
struct vlapic {
	uint32_t id;                 /* APIC ID register: the vCPU's number << 24 */
	uint32_t tpr, ldr, dfr, svr; /* stored; the TPR is not applied (V_IGN_TPR) */
	uint32_t lvt[7];             /* CMCI, timer, thermal, perf, LINT0, LINT1, error */
	uint32_t divide;             /* divide configuration register */
	uint32_t initial;            /* the timer's initial count */
	uint64_t deadline;           /* TSC at which the count reaches 0; 0 = not counting */
	uint64_t period;             /* TSC ticks of one count from initial (initial x divide) */
	bool pending;                /* the timer fired; its interrupt is not delivered yet */
	bool presented;              /* this entry's V_IRQ is the timer's vector */
	bool mask_ignored;           /* test image: bulkhead.mutate=vlapic-unmasked */
};

struct vcpu_arch {
	struct trap_frame frame; /* guest registers (all of them while stopped) */
	uint64_t entry, arg;     /* where vcpu_arch_reset() said the guest starts */
	struct vlapic lapic;     /* its local APIC */
};

#endif
