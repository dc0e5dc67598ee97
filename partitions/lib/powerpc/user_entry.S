/* user_entry.S - enter guest problem state for guest_run_user() and come back (user.c).
 *
 * guest_user_enter(ctx, fn, arg, sp, msr): save the caller's non-volatile registers in ctx
 * (struct user_ctx, offsets below), then rfi to guest_user_tramp with SRR1 = msr (PR = 1),
 * r1 = sp, r3 = arg, r4 = fn. The trampoline calls fn and makes a system call when fn
 * returns. guest_user_resume(ctx, ret), called from a kernel-mode exception handler, restores
 * the saved registers and returns ret from guest_user_enter (the handler's frame is dropped).
 * The user-entry vectors themselves are in start.S (guest_uvec_n). */
#include <guest/spr.h>

#define UC_R1	0
#define UC_R2	4
#define UC_LR	8
#define UC_CR	12
#define UC_R13	16	/* r13 .. r31 */

	.text
	.globl	guest_user_enter
guest_user_enter:
	stw	r1, UC_R1(r3)
	stw	r2, UC_R2(r3)
	mflr	r0
	stw	r0, UC_LR(r3)
	mfcr	r0
	stw	r0, UC_CR(r3)
	stmw	r13, UC_R13(r3)
	lis	r8, guest_user_tramp@ha
	addi	r8, r8, guest_user_tramp@l
	mtspr	SPRN_SRR0, r8
	mtspr	SPRN_SRR1, r7
	mr	r1, r6
	li	r0, 0
	stwu	r0, -16(r1)		/* terminate the back chain */
	mr	r3, r5
	rfi				/* r4 = fn */

guest_user_tramp:			/* problem state from here */
	mtctr	r4
	bctrl
	sc				/* fn returned: back to the caller */
	b	.

	.globl	guest_user_resume
guest_user_resume:
	lwz	r1, UC_R1(r3)
	lwz	r2, UC_R2(r3)
	lwz	r0, UC_LR(r3)
	mtlr	r0
	lwz	r0, UC_CR(r3)
	mtcr	r0
	lmw	r13, UC_R13(r3)
	mr	r3, r4
	blr
