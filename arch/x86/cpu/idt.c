/* idt.c - the hypervisor's interrupt descriptor table: 256 interrupt gates on the stubs of
 * vectors.S, one table for every CPU. Exceptions in the hypervisor are fatal (one report,
 * the CPU parks); the local APIC timer and the kick IPI only wake a halted CPU; an I/O APIC
 * input goes to ioapic.c. */
#include <inttypes.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <arch/layout.h>
#include "x86.h"

/* A 64-bit interrupt gate (Intel SDM 3A, 6.14.1). */
struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type; /* type: P | DPL 0 | 0xe (64-bit interrupt gate) */
	uint16_t off_mid;
	uint32_t off_hi, rsvd;
};

#define GATE_INTR 0x8e

extern const uint64_t x86_vector_stubs[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));

void x86_idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	if (!idt[0].type) {
		for (int v = 0; v < 256; v++) {
			uint64_t a = x86_vector_stubs[v];

			idt[v] = (struct idt_gate){ .off_lo = (uint16_t)a,
						    .sel = HV_CS,
						    .type = GATE_INTR,
						    .off_mid = (uint16_t)(a >> 16),
						    .off_hi = (uint32_t)(a >> 32) };
		}
	}
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

static const char *const exc_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	NULL,
	"x87 error",
	"alignment check",
	"machine check",
	"SIMD error",
	"virtualization",
	"control protection",
};

/* An exception in the hypervisor itself: say where, park this CPU. */
static void fatal(const struct x86_irq_frame *f)
{
	const char *name = f->vector < 32 ? exc_names[f->vector] : NULL;
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	hv_printf("cpu %u: hypervisor exception %" PRIu64 " (%s) at rip 0x%" PRIx64
		  " error 0x%" PRIx64 " cr2 0x%" PRIx64 "\n",
		  arch_cpu_id(), f->vector, name ? name : "reserved", f->rip, f->error, cr2);
	cpu_fatal_park();
}

void x86_interrupt(struct x86_irq_frame *f)
{
	if (f->vector == VEC_TIMER || f->vector == VEC_KICK) {
		lapic_eoi();
		return;
	}
	if (f->vector == VEC_SPURIOUS ||
	    (f->vector >= VEC_PIC_BASE && f->vector < VEC_PIC_BASE + 16))
		return; /* APIC spurious; a masked 8259's spurious IRQ7/15 */
	if (f->vector == 2)
		return; /* NMI (nothing sends one; a guest's exits with it, svm.c): ignored */
	if (f->vector >= VEC_IOAPIC_BASE && f->vector < VEC_IOAPIC_BASE + IOAPIC_MAX_INPUTS) {
		x86_ioapic_interrupt((unsigned int)(f->vector - VEC_IOAPIC_BASE));
		return;
	}
	if (f->vector < 32)
		fatal(f);
	hv_printf("cpu %u: unexpected interrupt vector %" PRIu64 "\n", arch_cpu_id(), f->vector);
	lapic_eoi();
}
