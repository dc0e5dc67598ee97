/* cpu.c - discover the board's CPUs, bring the secondaries up, park a CPU after a fault. */
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include <hv/shell.h>

#define START_TIMEOUT_MS 1000

struct hv_cpu hv_cpus[HV_NR_CPUS];
unsigned int hv_nr_cpus;
int hv_inject_illegal_cpu = -1;

const char *cpu_state_name(enum cpu_state s)
{
	static const char *const names[] = { "absent", "starting", "online", "parked" };

	return (unsigned int)s < 4 ? names[s] : "?";
}

_Static_assert(PLAT_MAX_CPUS == HV_NR_CPUS, "the platform describes the CPUs the core runs");

/* CPUs are numbered in the platform's order; the first one is the boot CPU. */
void cpus_discover(const struct platform *plat)
{
	for (unsigned int i = 0; i < plat->nr_cpus; i++) {
		hv_cpus[i].plat = &plat->cpu[i];
		hv_cpus[i].hw_id = plat->cpu[i].hw_id;
	}
	hv_nr_cpus = plat->nr_cpus;
	if (plat->cpus_dropped)
		hv_printf("cpus: more than %d CPUs in the hardware tree; the rest stay off\n",
			  HV_NR_CPUS);
}

static int wait_online(unsigned int cpu)
{
	uint64_t t0 = arch_time_now(), limit = arch_time_freq() / 1000 * START_TIMEOUT_MS;

	/* Only the start itself is timed: once the CPU runs hypervisor code, its "online" line
	 * may wait behind other CPUs' output (a fatal report) for as long as that takes. */
	while (hv_cpus[cpu].state == CPU_STARTING) {
		if (limit && !hv_cpus[cpu].entered && arch_time_now() - t0 > limit)
			return -HV_ETIMEDOUT;
		arch_cpu_relax();
	}
	return 0;
}

void cpus_start_secondaries(const struct platform *plat)
{
	for (unsigned int cpu = 1; cpu < hv_nr_cpus; cpu++) {
		hv_cpus[cpu].state = CPU_STARTING;
		arch_mb();
		if (arch_cpu_start(cpu, hv_cpus[cpu].plat)) {
			hv_cpus[cpu].state = CPU_ABSENT;
			continue;
		}
		if (wait_online(cpu)) {
			hv_printf("cpu %u: did not come online within %d ms\n", cpu,
				  START_TIMEOUT_MS);
			hv_cpus[cpu].state = CPU_ABSENT;
		}
	}
}

void hv_secondary_main(unsigned int cpu)
{
	hv_cpus[cpu].entered = true;
	arch_mb();
	/* Say so before the boot CPU sees it: every "online" line precedes "hypervisor ready". */
	hv_printf("cpu %u online\n", cpu);
	arch_mb();
	hv_cpus[cpu].state = CPU_ONLINE;
	if (hv_inject_illegal_cpu == (int)cpu)
		arch_inject_illegal();
	pcpu_loop(cpu);
}

void cpu_fatal_park(void)
{
	unsigned int cpu = arch_cpu_id();

	console_fatal_begin(); /* the report (begun by the caller, if any) ends with this line */
	if (cpu < HV_NR_CPUS)
		hv_cpus[cpu].state = CPU_PARKED;
	hv_printf("cpu %u parked\n", cpu);
	shell_fatal();
	console_fatal_end();
	arch_cpu_park();
}

const struct plat_cpu *hv_cpu_plat(unsigned int cpu)
{
	return cpu < hv_nr_cpus ? hv_cpus[cpu].plat : NULL;
}
