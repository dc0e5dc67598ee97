/* start.S - entry of an x86 test guest (docs/x86.md, guest boot protocol): 32-bit protected
 * mode, flat segments, paging off, EAX = 0x45504150, EBX = the device tree's address. Sets
 * up the stack and calls guest_main(tree); halts when it returns. Also x86_hcall(), the
 * VMMCALL with the register convention of docs/abi.md. */
	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	$guest_stack_top, %esp
	pushl	%ebx			/* the device tree */
	call	guest_main
1:	hlt
	jmp	1b

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

	.bss
	.align	16
	.space	16384
guest_stack_top:
