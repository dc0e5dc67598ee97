/* trap_frame.h - register frame saved by every exception vector (vectors.S <-> trap.c). */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#define TF_SIZE		176		/* multiple of 16, keeps the ABI stack alignment */
#define TF_GPR(n)	(8 + 4 * (n))	/* 8 .. 135 */
#define TF_CR		136
#define TF_LR		140
#define TF_CTR		144
#define TF_XER		148
#define TF_PC		152		/* SRR0, CSRR0 or MCSRR0, by vector class */
#define TF_MSR		156		/* SRR1, CSRR1 or MCSRR1 */
#define TF_ESR		160
#define TF_DEAR		164
#define TF_VEC		168		/* IVOR number */

#ifndef __ASSEMBLY__
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
