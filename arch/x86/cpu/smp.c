/* smp.c - secondary CPUs and the hypercall instruction. Starting application processors
 * (INIT-SIPI-SIPI through a real-mode trampoline below 1 MiB) is not implemented yet
 * (docs/x86.md): arch_cpu_start() refuses each CPU with a message, the hypervisor runs on the
 * boot CPU. */
#include <errno.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/platform.h>
#include "x86.h"

int arch_cpu_start(unsigned int cpu, const struct plat_cpu *c)
{
	hv_printf("cpu %u: %s: starting x86 application processors (INIT-SIPI) is not "
		  "implemented yet\n", cpu, c->name);
	return -ENODEV;
}

/* VMMCALL (0f 01 d9) and a NOP, as one big-endian cell of /hypervisor/hcall-instructions. */
int arch_hcall_instructions(uint32_t *words, int max)
{
	if (max < 1)
		return 0;
	words[0] = 0x0f01d990;
	return 1;
}
