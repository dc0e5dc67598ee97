/* cpu.c - e500mc CPU entry from head.S, identity, time base, parking. */
#include <hv/arch.h>
#include <hv/platform.h>
#include <arch/spr.h>
#include <arch/layout.h>
#include "powerpc.h"

extern char __stacks_start[];

const char arch_name[] = "powerpc";
static uint64_t tb_freq;

/* Boot CPU, from head.S with the boot mapping in place and a stack: the platform model is
 * built from the device tree the boot loader passed (r3), then the core takes over. */
void arch_boot_cpu_entry(const void *fdt, unsigned int slot)
{
	const struct platform *plat;

	arch_install_vectors();
	plat = powerpc_platform_build(fdt);
	powerpc_mmu_init_boot(plat, slot);
	powerpc_time_init(plat);
	hv_main(plat);
}

/* Secondary CPU released from the spin table (smp.c). */
void arch_secondary_entry(unsigned int cpu, unsigned int slot)
{
	powerpc_mmu_init_secondary(slot); /* console mapped before any trap can print */
	arch_install_vectors();
	hv_secondary_main(cpu);
}

/* SPRG2 holds the top of this CPU's exception stack (head.S); the stacks are laid out per
 * CPU in link.ld order, so the CPU number follows. (SPRG3 is user-readable: it belongs to
 * the guest.) */
unsigned int arch_cpu_id(void)
{
	uintptr_t top = mfspr(SPRN_SPRG2);

	return (unsigned int)((top - (uintptr_t)__stacks_start - 1) /
			      (HV_STACK_SIZE + HV_EXC_STACK_SIZE));
}

/* Time base frequency: the boot CPU's timebase-frequency (ePAPR 3.7.1). */
void powerpc_time_init(const struct platform *plat)
{
	tb_freq = plat->nr_cpus ? plat->cpu[0].timebase_hz : 0;
}

uint64_t arch_time_now(void)
{
	uint32_t hi, lo, hi2;

	do {
		__asm__ volatile("mftbu %0; mftb %1; mftbu %2" : "=r"(hi), "=r"(lo), "=r"(hi2));
	} while (hi != hi2);
	return ((uint64_t)hi << 32) | lo;
}

uint64_t arch_time_freq(void)
{
	return tb_freq;
}

/* Park: external, critical and machine-check interrupts off, then wait forever. */
void arch_cpu_park(void)
{
	unsigned long msr = mfmsr() & ~(MSR_EE | MSR_CE | MSR_ME | MSR_DE);

	__asm__ volatile("mtmsr %0; isync" : : "r"(msr) : "memory");
	for (;;)
		__asm__ volatile("wait" ::: "memory");
}

/* Sleep until the decrementer (ticks from now) or a doorbell wakes the CPU: "wait" with
 * MSR[EE] = 1 (E500MCRM 4.9.18); the wake-up interrupt is taken by powerpc_trap() in
 * hypervisor state and simply returns. Spinning instead would starve the other emulated
 * CPUs of host time (their timers then fire hundreds of milliseconds late). */
void arch_cpu_idle(uint64_t ticks)
{
	/* TSR[DIS] is cleared before DEC is written: if DEC ran out in between, clearing it
	 * afterwards would wipe the wake-up and the CPU would sleep for good. DEC = 0 would not
	 * count at all (E500MCRM 2.8.4). */
	uint32_t dec = ticks > 0x7fffffffu ? 0x7fffffffu : ticks ? (uint32_t)ticks : 1;

	mtspr(SPRN_TSR, TSR_DIS);
	mtspr(SPRN_DECAR, dec);
	mtspr(SPRN_DEC, dec);
	/* QEMU 7.2 TCG evaluates the DEC interrupt in the timer callback (main thread) and in
	 * the TCR write (vCPU thread) without a common lock: when DEC runs out during the TCR
	 * write, both can see the old other half and the interrupt is never raised; the CPU
	 * then sits in "wait" with TSR[DIS], TCR[DIE] and MSR[EE] all set (seen with the QEMU
	 * monitor on the console CPU: the shell stopped answering about once in 200 commands).
	 * An expiry that is already visible here needs no wait. A lost one is not final either:
	 * auto-reload (TCR[ARE], DECAR; E500MCRM 2.8.4) expires DEC again every period and each
	 * expiry raises the interrupt anew, so the CPU wakes one period late at worst. Another
	 * idle CPU's kick (pcpu.c) cannot be relied on: the console CPU is often the only idle
	 * one. The wake-up handler clears TCR, which ends the reloads. */
	mtspr(SPRN_TCR, TCR_DIE | TCR_ARE);
	if (!(mfspr(SPRN_TSR) & TSR_DIS))
		__asm__ volatile("wrteei 1; wait; wrteei 0" ::: "memory");
	mtspr(SPRN_TCR, 0);
	mtspr(SPRN_TSR, TSR_DIS);
}

void arch_inject_illegal(void)
{
	__asm__ volatile(".long 0x00000000" ::: "memory"); /* primary opcode 0: illegal */
}
