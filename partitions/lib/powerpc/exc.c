/* exc.c - C side of the guest's exception vectors: a handler per IVOR and the default
 * handler that reports an unexpected exception and exits. */
#include <stdio.h>
#include <guest/guest.h>
#include <guest/user.h>
#include "frame.h"

_Static_assert(__builtin_offsetof(struct guest_frame, cr) == GF_CR, "frame CR");
_Static_assert(__builtin_offsetof(struct guest_frame, pc) == GF_PC, "frame PC");
_Static_assert(__builtin_offsetof(struct guest_frame, vclass) == GF_VCLASS, "frame class");
_Static_assert(sizeof(struct guest_frame) == GF_SIZE, "frame size");

/* Handlers installed with guest_set_handler(), indexed by IVOR; NULL = default. Shared by
 * all CPUs (IVPR/IVORs are per CPU but point at the same stubs). */
static guest_handler_t handlers[GUEST_NR_IVORS];

static const char *const exc_names[GUEST_NR_IVORS] = {
	"critical input",
	"machine check",
	"data storage",
	"instruction storage",
	"external input",
	"alignment",
	"program",
	"floating-point unavailable",
	"system call",
	"auxiliary processor unavailable",
	"decrementer",
	"fixed-interval timer",
	"watchdog",
	"data TLB miss",
	"instruction TLB miss",
	"debug",
};

const char *guest_exc_name(unsigned int ivor)
{
	return ivor < GUEST_NR_IVORS ? exc_names[ivor] : "unknown";
}

void guest_set_handler(unsigned int ivor, guest_handler_t fn)
{
	if (ivor < GUEST_NR_IVORS)
		handlers[ivor] = fn;
}

/* guest_set_irq_handler()'s function, called from IVOR4's handler. */
static void (*volatile irq_fn)(void);

static void external(struct guest_frame *f)
{
	irq_fn();
}

void guest_set_irq_handler(void (*fn)(void))
{
	irq_fn = fn;
	guest_set_handler(IVOR_EXTERNAL, fn ? external : NULL);
}

/* Exit code of an unexpected exception: 100 + IVOR number. */
static void default_handler(struct guest_frame *f)
{
	printf("guest: unexpected %s exception at PC 0x%08lx ESR 0x%08lx DEAR 0x%08lx "
	       "MSR 0x%08lx LR 0x%08lx (cpu %u)\n",
	       guest_exc_name(f->vec), (unsigned long)f->pc, (unsigned long)f->esr,
	       (unsigned long)f->dear, (unsigned long)f->msr, (unsigned long)f->lr, guest_cpu_id());
	guest_exit(100 + (int)f->vec);
}

/* Called by start.S with the saved frame, on the interrupted stack, MSR[EE] = 0. */
void guest_exc_dispatch(struct guest_frame *f)
{
	guest_handler_t fn = f->vec < GUEST_NR_IVORS ? handlers[f->vec] : NULL;

	/* a synchronous exception taken through the user-entry vectors (its frame is on a
	 * kernel-entry stack) ends guest_run_user() (user.c) */
	if (f->vclass == GF_CLASS_STD && f->vec != IVOR_EXTERNAL && f->vec != IVOR_DECREMENTER &&
	    f->vec != IVOR_FIT && guest_user_stack_cpu((uint32_t)f) >= 0)
		guest_user_trap(f);
	if (fn)
		fn(f);
	else
		default_handler(f);
}

/* guest_tick_start(): the decrementer, auto-reloaded (TCR[ARE]); its handler acknowledges it
 * (TSR[DIS] is write-one-to-clear, E500MCRM, Register Model: TSR). */
static void tick(struct guest_frame *f)
{
	mtspr(SPRN_TSR, TSR_DIS);
}

void guest_tick_start(uint32_t us)
{
	uint32_t period = (uint32_t)guest_us_to_tb(us);

	guest_set_handler(IVOR_DECREMENTER, tick);
	mtspr(SPRN_DECAR, period);
	mtspr(SPRN_DEC, period);
	mtspr(SPRN_TSR, TSR_DIS);
	mtspr(SPRN_TCR, TCR_DIE | TCR_ARE);
	guest_irq_enable();
}
