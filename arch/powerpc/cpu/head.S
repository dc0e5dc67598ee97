/* head.S - e500mc entry points: boot CPU (ePAPR) and secondaries (ePAPR spin table).
 *
 * Boot CPU, as left by QEMU -kernel or U-Boot bootm (ePAPR 1.1, 5.4): r3 = device tree,
 * r6 = ePAPR magic, r7 = size of the initial TLB1 mapping (IMA) that covers us, MMU on.
 * Secondary CPU, released from the spin table: r3 = the value we put in the table (our
 * logical CPU number), the same kind of IMA mapping around the entry address.
 *
 * Both rewrite the TLB1 entry they run from into the hypervisor's first RAM mapping
 * (VA = PA, 256 MiB, supervisor-only, IPROT) and drop every other entry; arch C code
 * then installs the rest of the mappings from the table in mmu.c. */
#include <arch/spr.h>
#include <arch/layout.h>

	.section .text.entry, "ax"
	.globl	_start
_start:
	mr	r31, r3			/* device tree */
	bl	early_tlb		/* keeps r31 */
	li	r3, 0			/* stack of CPU 0 */
	bl	set_stacks
	/* clear BSS (boot CPU only) */
	lis	r3, __bss_start@h
	ori	r3, r3, __bss_start@l
	lis	r4, __bss_end@h
	ori	r4, r4, __bss_end@l
	li	r0, 0
1:	cmplw	r3, r4
	bge	2f
	stw	r0, 0(r3)
	addi	r3, r3, 4
	b	1b
2:	mr	r3, r31
	mr	r4, r29			/* TLB1 slot of the boot mapping */
	bl	arch_boot_cpu_entry	/* C: never returns */
	b	.

	.globl	_secondary_start
_secondary_start:
	mr	r31, r3			/* logical CPU number */
	bl	early_tlb
	mr	r3, r31
	bl	set_stacks
	mr	r3, r31
	mr	r4, r29
	bl	arch_secondary_entry	/* C: never returns */
	b	.

/* early_tlb: make the TLB1 entry that maps _start a 256 MiB VA=PA supervisor mapping at
 * the same slot (same translation for the code we run, so no window where we are
 * unmapped), invalidate all other TLB1 entries and flash-invalidate TLB0.
 * E500MCRM 6.5 (TLB maintenance), ePAPR 5.4 (IMA). Clobbers r0, r3-r6, r29, r30. */
early_tlb:
	li	r0, 0
	mtspr	SPRN_PID, r0
	mtspr	SPRN_MAS6, r0		/* search PID 0, AS 0 */
	isync
	lis	r3, _start@h
	ori	r3, r3, _start@l
	tlbsx	0, r3
	mfspr	r29, SPRN_MAS0
	rlwinm	r29, r29, 16, 20, 31	/* r29 = ESEL of the entry we run from */
	lis	r3, MAS0_TLBSEL1@h
	rlwimi	r3, r29, 16, 4, 15
	mtspr	SPRN_MAS0, r3
	lis	r3, (MAS1_VALID | MAS1_IPROT)@h
	ori	r3, r3, MAS1_TSIZE(9)@l	/* 4 KiB * 4^9 = 256 MiB */
	mtspr	SPRN_MAS1, r3
	li	r3, MAS2_M		/* EPN 0, coherent */
	mtspr	SPRN_MAS2, r3
	li	r3, (MAS3_SX | MAS3_SW | MAS3_SR)
	mtspr	SPRN_MAS3, r3
	mtspr	SPRN_MAS7, r0
	isync
	tlbwe
	isync
	mfspr	r30, SPRN_TLB1CFG
	rlwinm	r30, r30, 0, 20, 31	/* NENTRY */
	li	r4, 0
3:	cmpw	r4, r29
	beq	4f
	lis	r3, MAS0_TLBSEL1@h
	rlwimi	r3, r4, 16, 4, 15
	mtspr	SPRN_MAS0, r3
	mtspr	SPRN_MAS1, r0		/* V = 0, IPROT = 0 */
	isync
	tlbwe
4:	addi	r4, r4, 1
	cmpw	r4, r30
	blt	3b
	li	r3, MMUCSR0_TLB0FI
	mtspr	SPRN_MMUCSR0, r3
	isync
	blr

/* set_stacks(r3 = cpu): r1 = top of that CPU's C stack, SPRG2 = top of its exception stack,

 * Layout (link.ld): __stacks_start + cpu * (HV_STACK_SIZE + HV_EXC_STACK_SIZE). */
set_stacks:
	lis	r4, (HV_STACK_SIZE + HV_EXC_STACK_SIZE)@h
	ori	r4, r4, (HV_STACK_SIZE + HV_EXC_STACK_SIZE)@l
	mullw	r4, r4, r3
	lis	r5, __stacks_start@h
	ori	r5, r5, __stacks_start@l
	add	r5, r5, r4
	addis	r1, r5, HV_STACK_SIZE@ha
	addi	r1, r1, HV_STACK_SIZE@l
	addis	r6, r1, HV_EXC_STACK_SIZE@ha
	addi	r6, r6, HV_EXC_STACK_SIZE@l
	mtspr	SPRN_SPRG2, r6
	li	r0, 0
	stwu	r0, -16(r1)		/* terminate the back chain */
	blr

