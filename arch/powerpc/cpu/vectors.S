/* vectors.S - e500mc exception vectors: one stub per IVOR, a common save path that builds a
 * struct trap_frame on the CPU's exception stack (SPRG2), calls powerpc_trap(frame, class),
 * and restores the (possibly edited) frame.
 * Vector classes (E500MCRM 4.9): base (SRR0/1, rfi), critical (CSRR0/1, rfci: critical input,
 * watchdog, debug), machine check (MCSRR0/1, rfmci). */
#include <arch/spr.h>
#include <arch/trap_frame.h>

#define CLASS_BASE	0
#define CLASS_CRIT	1
#define CLASS_MCHK	2

	.section .text.vectors, "ax"
	.balign	64
	.globl	__vectors_start
__vectors_start:

/* Stub: free r1 and r3 using SPRG0/SPRG1, switch to the exception stack, record the vector. */
	.macro	VEC n, class
	.balign	16
	.globl	vec_\n
vec_\n:
	mtspr	SPRN_SPRG0, r1
	mtspr	SPRN_SPRG1, r3
	mfspr	r1, SPRN_SPRG2
	li	r3, \n
	b	save_\class
	.endm

	VEC 0, crit
	VEC 1, mchk
	VEC 2, base
	VEC 3, base
	VEC 4, base
	VEC 5, base
	VEC 6, base
	VEC 7, base
	VEC 8, base
	VEC 9, base
	VEC 10, base
	VEC 11, base
	VEC 12, crit
	VEC 13, base
	VEC 14, base
	VEC 15, crit
	VEC 32, base
	VEC 33, base
	VEC 34, base
	VEC 35, base
	VEC 36, base
	VEC 37, crit
	VEC 38, base
	VEC 39, base
	VEC 40, base
	VEC 41, base

	.macro	SAVE_CLASS class, srr0, srr1, cls
save_\class:
	subi	r1, r1, TF_SIZE
	stw	r3, TF_VEC(r1)
	stw	r0, TF_GPR(0)(r1)
	mfspr	r0, SPRN_SPRG0
	stw	r0, TF_GPR(1)(r1)
	stw	r2, TF_GPR(2)(r1)
	mfspr	r0, SPRN_SPRG1
	stw	r0, TF_GPR(3)(r1)
	mfspr	r0, \srr0
	stw	r0, TF_PC(r1)
	mfspr	r0, \srr1
	stw	r0, TF_MSR(r1)
	stw	r4, TF_GPR(4)(r1)
	li	r4, \cls		/* vector class for save_common */
	b	save_common
	.endm

	SAVE_CLASS base, SPRN_SRR0, SPRN_SRR1, CLASS_BASE
	SAVE_CLASS crit, SPRN_CSRR0, SPRN_CSRR1, CLASS_CRIT
	SAVE_CLASS mchk, SPRN_MCSRR0, SPRN_MCSRR1, CLASS_MCHK


save_common:
	stmw	r5, TF_GPR(5)(r1)
	mfcr	r0
	stw	r0, TF_CR(r1)
	mflr	r0
	stw	r0, TF_LR(r1)
	mfctr	r0
	stw	r0, TF_CTR(r1)
	mfxer	r0
	stw	r0, TF_XER(r1)
	mfspr	r0, SPRN_ESR
	stw	r0, TF_ESR(r1)
	mfspr	r0, SPRN_DEAR
	stw	r0, TF_DEAR(r1)
	li	r0, 0
	stw	r0, 0(r1)		/* back chain ends here */
	mr	r3, r1
	mr	r31, r4
	bl	powerpc_trap		/* C handler; may edit the frame */
	cmpwi	r31, CLASS_BASE
	bne	1f
	RETURN	SPRN_SRR0, SPRN_SRR1, rfi
1:	cmpwi	r31, CLASS_CRIT
	bne	2f
	RETURN	SPRN_CSRR0, SPRN_CSRR1, rfci
2:	RETURN	SPRN_MCSRR0, SPRN_MCSRR1, rfmci

	.text
/* arch_install_vectors(void): IVPR = vector base (64 KiB aligned), each IVOR = stub offset.
 * e500mc has no SPE/AltiVec, so IVOR32-35 do not exist (writing them is an illegal mtspr). */
	.globl	arch_install_vectors
arch_install_vectors:
	lis	r3, __vectors_start@h
	ori	r3, r3, __vectors_start@l
	rlwinm	r4, r3, 0, 0, 15		/* IVPR: upper 16 bits */
	mtspr	SPRN_IVPR, r4
	.macro	SETIVOR n, spr
	lis	r3, vec_\n@h
	ori	r3, r3, vec_\n@l
	rlwinm	r3, r3, 0, 16, 27		/* offset within the 64 KiB page */
	mtspr	\spr, r3
	.endm
	SETIVOR 0, 400
	SETIVOR 1, 401
	SETIVOR 2, 402
	SETIVOR 3, 403
	SETIVOR 4, 404
	SETIVOR 5, 405
	SETIVOR 6, 406
	SETIVOR 7, 407
	SETIVOR 8, 408
	SETIVOR 9, 409
	SETIVOR 10, 410
	SETIVOR 11, 411
	SETIVOR 12, 412
	SETIVOR 13, 413
	SETIVOR 14, 414
	SETIVOR 15, 415
	SETIVOR 36, 532
	SETIVOR 37, 533
	SETIVOR 38, 432
	SETIVOR 39, 433
	SETIVOR 40, 434
	SETIVOR 41, 435
	isync
	blr
