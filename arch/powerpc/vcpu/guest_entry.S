/* guest_entry.S - switch between the hypervisor context of a physical CPU and its vCPU.
 *
 * vcpu_arch_enter(host_ctx, frame): saves the hypervisor's callee-saved state in host_ctx and
 * loads the guest from frame (GPRs, CR/LR/CTR/XER, SRR0 = frame->pc, SRR1 = frame->msr), then
 * rfi. Guest exits arrive through the normal vectors (vectors.S) on the exception stack.
 * vcpu_arch_leave(host_ctx, value): called from a trap handler on the same CPU, abandons the
 * exception frame and returns value from vcpu_arch_enter. */
#include <arch/spr.h>
#include <arch/trap_frame.h>

	.text
	.globl	vcpu_arch_enter
vcpu_arch_enter:
	stw	r1, 0(r3)
	mflr	r0
	stw	r0, 4(r3)
	mfcr	r0
	stw	r0, 8(r3)
	stw	r2, 12(r3)
	stmw	r13, 16(r3)
	mr	r1, r4
	RETURN	SPRN_SRR0, SPRN_SRR1, rfi

	.globl	vcpu_arch_leave
vcpu_arch_leave:
	lwz	r1, 0(r3)
	lwz	r0, 4(r3)
	mtlr	r0
	lwz	r0, 8(r3)
	mtcr	r0
	lwz	r2, 12(r3)
	lmw	r13, 16(r3)
	mr	r3, r4
	blr
