/* guest/user.h - run a function in guest problem state (user mode, MSR[PR] = 1), as a guest
 * kernel runs a user process, and get control back when it makes a system call or faults.
 *
 * The same code runs bare on QEMU ppce500 and under Bulkhead, so a test can compare what a
 * user-mode instruction does in both. While fn runs, this CPU's IVOR2-11, 13, 14 point at
 * the library's user-entry vectors, which switch to a per-CPU kernel stack (fn's r1 is never
 * trusted); the initial mapping (TLB1 entry covering the image) gets the user permissions
 * UX/UW/UR added on first use, so fn can reach the whole image. The user-entry vectors use
 * SPRG0 (scratch) and SPRG2 (this CPU's kernel-entry frame): a guest using guest_run_user()
 * must leave those two to the library. */
#ifndef GUEST_USER_H
#define GUEST_USER_H

#include <stdint.h>
#include <guest/guest.h>

#define GUEST_USER_STACK_SIZE 0x2000 /* fn's stack, per CPU */

/* Run fn(arg) in problem state on this CPU's user stack, with the caller's MSR plus PR
 * (MSR[EE] as the caller had it). Returns when fn does `sc` (system call from user mode:
 * returning from fn does one), 0, or when a synchronous exception from user mode reaches
 * the guest kernel's vector: the IVOR number (6 = program, 2 = data storage, 3 =
 * instruction storage, 13/14 = TLB miss, 5 = alignment, 7 = FP unavailable, ...). Its
 * state (SRR0, SRR1, ESR, DEAR, GPRs) is in guest_user_exit(). Asynchronous interrupts
 * (decrementer, external) taken in user mode go to their normal handlers and fn resumes.
 * Returns -1 when called from user mode or nested. */
int guest_run_user(void (*fn)(void *), void *arg);

/* This CPU's state at the end of its last guest_run_user(): pc = SRR0 (the faulting
 * instruction; for sc, the one after it), msr = SRR1 (PR = 1), esr, dear, vec, gpr[]. */
const struct guest_frame *guest_user_exit(void);

/* From fn: return to guest_run_user()'s caller now (system call 0). */
static inline void guest_user_return(void)
{
	__asm__ volatile("sc" ::: "memory");
}

/* Internal (exc.c, smp.c): a synchronous exception from user mode ends the run (no
 * return); CPU index of a user or kernel-entry stack pointer, -1 if sp is on none. */
void guest_user_trap(struct guest_frame *f);
int guest_user_stack_cpu(uint32_t sp);

#endif
