/* start.S - entry of an x86 test guest (docs/x86.md, guest boot protocol): 32-bit protected
 * mode, flat segments, paging off, EAX = 0x45504150, EBX = the device tree's address. Sets
 * up the stack and calls guest_main(tree); halts when it returns. x86_hcall() is the shared
 * runtime's (partitions/lib/x86/hcall.S). */
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

/* void x86_irq_init(void): the guest's own GDT (flat code 0x08, data 0x10: the boot
 * protocol's selectors, now backed by descriptors, which an interrupt gate and IRET load)
 * and an IDT whose vector 0x20, the virtual PIC's external interrupt (docs/x86.md), calls
 * guest_irq() with every register saved; any other vector is beyond the IDT's limit (a
 * triple fault: the partition is stopped). Interrupts stay disabled (the caller's sti). */
	.text
	.globl	x86_irq_init
x86_irq_init:
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$irq_entry, %eax
	movw	%ax, idt + 0x20 * 8		/* offset 15:0 */
	movw	$0x08, idt + 0x20 * 8 + 2	/* code selector */
	movw	$0x8e00, idt + 0x20 * 8 + 4	/* present, DPL 0, 32-bit interrupt gate */
	shrl	$16, %eax
	movw	%ax, idt + 0x20 * 8 + 6		/* offset 31:16 */
	lidt	idt_desc
	ret

irq_entry:
	pushal
	cld
	call	guest_irq
	popal
	iret

	.data
	.align	8
gdt:	.quad	0, 0x00cf9a000000ffff, 0x00cf92000000ffff
gdt_desc:
	.word	3 * 8 - 1
	.long	gdt
idt_desc:
	.word	0x21 * 8 - 1
	.long	idt

	.bss
	.align	8
idt:	.space	0x21 * 8
	.align	16
	.space	16384
guest_stack_top:
