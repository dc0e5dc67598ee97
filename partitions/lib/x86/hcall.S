/* hcall.S - the x86 hypercall instruction with the register convention of docs/abi.md 1a:
 * VMMCALL with the token in EAX and arguments/results in EBX, ECX, EDX, ESI, EDI, EBP.
 * Used by the shared runtime's hcall() (arch.c) and by the bring-up guests (partitions/x86). */
/* uint32_t x86_hcall(uint32_t token, uint32_t regs[6]): regs in and out of EBX, ECX, EDX,
 * ESI, EDI, EBP; returns EAX (the status). */
	.text
	.globl	x86_hcall
x86_hcall:
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	pushl	%ebp
	movl	20(%esp), %eax		/* token */
	pushl	24(%esp)		/* regs: kept for after the call */
	movl	(%esp), %ebp
	movl	0(%ebp), %ebx
	movl	4(%ebp), %ecx
	movl	8(%ebp), %edx
	movl	12(%ebp), %esi
	movl	16(%ebp), %edi
	movl	20(%ebp), %ebp
	vmmcall
	pushl	%ebp
	movl	4(%esp), %ebp
	movl	%ebx, 0(%ebp)
	movl	%ecx, 4(%ebp)
	movl	%edx, 8(%ebp)
	movl	%esi, 12(%ebp)
	movl	%edi, 16(%ebp)
	popl	%ecx
	movl	%ecx, 20(%ebp)
	addl	$4, %esp
	popl	%ebp
	popl	%edi
	popl	%esi
	popl	%ebx
	ret

