/* start.S - guest entry points and exception vectors (plain e500mc supervisor code).
 *
 * _start: ePAPR 1.1 boot entry (initial CPU state): r3 = device tree, r6 = 0x45504150,
 * r7 = size of the initial mapping (TLB1, virtual 0 -> physical 0, TS 0), MSR = 0. Sets the
 * boot stack, clears BSS and calls guest_start(fdt, magic, ima_size) in C.
 * _secondary_start: target of an ePAPR spin-table release: r3 = the value the boot CPU put
 * in the entry's r3 field, our CPU index.
 * Vectors: one 16-byte stub per IVOR (E500MCRM, Interrupts and Exceptions: IVORn holds the
 * offset from IVPR, 16-byte aligned), a common save path that builds a struct guest_frame
 * on the interrupted stack and calls guest_exc_dispatch(frame), and the matching return
 * (rfi / rfci / rfmci). */
#include <guest/spr.h>
#include "frame.h"

	.section .text.entry, "ax"
	.globl	_start
_start:
	mr	r29, r3			/* device tree */
	mr	r30, r6			/* ePAPR magic */
	mr	r31, r7			/* initial mapping size */
	lis	r1, __stack_top@ha
	addi	r1, r1, __stack_top@l
	li	r0, 0
	stwu	r0, -16(r1)		/* terminate the back chain */
	lis	r3, __bss_start@ha
	addi	r3, r3, __bss_start@l
	lis	r4, __bss_end@ha
	addi	r4, r4, __bss_end@l
1:	cmplw	r3, r4			/* BSS is 64-byte aligned at both ends */
	bge	2f
	stw	r0, 0(r3)
	addi	r3, r3, 4
	b	1b
2:	mr	r3, r29
	mr	r4, r30
	mr	r5, r31
	bl	guest_start
3:	b	3b

	.globl	_secondary_start
_secondary_start:
	mr	r31, r3			/* CPU index (1 .. GUEST_MAX_CPUS - 1) */
	lis	r1, __sec_stacks@ha
	addi	r1, r1, __sec_stacks@l
	slwi	r4, r3, 14		/* top = __sec_stacks + cpu * GUEST_SEC_STACK_SIZE */
	add	r1, r1, r4
	li	r0, 0
	stwu	r0, -16(r1)
	bl	guest_secondary_entry
4:	b	4b

/* ---- vectors ------------------------------------------------------------------------- */

	.section .text.vectors, "ax"
	.macro	VEC n, cls
	.balign	16
	.globl	guest_vec_\n
guest_vec_\n:
	stwu	r1, -GF_STACK(r1)	/* frame on the interrupted stack, back chain = old r1 */
	stw	r3, GF_GPR(3)(r1)
	li	r3, \n
	b	exc_entry_\cls
	.endm

	VEC	0, crit			/* critical input: CSRR0/1 */
	VEC	1, mchk			/* machine check: MCSRR0/1 */
	VEC	2, std			/* data storage */
	VEC	3, std			/* instruction storage */
	VEC	4, std			/* external input */
	VEC	5, std			/* alignment */
	VEC	6, std			/* program */
	VEC	7, std			/* floating-point unavailable */
	VEC	8, std			/* system call */
	VEC	9, std			/* auxiliary processor unavailable */
	VEC	10, std			/* decrementer */
	VEC	11, std			/* fixed-interval timer */
	VEC	12, crit		/* watchdog: CSRR0/1 */
	VEC	13, std			/* data TLB error */
	VEC	14, std			/* instruction TLB error */
	VEC	15, crit		/* debug: CSRR0/1 (no DSRR without E.ED enabled) */

	/* User-entry vectors (guest_run_user, user.c): the interrupted r1 belongs to user
	 * code and is not trusted; SPRG2 holds this CPU's kernel-entry frame address, SPRG0
	 * is scratch for the user r1. Installed only for base-class IVORs while user code
	 * runs on this CPU. */
	.macro	UVEC n
	.balign	16
	.globl	guest_uvec_\n
guest_uvec_\n:
	mtspr	SPRN_SPRG0, r1
	mfspr	r1, SPRN_SPRG2
	stw	r3, GF_GPR(3)(r1)
	li	r3, \n
	b	uexc_entry
	.endm

	UVEC	2
	UVEC	3
	UVEC	4
	UVEC	5
	UVEC	6
	UVEC	7
	UVEC	8
	UVEC	9
	UVEC	10
	UVEC	11
	UVEC	13
	UVEC	14

uexc_entry:
	stw	r0, GF_GPR(0)(r1)
	mfspr	r0, SPRN_SPRG0
	stw	r0, GF_GPR(1)(r1)
	li	r0, 0
	stw	r0, 0(r1)		/* the back chain ends here */
	mfspr	r0, SPRN_SRR0
	stw	r0, GF_PC(r1)
	mfspr	r0, SPRN_SRR1
	stw	r0, GF_MSR(r1)
	li	r0, GF_CLASS_STD
	stw	r0, GF_VCLASS(r1)
	b	exc_save_rest

	/* r1 = frame, r3 = IVOR number, r3's old value saved; r0 free after saving it */
