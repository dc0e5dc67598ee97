/* vectors.S - the 256 interrupt and exception entry stubs of the hypervisor's IDT (idt.c).
 * Each pushes an error code (0 where the CPU pushes none) and its vector number, then the
 * common path saves the caller-saved registers as a struct x86_irq_frame (x86.h) and calls
 * x86_interrupt(frame). No red zone (-mno-red-zone): the CPU pushes onto the interrupted
 * stack. */

	.text
	.macro	STUB num
	.align	16
stub_\num:
	/* vectors that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP */
	.if (\num == 8) || ((\num >= 10) && (\num <= 14)) || (\num == 17) || (\num == 21)
	.else
	pushq	$0
	.endif
	pushq	$\num
	jmp	common
	.endm

common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movq	%rsp, %rdi
	cld
	call	x86_interrupt
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

	.altmacro
	.macro	STUBN n
	STUB	%n
	.endm
	.set	i, 0
	.rept	256
	STUBN	%i
	.set	i, i + 1
	.endr

	/* x86_vector_stubs[n]: the entry of vector n (idt.c builds the gates from it). */
	.macro	STUBADDR n
	.quad	stub_\n
	.endm
	.section .rodata
	.align	8
	.globl	x86_vector_stubs
x86_vector_stubs:
	.set	i, 0
	.rept	256
	STUBADDR %i
	.set	i, i + 1
	.endr
