/* frame.h - byte offsets of struct guest_frame (guest/guest.h) for start.S; exc.c checks
 * them against the C structure at compile time. */
#ifndef GUEST_FRAME_H
#define GUEST_FRAME_H

#define GF_GPR(n) (8 + 4 * (n)) /* 8 .. 135 */
#define GF_CR     136
#define GF_LR     140
#define GF_CTR    144
#define GF_XER    148
#define GF_PC     152
#define GF_MSR    156
#define GF_ESR    160
#define GF_DEAR   164
#define GF_VEC    168
#define GF_VCLASS 172
#define GF_SIZE   176
/* Stack taken by a vector: the frame plus 64 bytes left untouched below the interrupted
 * stack pointer (the 32-bit SysV ABI has no red zone; this is a margin). 16-byte multiple. */
#define GF_STACK  (GF_SIZE + 64)

#define GF_CLASS_STD  0 /* SRR0/SRR1, rfi */
#define GF_CLASS_CRIT 1 /* CSRR0/CSRR1, rfci */
#define GF_CLASS_MCHK 2 /* MCSRR0/MCSRR1, rfmci */

/* Stacks (guest.ld): boot CPU, then one per secondary CPU. */
#define GUEST_STACK_SIZE     0x10000
#define GUEST_SEC_STACK_SIZE 0x4000

#endif
