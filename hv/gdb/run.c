/* run.c - run control: the stub holds a partition's vCPUs (all-stop: when one stops,
 * every vCPU of the partition is held), lets them go again, and notices breakpoint hits.
 *
 * A vCPU is held on its own CPU, at the end of a guest exit (gdb_vcpu_exit()), with its
 * registers in the trap frame it published: the console CPU asks with halt_req and a kick
 * (every guest runs with interrupts enabled in the real MSR, so the kick's doorbell brings it
 * out of guest context at once) and waits, bounded, for halted. A stop of the partition
 * releases every held vCPU (its CPU then leaves guest context as usual). */
#include <stdio.h>
#include <hv/cpu.h>
#include <hv/gdb.h>
#include "priv.h"

#define HALT_WAIT_MS 500 /* a kicked vCPU answers in far less; past it, "busy" */
#define KICK_MS      10  /* a held vCPU's CPU wakes the idle CPUs this often */

/* The stub's hold on one vCPU, written by the console CPU (halt_req, event cleared) and by
 * the vCPU's own CPU (halted, tf, event set). */
struct gdb_hold {
	volatile bool halt_req; /* the stub wants it held at its next exit */
	volatile bool halted;   /* it is held: tf is its saved state */
	struct trap_frame *volatile tf;
	volatile int event; /* signal of its own stop (a breakpoint hit), 0: none */
};

static struct gdb_hold holds[PART_MAX][PART_MAX_VCPUS];
volatile bool gdb_holds_asked; /* gdb.h: any halt_req was ever set */

static struct gdb_hold *hold_of(const struct vcpu *v)
{
	return &holds[v->part - partitions][v->index];
}

struct vcpu *gdb_thread_vcpu(struct gdb_stub *s, int idx)
{
	return idx >= 0 && (unsigned int)idx < s->part->nr_vcpus ? &s->part->vcpu[idx] : NULL;
}

/* A vCPU out of guest context for good (stopped partition, secondary not yet released) has
 * its state in its vcpu_arch frame; one in guest context only while held. */
struct trap_frame *gdb_frame(struct gdb_stub *s, struct vcpu *v)
{
	struct gdb_hold *h = hold_of(v);

	if (h->halted)
		return h->tf;
	return v->state == VCPU_RUNNING ? NULL : gdb_arch_frame(v);
}

void gdb_hold_hit(struct vcpu *v)
{
	struct gdb_hold *h = hold_of(v);

	h->event = GDB_SIGTRAP;
	gdb_holds_asked = true;
	arch_mb();
	h->halt_req = true;
}

bool gdb_trap_hit(struct vcpu *v, uint64_t pc)
{
	struct gdb_stub *s;

	for (int i = 0; (s = gdb_stub_at(i)); i++) {
		if (s->part != v->part || !gdb_bp_at(s, pc))
			continue;
		gdb_hold_hit(v);
		return true;
	}
	return false;
}

/* While held, this CPU does what an idle CPU does for the others (hv/core/pcpu.c, kick_stale()):
 * under QEMU an idle CPU's decrementer wake-up can be lost, and the console CPU, which runs
 * the stub, must keep polling. Every KICK_MS the CPUs without a vCPU are kicked. */
static void kick_idle_cpus(uint64_t *next)
{
	uint64_t now = arch_time_now();

	if (now < *next)
		return;
	*next = now + arch_time_freq() / 1000 * KICK_MS;
	for (unsigned int cpu = 0; cpu < hv_nr_cpus; cpu++)
		if (hv_cpus[cpu].state == CPU_ONLINE && !pcpu_placed_vcpu(cpu))
			arch_cpu_kick(cpu);
}

bool gdb_vcpu_hold(struct vcpu *v, struct trap_frame *tf)
{
	struct gdb_hold *h = hold_of(v);
	uint64_t next = 0;

	if (!h->halt_req)
		return false;
	h->tf = tf;
	arch_mb();
	h->halted = true;
	while (h->halt_req && v->part->state == PART_RUNNING) {
		kick_idle_cpus(&next);
		arch_cpu_relax();
	}
	h->halted = false;
	arch_mb();
	h->tf = NULL;
	return true;
}

void gdb_halt_all(struct gdb_stub *s)
{
	struct partition *p = s->part;
	uint64_t end;

	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		gdb_holds_asked = true;
		holds[p - partitions][i].halt_req = true;
		arch_mb();
		if (p->vcpu[i].state == VCPU_RUNNING)
			arch_cpu_kick(p->vcpu[i].pcpu);
	}
	end = arch_time_now() + arch_time_freq() / 1000 * HALT_WAIT_MS;
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		while (p->vcpu[i].state == VCPU_RUNNING && !holds[p - partitions][i].halted &&
		       p->state == PART_RUNNING && arch_time_now() < end)
			arch_cpu_relax();
	s->stopped = true;
	s->start_time = p->timing.start;
}

void gdb_resume(struct gdb_stub *s, int step_vcpu)
{
	struct partition *p = s->part;

	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		struct gdb_hold *h = &holds[p - partitions][i];

		h->event = 0;
		if (step_vcpu < 0 || (unsigned int)step_vcpu == i)
			h->halt_req = false;
	}
	arch_mb();
	s->start_time = p->timing.start;
	s->stopped = false;
	s->running = true;
}

/* Every vCPU goes on, no breakpoint is left in the guest. */
void gdb_detach(struct gdb_stub *s)
{
	gdb_bp_remove_kind(s, BP_FREE);
	gdb_hw_clear(s);
	gdb_resume(s, -1);
	s->running = false;
}

static void report(struct gdb_stub *s, int sig, int vcpu)
{
	gdb_bp_remove_kind(s, BP_STEP);
	s->stop_sig = sig;
	s->stop_vcpu = vcpu;
	s->gthread = s->cthread = vcpu;
	if (s->running) {
		s->running = false;
		gdb_stop_reply(s);
	}
}

void gdb_interrupt(struct gdb_stub *s)
{
	if (!s->running)
		return;
	gdb_halt_all(s);
	report(s, GDB_SIGINT, s->cthread >= 0 ? s->cthread : (int)s->first);
}

/* The partition stopped or started again under the stub: nothing is held any more (its
 * breakpoints went with the old image); gdb, if waiting, hears that the program exited. */
static void partition_changed(struct gdb_stub *s)
{
	struct partition *p = s->part;

	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		holds[p - partitions][i] = (struct gdb_hold){ 0 };
	gdb_hw_clear(s);
	s->stopped = false;
	s->start_time = p->timing.start;
	if (s->running) {
		s->running = false;
		gdb_out(s, "W%02x", (unsigned int)p->exit_code & 0xff);
		gdb_send(s);
	}
}

void gdb_check_stop(struct gdb_stub *s)
{
	struct partition *p = s->part;
	int hit = -1;

	if ((s->running || s->stopped) &&
	    (p->state == PART_STOPPED || p->timing.start != s->start_time)) {
		partition_changed(s);
		return;
	}
	for (unsigned int i = 0; i < p->nr_vcpus && hit < 0; i++)
		if (holds[p - partitions][i].event)
			hit = (int)i;
	if (hit < 0 || (s->stopped && !s->running))
		return;
	gdb_halt_all(s);
	gdb_bp_remove_kind(s, BP_START);
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		holds[p - partitions][i].event = 0;
	report(s, GDB_SIGTRAP, hit);
}

void gdb_stop_reply(struct gdb_stub *s)
{
	gdb_out(s, "T%02xthread:%x;", (unsigned int)s->stop_sig, (unsigned int)s->stop_vcpu + 1);
	gdb_send(s);
}
