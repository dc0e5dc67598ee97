/* fp.S - a vCPU's floating-point state to and from the CPU (E500MCRM 2.4: FPR0-31, FPSCR).
 * The hypervisor is built soft-float and runs with MSR[FP] = 0; these two routines set
 * MSR[FP] only around the copy (mtmsr + isync: the FP unit is usable after the
 * context-synchronising isync, E500MCRM 2.6.1), and restore the caller's MSR.
 *
 * fp_load(r3 = const struct { u64 fpr[32]; u64 fpscr; } *), fp_save(r3 = same). */
#include <arch/spr.h>

	.machine	e500mc
	.text

	.macro	FP_ON
	mfmsr	r5
	ori	r6, r5, MSR_FP
	mtmsr	r6
	isync
	.endm

	.macro	FP_OFF
	mtmsr	r5
	isync
	.endm

	.globl	fp_load
fp_load:
	FP_ON
	lfd	0, 256(r3)		/* FPSCR first, through f0 */
	mtfsf	0xff, 0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	lfd	\n, \n*8(r3)
	.endr
	FP_OFF
	blr

	.globl	fp_save
fp_save:
	FP_ON
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stfd	\n, \n*8(r3)
	.endr
	mffs	0
	stfd	0, 256(r3)
	FP_OFF
	blr
