/* trap.c - e500mc exception dispatch. Anything the hypervisor does not expect is reported
 * with the full register state, and only the CPU that took it is parked. */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/vcpu.h>
#include <hv/vpic.h>
#include <hv/arch/irqchip.h>
#include <hv/partition.h>
#include <arch/spr.h>
#include "powerpc.h"

#define IVOR_DEC      10
#define IVOR_EXTERNAL 4
#define INSN_WAIT     0x7c00007cu

/* Interrupt names by IVOR number (E500MCRM 4.9, table 4-2). */
static const char *const ivor_names[] = {
	[0] = "critical input",
	[1] = "machine check",
	[2] = "data storage",
	[3] = "instruction storage",
	[4] = "external input",
	[5] = "alignment",
	[6] = "program",
	[7] = "floating-point unavailable",
	[8] = "system call",
	[9] = "APU unavailable",
	[10] = "decrementer",
	[11] = "fixed-interval timer",
	[12] = "watchdog",
	[13] = "data TLB error",
	[14] = "instruction TLB error",
	[15] = "debug",
	[32] = "SPE/AltiVec unavailable",
	[33] = "SPE data",
	[34] = "SPE round",
	[35] = "performance monitor",
	[36] = "processor doorbell",
	[37] = "processor doorbell critical",
	[38] = "guest doorbell",
	[39] = "guest doorbell critical",
	[40] = "hypervisor system call",
	[41] = "hypervisor privilege",
};

static const char *ivor_name(unsigned int v)
{
	if (v < sizeof(ivor_names) / sizeof(ivor_names[0]) && ivor_names[v])
		return ivor_names[v];
	return "unknown";
}

static void dump_frame(const struct trap_frame *tf)
{
	hv_printf("  PC  %08x  MSR %08x  ESR %08x  DEAR %08x\n", (unsigned)tf->pc,
		  (unsigned)tf->msr, (unsigned)tf->esr, (unsigned)tf->dear);
	hv_printf("  LR  %08x  CR  %08x  CTR %08x  XER  %08x\n", (unsigned)tf->lr, (unsigned)tf->cr,
		  (unsigned)tf->ctr, (unsigned)tf->xer);
	for (int i = 0; i < 32; i += 4)
		hv_printf("  r%-2d %08x %08x %08x %08x\n", i, (unsigned)tf->gpr[i],
			  (unsigned)tf->gpr[i + 1], (unsigned)tf->gpr[i + 2],
			  (unsigned)tf->gpr[i + 3]);
}

static void external_in_hypervisor(void)
{
	struct vcpu *pv = pcpu_placed_vcpu(arch_cpu_id());

	if (pv) {
		vpic_external(pv);
	} else if (irqchip_arch_ack() != IRQCHIP_NONE) {
		irqchip_arch_eoi();
	}
}

void powerpc_trap(struct trap_frame *tf, unsigned int vclass)
{
	struct vcpu *v = vcpu_current();

	if ((tf->msr & MSR_PR) && v) {
		guest_trap(v, tf);
		return;
	}
	if (tf->vec == IVOR_DEC || tf->vec == IVOR_DOORBELL || tf->vec == IVOR_EXTERNAL) {
		/* Wake-up from arch_cpu_idle(): ack the decrementer (doorbells need nothing); a
		 * device interrupt becomes pending for the vCPU placed on this CPU (delivered when
		 * it enters the guest), or is ended if there is none. If it arrived between
		 * "wrteei 1" and "wait", step over the wait, or the CPU would sleep with its
		 * wake-up already consumed. */
		if (tf->vec == IVOR_EXTERNAL)
			external_in_hypervisor();
		mtspr(SPRN_TSR, 0x08000000u);
		mtspr(SPRN_TCR, 0);
		if (*(const uint32_t *)(uintptr_t)tf->pc == INSN_WAIT)
			tf->pc += 4;
		tf->msr &= ~MSR_EE;
		return;
	}
	console_fatal_begin(); /* one report, never captured, even if this CPU held the console */
	hv_printf("cpu %u: unexpected %s exception (IVOR%u) in the hypervisor\n", arch_cpu_id(),
		  ivor_name(tf->vec), (unsigned)tf->vec);
	dump_frame(tf);
	cpu_fatal_park();
}