exc_entry_std:
	stw	r0, GF_GPR(0)(r1)
	mfspr	r0, SPRN_SRR0
	stw	r0, GF_PC(r1)
	mfspr	r0, SPRN_SRR1
	stw	r0, GF_MSR(r1)
	li	r0, GF_CLASS_STD
	b	exc_save

exc_entry_crit:
	stw	r0, GF_GPR(0)(r1)
	mfspr	r0, SPRN_CSRR0
	stw	r0, GF_PC(r1)
	mfspr	r0, SPRN_CSRR1
	stw	r0, GF_MSR(r1)
	li	r0, GF_CLASS_CRIT
	b	exc_save

exc_entry_mchk:
	stw	r0, GF_GPR(0)(r1)
	mfspr	r0, SPRN_MCSRR0
	stw	r0, GF_PC(r1)
	mfspr	r0, SPRN_MCSRR1
	stw	r0, GF_MSR(r1)
	li	r0, GF_CLASS_MCHK

exc_save:
	stw	r0, GF_VCLASS(r1)
	addi	r0, r1, GF_STACK
	stw	r0, GF_GPR(1)(r1)
exc_save_rest:				/* r0 free, GPR0/1/3, PC, MSR, VCLASS saved */
	stw	r3, GF_VEC(r1)
	stw	r2, GF_GPR(2)(r1)
	stmw	r4, GF_GPR(4)(r1)	/* r4 .. r31 */
	mfcr	r0
	stw	r0, GF_CR(r1)
	mflr	r0
	stw	r0, GF_LR(r1)
	mfctr	r0
	stw	r0, GF_CTR(r1)
	mfxer	r0
	stw	r0, GF_XER(r1)
	mfspr	r0, SPRN_ESR
	stw	r0, GF_ESR(r1)
	mfspr	r0, SPRN_DEAR
	stw	r0, GF_DEAR(r1)
	mr	r3, r1
	bl	guest_exc_dispatch

	/* return: everything but CR, r0, r1, r3 first, then by class (cr0 is still free) */
	lwz	r0, GF_LR(r1)
	mtlr	r0
	lwz	r0, GF_CTR(r1)
	mtctr	r0
	lwz	r0, GF_XER(r1)
	mtxer	r0
	lwz	r2, GF_GPR(2)(r1)
	lmw	r4, GF_GPR(4)(r1)
	lwz	r3, GF_VCLASS(r1)
	cmpwi	r3, GF_CLASS_CRIT
	beq	exc_ret_crit
	bgt	exc_ret_mchk
	lwz	r0, GF_PC(r1)
	mtspr	SPRN_SRR0, r0
	lwz	r0, GF_MSR(r1)
	mtspr	SPRN_SRR1, r0
	lwz	r0, GF_CR(r1)
	mtcr	r0
	lwz	r0, GF_GPR(0)(r1)
	lwz	r3, GF_GPR(3)(r1)
	lwz	r1, GF_GPR(1)(r1)
	rfi
exc_ret_crit:
	lwz	r0, GF_PC(r1)
	mtspr	SPRN_CSRR0, r0
	lwz	r0, GF_MSR(r1)
	mtspr	SPRN_CSRR1, r0
	lwz	r0, GF_CR(r1)
	mtcr	r0
	lwz	r0, GF_GPR(0)(r1)
	lwz	r3, GF_GPR(3)(r1)
	lwz	r1, GF_GPR(1)(r1)
	rfci
exc_ret_mchk:
	lwz	r0, GF_PC(r1)
	mtspr	SPRN_MCSRR0, r0
	lwz	r0, GF_MSR(r1)
	mtspr	SPRN_MCSRR1, r0
	lwz	r0, GF_CR(r1)
	mtcr	r0
	lwz	r0, GF_GPR(0)(r1)
	lwz	r3, GF_GPR(3)(r1)
	lwz	r1, GF_GPR(1)(r1)
	rfmci

/* void guest_vectors_init(void): IVPR = 64 KiB-aligned image start, IVORn = offset of
 * guest_vec_n from it (E500MCRM, Register Model: IVPR, IVORs). Per CPU. */
	.text
	.macro	SETIVOR n
	lis	r3, guest_vec_\n@ha
	addi	r3, r3, guest_vec_\n@l
	subf	r3, r4, r3
	mtspr	SPRN_IVOR0 + \n, r3
	.endm
	.globl	guest_vectors_init
guest_vectors_init:
	lis	r4, __image_start@ha
	addi	r4, r4, __image_start@l
	mtspr	SPRN_IVPR, r4
	SETIVOR	0
	SETIVOR	1
	SETIVOR	2
	SETIVOR	3
	SETIVOR	4
	SETIVOR	5
	SETIVOR	6
	SETIVOR	7
	SETIVOR	8
	SETIVOR	9
	SETIVOR	10
	SETIVOR	11
	SETIVOR	12
	SETIVOR	13
	SETIVOR	14
	SETIVOR	15
	isync
	blr
