/* vcpu_arch.h - the x86-64 vCPU state a partition's vCPU carries. Running guests on AMD SVM
 * is not implemented yet (docs/x86.md): the state is the register frame only, and
 * vcpu_arch_run() refuses. */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

#include <stdint.h>
#include <arch/trap_frame.h>
#include <arch/arch_inline.h>

struct vcpu_arch {
	struct trap_frame frame;	/* guest registers while the vCPU is out of guest context */
	uint64_t entry, arg;		/* where vcpu_arch_reset() said the guest starts */
};

#endif
