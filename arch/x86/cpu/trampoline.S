/* trampoline.S - start code of a secondary CPU, copied to HV_TRAMPOLINE (below 1 MiB) by
 * smp.c and entered by the startup IPI in real mode at HV_TRAMPOLINE:0 (Intel SDM 3A,
 * 8.4.4.1). It loads the hypervisor's GDT, goes through 32-bit protected mode into long mode
 * with the boot page tables (head.S), and calls x86_secondary_entry(cpu) on the stack smp.c
 * wrote into its data words. It runs at its copy's address: every address it uses is
 * HV_TRAMPOLINE + its offset in the copy (AT()). */
#include <arch/layout.h>

#define AT(label)	(HV_TRAMPOLINE + (label) - x86_trampoline_start)
#define CR0_PE		0x00000001
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

	.section .rodata
	.align	16
	.globl	x86_trampoline_start, x86_trampoline_end
	.globl	x86_trampoline_stack, x86_trampoline_cpu
	.code16
x86_trampoline_start:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdtl	AT(gdt_ptr)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$HV_CS32, $AT(pm32)

	.code32
pm32:
	movl	$HV_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
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
	ljmpl	$HV_CS, $AT(lm64)

	.code64
lm64:
	movq	AT(x86_trampoline_stack), %rsp
	movl	AT(x86_trampoline_cpu), %edi
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	xorl	%ebp, %ebp
	movabsq	$x86_secondary_entry, %rax
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.align	8
gdt_ptr:				/* the hypervisor's GDT (head.S), 32-bit base */
	.word	0x1f
	.long	x86_gdt
	.align	8
x86_trampoline_stack:	.quad	0	/* written by smp.c before each start */
x86_trampoline_cpu:	.long	0
x86_trampoline_end:
