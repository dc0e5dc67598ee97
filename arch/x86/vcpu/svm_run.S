/* svm_run.S - one VMRUN (AMD64 APM vol. 2, 15.5): the guest's general registers that the VMCB
 * does not hold are loaded from a struct trap_frame (arch/trap_frame.h) before and stored
 * back after the #VMEXIT; the hypervisor's callee-saved registers are kept on its stack
 * (VMRUN saves only rsp, rip, rax, segments and control registers to the host save area).
 *
 *	void svm_vmrun(uint64_t vmcb_pa, struct trap_frame *g);
 */
#define TF_RBX	8
#define TF_RCX	16
#define TF_RDX	24
#define TF_RSI	32
#define TF_RDI	40
#define TF_RBP	48
#define TF_R8	64
#define TF_R9	72
#define TF_R10	80
#define TF_R11	88
#define TF_R12	96
#define TF_R13	104
#define TF_R14	112
#define TF_R15	120

	.text
	.globl	svm_vmrun
svm_vmrun:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rsi			/* the frame, for after the exit */
	movq	%rdi, %rax		/* VMRUN takes the VMCB's physical address in rax */
	movq	TF_RBX(%rsi), %rbx
	movq	TF_RCX(%rsi), %rcx
	movq	TF_RDX(%rsi), %rdx
	movq	TF_RDI(%rsi), %rdi
	movq	TF_RBP(%rsi), %rbp
	movq	TF_R8(%rsi), %r8
	movq	TF_R9(%rsi), %r9
	movq	TF_R10(%rsi), %r10
	movq	TF_R11(%rsi), %r11
	movq	TF_R12(%rsi), %r12
	movq	TF_R13(%rsi), %r13
	movq	TF_R14(%rsi), %r14
	movq	TF_R15(%rsi), %r15
	movq	TF_RSI(%rsi), %rsi
	vmrun
	pushq	%rsi			/* the guest's rsi; the frame pointer is under it */
	movq	8(%rsp), %rsi
	movq	%rbx, TF_RBX(%rsi)
	movq	%rcx, TF_RCX(%rsi)
	movq	%rdx, TF_RDX(%rsi)
	movq	%rdi, TF_RDI(%rsi)
	movq	%rbp, TF_RBP(%rsi)
	movq	%r8, TF_R8(%rsi)
	movq	%r9, TF_R9(%rsi)
	movq	%r10, TF_R10(%rsi)
	movq	%r11, TF_R11(%rsi)
	movq	%r12, TF_R12(%rsi)
	movq	%r13, TF_R13(%rsi)
	movq	%r14, TF_R14(%rsi)
	movq	%r15, TF_R15(%rsi)
	popq	%rax
	movq	%rax, TF_RSI(%rsi)
	popq	%rsi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
