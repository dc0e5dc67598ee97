/* trap_frame.h - the guest register state of an x86-64 vCPU as the gdb stub and the exit
 * handlers see it: the general-purpose registers VMRUN does not keep in the VMCB, plus rip and
 * rflags copied out of it (SVM keeps rax, rsp, rip and rflags in the VMCB save area). */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#include <stdint.h>

struct trap_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

#endif
