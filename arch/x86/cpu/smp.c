/* smp.c - start the application processors the INIT-SIPI-SIPI way (Intel SDM 3A, 8.4.4.1;
 * the MP Specification's universal start-up algorithm): the start code of trampoline.S is
 * copied below 1 MiB, each CPU gets an INIT, then two startup IPIs whose vector is the code's
 * page number. The core starts one CPU at a time and waits until it is online
 * (cpus_start_secondaries()), so one set of trampoline data words is enough. Also the
 * hypercall instruction for guest trees. */
#include <hv/err.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/platform.h>
#include <arch/layout.h>
#include "x86.h"

extern char __stacks_start[];
extern const char x86_trampoline_start[], x86_trampoline_end[];
extern const char x86_trampoline_stack[], x86_trampoline_cpu[];

#define INIT_WAIT_US 10000 /* after INIT, before the first SIPI */
#define SIPI_WAIT_US 200   /* between the two SIPIs */

static void delay_us(uint64_t us)
{
	uint64_t t0 = rdtsc(), ticks = x86_tsc_hz() / 1000000 * us;

	while (rdtsc() - t0 < ticks)
		arch_cpu_relax();
}

/* The copy's data word at the offset sym has in the original. */
static void *tramp_word(const char *sym)
{
	return (void *)(uintptr_t)(HV_TRAMPOLINE + (sym - x86_trampoline_start));
}

int arch_cpu_start(unsigned int cpu, const struct plat_cpu *c)
{
	size_t len = (size_t)(x86_trampoline_end - x86_trampoline_start);
	uint64_t stack = (uint64_t)(uintptr_t)__stacks_start +
			 (uint64_t)cpu * (HV_STACK_SIZE + HV_EXC_STACK_SIZE) + HV_STACK_SIZE;
	uint32_t cpu32 = cpu;

	if (c->start != PLAT_START_INIT_SIPI) {
		hv_printf("cpu %u: %s: no start method the hypervisor knows\n", cpu, c->name);
		return -HV_ENODEV;
	}
	if (cpu >= HV_MAX_CPUS || len > 4096)
		return -HV_EINVAL;
	memcpy((void *)(uintptr_t)HV_TRAMPOLINE, x86_trampoline_start, len);
	memcpy(tramp_word(x86_trampoline_stack), &stack, sizeof(stack));
	memcpy(tramp_word(x86_trampoline_cpu), &cpu32, sizeof(cpu32));
	arch_mb();
	lapic_send_init(c->hw_id);
	delay_us(INIT_WAIT_US);
	for (int i = 0; i < 2; i++) {
		lapic_send_sipi(c->hw_id, HV_TRAMPOLINE >> 12);
		delay_us(SIPI_WAIT_US);
	}
	return 0;
}

/* A secondary, from trampoline.S in long mode on its own stack. */
void x86_secondary_entry(unsigned int cpu)
{
	x86_idt_init();
	lapic_init();
	hv_secondary_main(cpu);
}

/* VMMCALL (0f 01 d9) and a NOP, as one big-endian cell of /hypervisor/hcall-instructions. */
int arch_hcall_instructions(uint32_t *words, int max)
{
	if (max < 1)
		return 0;
	words[0] = 0x0f01d990;
	return 1;
}
