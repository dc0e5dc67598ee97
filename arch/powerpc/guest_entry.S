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
	lwz	r0, TF_PC(r1)
	mtspr	SPRN_SRR0, r0
	lwz	r0, TF_MSR(r1)
	mtspr	SPRN_SRR1, r0
	lwz	r0, TF_CR(r1)
	mtcr	r0
	lwz	r0, TF_XER(r1)
	mtxer	r0
	lwz	r0, TF_CTR(r1)
	mtctr	r0
	lwz	r0, TF_LR(r1)
	mtlr	r0
	lwz	r0, TF_GPR(0)(r1)
	lwz	r2, TF_GPR(2)(r1)
	lmw	r3, TF_GPR(3)(r1)
	lwz	r1, TF_GPR(1)(r1)
	rfi

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
