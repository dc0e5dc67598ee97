/* pcpu.c - what each physical CPU does: run the vCPU placed on it while its partition runs,
 * start secondary vCPUs when the guest releases them (the guest boot protocol's release: the
 * ePAPR spin table on PowerPC), else idle. */
#include <hv/arch.h>
#include <hv/arch/boot.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/gdb.h>
#include <hv/partition.h>
#include <hv/shell.h>
#include <hv/watchdog.h>

/* Idle CPUs wake this often to poll the console and guest secondary releases; arch_cpu_kick()
 * wakes them at once when a partition starts. */
#define IDLE_HZ 1000

/* While console input flows (a paste, gdb's packets through its stub) the console CPU polls
 * without sleeping until this long after the last character: the UART holds one character
 * (FIFO off) and the next one comes only once it is read, so one poll per idle period would
 * take input at one character per wake-up (docs/reliability.md L7: an 804-byte gdb packet took
 * about 8 s on a quiet host). */
#define INPUT_SPIN_HZ 200 /* 5 ms */

static struct vcpu *running[HV_NR_CPUS];
static volatile uint64_t last_wake[HV_NR_CPUS]; /* time each idle CPU last woke up */

struct vcpu *vcpu_current(void)
{
	unsigned int cpu = arch_cpu_id();

	return cpu < HV_NR_CPUS ? running[cpu] : NULL;
}

/* The vCPU placed on cpu whose partition is running or starting, or NULL. */
static struct vcpu *placed_vcpu(unsigned int cpu)
{
	for (unsigned int i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];

		if (p->state != PART_RUNNING && p->state != PART_STARTING)
			continue;
		for (unsigned int k = 0; k < p->nr_vcpus; k++)
			if (p->vcpu[k].pcpu == cpu && p->vcpu[k].state != VCPU_OFF)
				return &p->vcpu[k];
	}
	return NULL;
}

struct vcpu *pcpu_placed_vcpu(unsigned int cpu)
{
	return placed_vcpu(cpu);
}

/* The console shell runs on the lowest-numbered CPU that has no vCPU of a running
 * partition: the one CPU that is otherwise idle polls the UART. */
static unsigned int console_cpu(void)
{
	for (unsigned int cpu = 0; cpu < hv_nr_cpus; cpu++)
		if (hv_cpus[cpu].state == CPU_ONLINE && !placed_vcpu(cpu) && !running[cpu])
			return cpu;
	return 0;
}

/* The guest released secondary v (the boot protocol says how): start it there. */
static void check_spin(struct vcpu *v)
{
	uint64_t entry, arg;

	if (!guest_boot.secondary_released(v, &entry, &arg))
		return;
	/* under its partition's lock: a stop (and a new start) cannot pass in between */
	while (!arch_spin_trylock(&v->part->lock))
		arch_cpu_relax();
	if (v->part->state == PART_RUNNING && v->state == VCPU_WAIT_SPIN) {
		vcpu_arch_reset(v, entry, arg, guest_boot.secondary_ima);
		v->state = VCPU_RUNNABLE;
	}
	arch_spin_unlock(&v->part->lock);
}

static void run(unsigned int cpu, struct vcpu *v)
{
	if (!partition_vcpu_enter(v))
		return; /* a stop came first */
	running[cpu] = v;
	if (!v->index)
		partition_entered(v->part);
	gdb_vcpu_entering(v);
	vcpu_arch_run(v);
	running[cpu] = NULL;
	partition_vcpu_left(v);
}

/* Under QEMU 7.2 (TCG) an idle CPU's decrementer wake-up is occasionally lost and the CPU
 * would sleep for good. Every idle CPU that wakes kicks the idle CPUs that have not woken
 * for STALE_MS, so idle CPUs keep each other going. */
#define STALE_MS 50

static void kick_stale(unsigned int self, uint64_t now)
{
	uint64_t stale = arch_time_freq() / 1000 * STALE_MS;

	last_wake[self] = now;
	for (unsigned int cpu = 0; cpu < hv_nr_cpus; cpu++) {
		if (cpu == self || hv_cpus[cpu].state != CPU_ONLINE || running[cpu])
			continue;
		if (now - last_wake[cpu] > stale) {
			last_wake[cpu] = now;
			arch_cpu_kick(cpu);
		}
	}
}

void pcpu_loop(unsigned int cpu)
{
	uint64_t input_until = 0; /* console CPU: poll without idling until then */

	for (;;) {
		struct vcpu *v = placed_vcpu(cpu);

		if (v && v->state == VCPU_LOADING)
			partition_load(v->part);
		if (v && v->state == VCPU_WAIT_SPIN && v->part->state == PART_RUNNING)
			check_spin(v);
		if (v && v->state == VCPU_RUNNABLE && v->part->state == PART_RUNNING) {
			run(cpu, v);
			continue;
		}
		if (cpu == console_cpu()) {
			if (shell_poll())
				input_until = arch_time_now() + arch_time_freq() / INPUT_SPIN_HZ;
			gdb_poll();
			watchdog_poll();
			partitions_poll();
		}
		hv_cpus[cpu].heartbeat++;
		kick_stale(cpu, arch_time_now());
		if (cpu == console_cpu() && arch_time_now() < input_until)
			arch_cpu_relax();
		else
			arch_cpu_idle(arch_time_freq() / IDLE_HZ);
	}
}
