/* smp.c - release secondary e500mc CPUs through the ePAPR spin table (ePAPR 1.1, 5.5).
 * Each cpu node has enable-method = "spin-table" and cpu-release-addr (64-bit physical). */
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/err.h>
#include <hv/platform.h>
#include "powerpc.h"

/* ePAPR spin table entry (big-endian, 64-bit fields). */
struct spin_table {
	uint32_t entry_hi, entry_lo;
	uint32_t r3_hi, r3_lo;
	uint32_t rsvd;
	uint32_t pir;
};

int arch_cpu_start(unsigned int cpu, const struct plat_cpu *c)
{
	volatile struct spin_table *st;

	if (c->start != PLAT_START_SPIN_TABLE) {
		hv_printf("cpu %u: %s: enable-method is not \"spin-table\"\n", cpu, c->name);
		return -HV_ENODEV;
	}
	if (!c->release_ok) {
		hv_printf("cpu %u: %s: cpu-release-addr missing or not 2 cells\n", cpu, c->name);
		return -HV_EINVAL;
	}
	st = arch_ioremap(c->release_addr, sizeof(*st));
	if (!st)
		return -HV_ENOMEM;
	/* r3 and PIR first; writing entry_lo last releases the CPU (ePAPR 5.5.2). */
	st->r3_hi = 0;
	st->r3_lo = cpu;
	st->pir = c->hw_id;
	st->entry_hi = 0;
	arch_mb();
	st->entry_lo = (uint32_t)(uintptr_t)_secondary_start;
	arch_mb();
	return 0;
}

/* Processor doorbell to cpu (msgsnd, E500MCRM 4.9.19): type 0 = doorbell, PIRTAG = its PIR. */
void arch_cpu_kick(unsigned int cpu)
{
	uint32_t rb = hv_cpus[cpu].hw_id & 0x3fff;

	__asm__ volatile("msync; msgsnd %0" : : "r"(rb) : "memory");
}

int arch_hcall_instructions(uint32_t *words, int max)
{
	if (max < 1)
		return 0;
	words[0] = 0x44000022; /* sc 1 (ePAPR 1.1, B.4) */
	return 1;
}
