/* trap_frame.h - register frame saved by every exception vector (vectors.S <-> trap.c). */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#define TF_SIZE   176           /* multiple of 16, keeps the ABI stack alignment */
#define TF_GPR(n) (8 + 4 * (n)) /* 8 .. 135 */
#define TF_CR     136
#define TF_LR     140
#define TF_CTR    144
#define TF_XER    148
#define TF_PC     152 /* SRR0, CSRR0 or MCSRR0, by vector class */
#define TF_MSR    156 /* SRR1, CSRR1 or MCSRR1 */
#define TF_ESR    160
#define TF_DEAR   164
#define TF_VEC    168 /* IVOR number */

#ifdef __ASSEMBLY__
/* Reload the context saved in the frame at r1 and return to it with rfx (rfi, rfci, rfmci)
 * through the srr0/srr1 pair of that class; r1 is loaded last. Used by the exception return
 * (vectors.S) and the first entry into a guest (guest_entry.S). */
/* clang-format off */
	.macro	RETURN srr0, srr1, rfx
	lwz	r0, TF_PC(r1)
	mtspr	\srr0, r0
	lwz	r0, TF_MSR(r1)
	mtspr	\srr1, r0
	lwz	r0, TF_CR(r1)
	mtcr	r0
	lwz	r0, TF_XER(r1)
	mtxer	r0
	lwz	r0, TF_CTR(r1)
	mtctr	r0
	lwz	r0, TF_LR(r1)
	mtlr	r0
	lwz	r0, TF_GPR(0)(r1)
	lwz	r2, TF_GPR(2)(r1)
	lmw	r3, TF_GPR(3)(r1)
	lwz	r1, TF_GPR(1)(r1)
	\rfx
	.endm
/* clang-format on */
#else
#include <stdint.h>

/* Saved state of the interrupted context; trap handlers may edit it before the return. */
struct trap_frame {
	uint32_t backchain, lr_save;
	uint32_t gpr[32];
	uint32_t cr, lr, ctr, xer;
	uint32_t pc, msr, esr, dear;
	uint32_t vec, pad;
};
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap_frame layout");
#endif

#endif
