/* exit_names.c - names of the e500mc exception numbers (IVORn) a guest exit is counted by,
 * for the shell's stats (E500MCRM 4.7: interrupt vector offset registers). */
#include <stddef.h>
#include <hv/arch.h>

static const char *const names[] = {
	[0] = "critical",
	[1] = "machine-check",
	[2] = "data-storage",
	[3] = "instruction-storage",
	[4] = "external",
	[5] = "alignment",
	[6] = "program",
	[7] = "fp-unavailable",
	[8] = "system-call",
	[9] = "ap-unavailable",
	[10] = "decrementer",
	[11] = "fixed-interval-timer",
	[12] = "watchdog",
	[13] = "data-tlb-miss",
	[14] = "instruction-tlb-miss",
	[15] = "debug",
	[35] = "performance-monitor",
	[36] = "doorbell",
	[37] = "doorbell-critical",
	[38] = "guest-doorbell",
	[39] = "guest-doorbell-critical",
	[40] = "hypercall",
	[41] = "hypervisor-privilege",
};

const char *arch_exit_name(unsigned int n)
{
	return n < sizeof(names) / sizeof(names[0]) ? names[n] : NULL;
}
