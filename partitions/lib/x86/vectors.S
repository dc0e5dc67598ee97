/* vectors.S - the x86 guest's descriptor tables and interrupt entry (docs/x86.md): a flat GDT
 * (code 0x08, data 0x10: the boot protocol's selectors, now backed by descriptors, which an
 * interrupt gate and IRET load) and an IDT for the 32 exceptions, vector 0x20, the virtual
 * PIC's external interrupt, and vector 0x21, the local APIC timer's. Every entry saves all general registers and calls
 * guest_x86_trap(frame) (exc.c) on the interrupted stack (the guest runs at CPL 0 only). */
	.code32

/* Exceptions that push an error code (Intel SDM vol. 3A, 6.13: 8, 10-14, 17, 21, 29, 30);
 * the others get a 0 pushed here, so every frame has the same layout. */
.macro	vec n
vec_\n:
	.if \n == 32
	.globl	guest_vec_ext		/* the virtual PIC's interrupt: bench/irqpath.py finds it */
guest_vec_ext:
	.endif
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushl	$0
	.endif
	pushl	$\n
	jmp	trap_common
.endm

	.text
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33
	vec	\n
	.endr

/* struct x86_frame (exc.c): pushal's registers, then vector, error code, EIP, CS, EFLAGS. */
trap_common:
	pushal
	cld
	pushl	%esp
	call	guest_x86_trap
	addl	$4, %esp
	popal
	addl	$8, %esp		/* vector, error code */
	iret

/* void guest_x86_tables(void): load the GDT (reloading every segment register) and the IDT
 * (exc.c fills its gates first). */
	.globl	guest_x86_tables
guest_x86_tables:
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	lidt	guest_idt_desc
	ret

	.section .rodata
	.align	4
	.globl	guest_vec_entry
guest_vec_entry:			/* each vector's stub, for the IDT's gates (exc.c) */
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33
	.long	vec_\n
	.endr

	.data
	.align	8
gdt:	.quad	0, 0x00cf9a000000ffff, 0x00cf92000000ffff
gdt_desc:
	.word	3 * 8 - 1
	.long	gdt
	.globl	guest_idt_desc
guest_idt_desc:
	.word	34 * 8 - 1
	.long	guest_idt
