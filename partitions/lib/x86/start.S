/* start.S - entry of an x86 test guest on the shared runtime (docs/x86.md, guest boot
 * protocol): 32-bit protected mode, flat segments, paging off, EAX = 0x45504150, EBX = the
 * device tree's guest-physical address. Clears BSS, sets the boot CPU's stack and calls
 * guest_start(tree, magic, 0). A secondary vCPU released through the spin table
 * (smp.c) enters _secondary_start with EBX = its stack top. */
	.section .text.entry, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	%eax, %esi		/* the magic */
	movl	%ebx, %edx		/* the tree */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$__stack_top, %esp
	pushl	$0			/* no initial mapping size */
	pushl	%esi
	pushl	%edx
	call	guest_start
1:	hlt
	jmp	1b

	.globl	_secondary_start
_secondary_start:
	cli
	cld
	movl	%ebx, %esp
	call	guest_secondary_entry
2:	hlt
	jmp	2b
