/* cpu.h - the hypervisor's view of the physical CPUs of the board. */
#ifndef HV_CPU_H
#define HV_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define HV_NR_CPUS 8

/* Life of a physical CPU as the core sees it. */
enum cpu_state {
	CPU_ABSENT = 0, /* not in the hardware tree, or not started */
	CPU_STARTING,   /* released, has not reported in yet */
	CPU_ONLINE,     /* running hypervisor code */
	CPU_PARKED,     /* stopped for good after a fatal fault */
};

/* Per-CPU bookkeeping; heartbeat counts idle-loop turns so a shell can see a CPU is alive. */
struct hv_cpu {
	volatile enum cpu_state state;
	volatile uint32_t heartbeat;
	volatile bool entered;       /* reached hv_secondary_main (the start timeout ends there) */
	uint32_t hw_id;              /* the platform CPU's hw_id (PIR on PowerPC) */
	const struct plat_cpu *plat; /* its description in the platform model */
};

extern struct hv_cpu hv_cpus[HV_NR_CPUS];
extern unsigned int hv_nr_cpus;

struct platform;
struct plat_cpu;

/* Take the CPUs of the platform and release the secondaries. */
void cpus_discover(const struct platform *plat);
void cpus_start_secondaries(const struct platform *plat);

/* Mark the calling CPU parked and stop it (after a fatal fault has been reported). */
void cpu_fatal_park(void) __attribute__((noreturn));

/* Test hook (bootargs bulkhead.inject=illegal@N): CPU N runs an illegal instruction. */
extern int hv_inject_illegal_cpu;

const char *cpu_state_name(enum cpu_state s);

/* Platform description of physical CPU cpu, or NULL. */
const struct plat_cpu *hv_cpu_plat(unsigned int cpu);

#endif
