/* exc.c - the x86 guest's exceptions and interrupts (docs/x86.md): the IDT's gates (to the
 * stubs of vectors.S), the handlers of the virtual PIC's vector 0x20 and of the local APIC
 * timer's vector 0x21 (guest_tick_start()), and the default handler, which reports an
 * unexpected exception and exits, as PowerPC's does. */
#include <stdio.h>
#include <guest/guest.h>

#define NR_VECTORS  34     /* exceptions 0-31, the external interrupt and the timer */
#define VEC_EXT     0x20   /* the virtual PIC's interrupt (docs/abi.md 1a) */
#define GATE_INTR32 0x8e00 /* present, DPL 0, 32-bit interrupt gate (SDM vol. 3A, 6.11) */

/* What trap_common saved: pushal's order reversed, then what the stub and the CPU pushed. */
struct x86_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vec, error;
	uint32_t eip, cs, eflags;
};

/* One IDT gate (SDM vol. 3A, 6.11, figure 6-2). */
struct idt_gate {
	uint16_t off_lo, sel, flags, off_hi;
};

struct idt_gate guest_idt[NR_VECTORS] __attribute__((aligned(8)));
extern const uint32_t guest_vec_entry[NR_VECTORS]; /* vectors.S: each vector's stub */
void guest_x86_tables(void);
void guest_x86_trap(struct x86_frame *f);

static void (*volatile irq_handler)(void);
static void (*volatile timer_handler)(void);

static const char *const names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FP error",
	"alignment check",
	"machine check",
	"SIMD FP",
	"virtualization",
	"control protection",
};

void guest_set_irq_handler(void (*fn)(void))
{
	irq_handler = fn;
}

void guest_x86_set_timer_handler(void (*fn)(void))
{
	timer_handler = fn;
}

/* Every vector's gate, then the tables: done on each CPU before it enables interrupts. */
void guest_x86_vectors_init(void)
{
	for (unsigned int v = 0; v < NR_VECTORS; v++) {
		uint32_t a = guest_vec_entry[v];

		guest_idt[v] = (struct idt_gate){ .off_lo = (uint16_t)a,
						  .sel = 0x08,
						  .flags = GATE_INTR32,
						  .off_hi = (uint16_t)(a >> 16) };
	}
	guest_x86_tables();
}

/* Called by trap_common with interrupts disabled (an interrupt gate). Exit code of an
 * unexpected exception: 100 + vector. */
void guest_x86_trap(struct x86_frame *f)
{
	void (*fn)(void) = irq_handler;

	if (f->vec == VEC_EXT) {
		if (fn)
			fn();
		return;
	}
	if (f->vec == GUEST_VEC_TIMER) {
		fn = timer_handler;
		if (fn)
			fn();
		guest_lapic_write(LAPIC_EOI, 0);
		return;
	}
	printf("guest: unexpected %s exception (vector %lu) at EIP 0x%08lx error 0x%08lx "
	       "EFLAGS 0x%08lx (cpu %u)\n",
	       f->vec < 32 && names[f->vec] ? names[f->vec] : "reserved", (unsigned long)f->vec,
	       (unsigned long)f->eip, (unsigned long)f->error, (unsigned long)f->eflags,
	       guest_cpu_id());
	guest_exit(100 + (int)f->vec);
}

/* guest_tick_start(): the local APIC timer, periodic, divided by 1, counting at the TSC's
 * rate (docs/x86.md, "Local APIC"); its interrupt is only acknowledged (EOI). */
void guest_tick_start(uint32_t us)
{
	guest_lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	guest_lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	guest_lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_PERIODIC | GUEST_VEC_TIMER);
	guest_lapic_write(LAPIC_TIMER_INIT, (uint32_t)guest_us_to_tb(us));
	guest_irq_enable();
}
