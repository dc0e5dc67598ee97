/* user.c - guest problem state for test guests: guest_run_user() runs a function with
 * MSR[PR] = 1 on its own stack, the way a guest kernel runs a user process, and returns to
 * the caller at the function's system call or at the first synchronous exception it causes
 * (E500MCRM, Interrupts and Exceptions: a base-class interrupt clears MSR[PR], saves the
 * user PC and MSR in SRR0/SRR1). See guest/user.h. */
#include <string.h>
#include <guest/user.h>
#include "frame.h"

#define USER_KSTACK_SIZE 0x2000 /* kernel-entry stack for exceptions from user mode */
#define USER_PERMS       (MAS3_UX | MAS3_UW | MAS3_UR)

/* Caller context saved by guest_user_enter (offsets in user_entry.S). */
struct user_ctx {
	uint32_t r1, r2, lr, cr;
	uint32_t r13_31[19];
};

/* One CPU's user-mode state: the saved caller, whether a run is active, how it ended, and
 * whether this CPU's image mapping already carries the user permissions. */
struct user_cpu {
	struct user_ctx ctx;
	volatile int active;
	int mapped;
	struct guest_frame exit;
};

static struct user_cpu ucpu[GUEST_MAX_CPUS];
static uint8_t ustack[GUEST_MAX_CPUS][GUEST_USER_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t kstack[GUEST_MAX_CPUS][USER_KSTACK_SIZE] __attribute__((aligned(16)));

extern char __image_start[];
int guest_user_enter(struct user_ctx *ctx, void (*fn)(void *), void *arg, uint32_t sp,
		     uint32_t msr);
void guest_user_resume(struct user_ctx *ctx, int ret) __attribute__((noreturn));

#define VEC_DECL(n) extern char guest_vec_##n[], guest_uvec_##n[]
VEC_DECL(2);
VEC_DECL(3);
VEC_DECL(4);
VEC_DECL(5);
VEC_DECL(6);
VEC_DECL(7);
VEC_DECL(8);
VEC_DECL(9);
VEC_DECL(10);
VEC_DECL(11);
VEC_DECL(13);
VEC_DECL(14);

#define IVOR_OFF(sym) ((uint32_t)(sym) - (uint32_t)__image_start)

/* Point this CPU's base-class IVORs at the user-entry (user = 1) or the normal vectors. */
static void set_vectors(int user)
{
#define SETV(n) mtspr(SPRN_IVOR0 + n, IVOR_OFF(user ? guest_uvec_##n : guest_vec_##n))
	SETV(2);
	SETV(3);
	SETV(4);
	SETV(5);
	SETV(6);
	SETV(7);
	SETV(8);
	SETV(9);
	SETV(10);
	SETV(11);
	SETV(13);
	SETV(14);
#undef SETV
	__asm__ volatile("isync" ::: "memory");
}

int guest_user_stack_cpu(uint32_t sp)
{
	uint32_t u = (uint32_t)ustack, k = (uint32_t)kstack;

	if (sp - u < sizeof(ustack))
		return (int)((sp - u) / GUEST_USER_STACK_SIZE);
	if (sp - k < sizeof(kstack))
		return (int)((sp - k) / USER_KSTACK_SIZE);
	return -1;
}

/* Add UX/UW/UR to this CPU's TLB entry that maps the image (the initial mapping). */
static void map_image_for_user(struct user_cpu *u)
{
	struct tlb_entry e;

	if (u->mapped)
		return;
	if (tlb_search((uint32_t)__image_start, 0, 0, &e) && (e.mas3 & USER_PERMS) != USER_PERMS) {
		e.mas3 |= USER_PERMS;
		tlb_write(&e);
	}
	u->mapped = 1;
}

int guest_run_user(void (*fn)(void *), void *arg)
{
	unsigned int cpu = guest_cpu_id();
	struct user_cpu *u;
	uint32_t msr = mfmsr(), frame;
	int r;

	if (cpu >= GUEST_MAX_CPUS || (msr & MSR_PR))
		return -1;
	u = &ucpu[cpu];
	if (u->active)
		return -1;
	map_image_for_user(u);
	guest_irq_disable();
	/* kernel-entry frame at the top of this CPU's kernel stack (start.S guest_uvec_n) */
	frame = (uint32_t)kstack[cpu] + USER_KSTACK_SIZE - 16 - GF_STACK;
	mtspr(SPRN_SPRG2, frame);
	set_vectors(1);
	u->active = 1;
	r = guest_user_enter(&u->ctx, fn, arg, (uint32_t)ustack[cpu] + GUEST_USER_STACK_SIZE,
			     msr | MSR_PR);
	/* back from guest_user_trap(), in kernel mode with MSR[EE] = 0 */
	mtmsr(msr);
	return r;
}

const struct guest_frame *guest_user_exit(void)
{
	unsigned int cpu = guest_cpu_id();

	return &ucpu[cpu < GUEST_MAX_CPUS ? cpu : 0].exit;
}

/* A synchronous exception from user mode, on this CPU's kernel-entry stack: record it and
 * return to guest_run_user()'s caller (0 for a system call, else the IVOR). */
void guest_user_trap(struct guest_frame *f)
{
	int cpu = guest_user_stack_cpu((uint32_t)f);
	struct user_cpu *u;

	if (cpu < 0 || !ucpu[cpu].active)
		return;
	u = &ucpu[cpu];
	memcpy(&u->exit, f, sizeof(*f));
	set_vectors(0);
	u->active = 0;
	guest_user_resume(&u->ctx, f->vec == IVOR_SYSCALL ? 0 : (int)f->vec);
}
