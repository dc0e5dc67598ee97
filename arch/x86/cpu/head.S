/* head.S - x86-64 entry in 32-bit protected mode with flat segments and paging off, from
 *  - a multiboot v1 loader (QEMU -kernel, GRUB): EAX = 0x2BADB002, EBX = the multiboot
 *    information (Multiboot Specification 0.6.96, 3.2), or
 *  - U-Boot's bootelf (32-bit qemu-x86 build): a C call compiled with -mregparm=3, so
 *    EAX = argc, EDX = argv (the arguments after the image address; docs/x86.md).
 * Builds the boot page tables (the low 4 GiB identity-mapped with 2 MiB pages), enters long
 * mode, enables SSE (newlib may use it), and calls x86_boot_entry(eax, ebx, edx) on CPU 0's
 * stack. */
#include <arch/layout.h>

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* modules page-aligned; memory information wanted */

#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_PS		0x080		/* 2 MiB page in a page directory */
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800

	/* The loader finds this header in the first 8 KiB of the image (.text.entry is first). */
	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	jmp	1f
	.align 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
1:	cli
	cld
	movl	%eax, %esi		/* keep magic and info across the bss clear */
	movl	%ebx, %ebp
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	%esi, boot_magic
	movl	%ebp, boot_info
	movl	%edx, boot_argv		/* untouched by the clear above */

	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 page directories of 512 2 MiB pages each. */
	movl	$boot_pdpt + (PTE_P | PTE_RW), boot_pml4
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd + (PTE_P | PTE_RW), %eax
	movl	%eax, boot_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	2b
	/* pd entry i maps i * 2 MiB; from HV_MMIO_START on uncached (device registers). */
	xorl	%ecx, %ecx
3:	movl	%ecx, %eax
	shll	$21, %eax
	cmpl	$HV_MMIO_START, %eax
	jb	4f
	orl	$(PTE_PCD | PTE_PWT), %eax
4:	orl	$(PTE_P | PTE_RW | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	3b

	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	andl	$~CR0_EM, %eax
	orl	$(CR0_PG | CR0_WP | CR0_MP), %eax
	movl	%eax, %cr0
	lgdt	boot_gdt_ptr
	ljmp	$HV_CS, $long_mode

	.code64
long_mode:
	movl	$HV_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* CPU 0's stack: the first of the per-CPU stacks (link.ld), normal part on top. */
	movq	$__stacks_start + HV_STACK_SIZE, %rsp
	xorl	%ebp, %ebp
	movl	boot_magic, %edi
	movl	boot_info, %esi
	movl	boot_argv, %edx
	call	x86_boot_entry
5:	cli
	hlt
	jmp	5b

	.section .rodata
	.align 16
	/* Flat segments: a 64-bit code segment and a data segment (Intel SDM 3A, 3.4.5). */
	.globl x86_gdt
x86_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* HV_CS: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* HV_DS: data, DPL 0 */
	.quad	0x00cf9a000000ffff	/* HV_CS32: 32-bit code (the secondaries' trampoline) */
x86_gdt_end:
	.align 8
	.globl x86_gdt_ptr
x86_gdt_ptr:
boot_gdt_ptr:
	.word	x86_gdt_end - x86_gdt - 1
	.quad	x86_gdt

	.section .bss
	.align 4096
	.globl boot_pml4
boot_pml4:	.space 4096
boot_pdpt:	.space 4096
boot_pd:	.space 4 * 4096
	.align 4
boot_magic:	.space 4
boot_info:	.space 4
boot_argv:	.space 4
