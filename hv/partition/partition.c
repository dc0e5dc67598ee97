/* partition.c - the partition life cycle: partitions built from the validated config by the
 * units (hv/partition/unit.c) in order; start (units' prestart, scrub, units' reset, release vCPU 0,
 * units' start), stop (vCPUs out, units' prereset, units' stopped), restart, fault. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/event.h>
#include <hv/log.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include <hv/stats.h>
#include <hv/unit.h>
#include <hv/errmgr.h>

#define IMA_MAX (64ull << 20) /* ePAPR initial mapping: at most 64 MiB */
#define STOP_SYNC_MS \
	2000               /* a stopper waits this long, then the stop goes on
					 * without it (stop_complete()) */
#define STOP_WARN_MS  5000 /* say so if a vCPU has not left by then */
#define START_WAIT_MS 200  /* a start waits this long for a stop to complete */
#define KICK_MS       10   /* kick again while waiting */

struct partition partitions[PART_MAX];
unsigned int nr_partitions;
static const struct hv_config *config;

const char *part_state_name(enum part_state s)
{
	static const char *const names[] = { "stopped", "starting", "running", "stopping" };

	return (unsigned int)s < 4 ? names[s] : "?";
}

struct partition *partition_by_id(unsigned long id)
{
	for (unsigned int i = 0; i < nr_partitions; i++)
		if ((unsigned long)partitions[i].id == id)
			return &partitions[i];
	return NULL;
}

struct partition *partition_by_name(const char *name)
{
	for (unsigned int i = 0; i < nr_partitions; i++)
		if (!strcmp(partitions[i].name, name))
			return &partitions[i];
	return NULL;
}

/* Build partition idx: its own fields, then every unit's part, in order (the units undo their
 * part themselves if one fails). */
static int create_one(int idx, const struct unit_env *env)
{
	struct partition *p = &partitions[idx];

	memset(p, 0, sizeof(*p));
	p->id = idx + 1;
	p->cfg_index = idx;
	strncpy(p->name, env->cfg->part[idx].label, sizeof(p->name) - 1);
	return units_create(p, env);
}

/* Undo every partition built so far, the last first. */
static void destroy_all(void)
{
	while (nr_partitions)
		units_destroy(&partitions[--nr_partitions]);
}

int partitions_create(const void *hw_fdt, const void *cfg_fdt, const struct hv_config *cfg)
{
	static struct unit_env env;
	int err;

	if (cfg->nr_parts > PART_MAX) {
		hv_printf("config: %d partitions; this build supports %d\n", cfg->nr_parts,
			  PART_MAX);
		return -HV_ENOSPC;
	}
	env = (struct unit_env){ .hw_fdt = hw_fdt, .cfg_fdt = cfg_fdt, .cfg = cfg };
	config = cfg;
	nr_partitions = 0;
	err = units_init(&env);
	for (int i = 0; i < cfg->nr_parts && !err; i++) {
		err = create_one(i, &env);
		if (!err)
			nr_partitions++;
	}
	if (err) {
		destroy_all(); /* the partitions built, last first, then the units' init */
		units_exit();
	}
	return err;
}

/* One console line, written at once so guest output cannot split it. */
static void report_started(const struct partition *p)
{
	char cpus[4 * PART_MAX_VCPUS + 1] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, " %u", p->vcpu[i].pcpu);
	hv_printf("partition %s: started on cpu%s%s\n", p->name, p->nr_vcpus > 1 ? "s" : "", cpus);
}

int partition_start(struct partition *p)
{
	return partition_start_at(p, 0, true);
}

void partition_hold(struct partition *p, const char *fmt, ...)
{
	va_list ap;

	if (p->held[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->held, sizeof(p->held), fmt, ap);
	va_end(ap);
	if (!p->held[0])
		strcpy(p->held, "?");
}

/* Under p->lock: may p start? Not while a vCPU is still in guest context, nor ever again once
 * its memory is held back. What its last stop left running (a deferred DMA quiesce) is made
 * safe first: the units' prestart, before any scrub. */
static int may_start(struct partition *p)
{
	if (p->state == PART_STOPPING)
		return -HV_EBUSY;
	if (p->state != PART_STOPPED)
		return -HV_EINVAL;
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		if (p->vcpu[i].state == VCPU_RUNNING)
			return -HV_EBUSY; /* still leaving guest context */
	if (!p->held[0] && units_prestart(p))
		partition_hold(p, "a reset operation failed before the start");
	if (p->held[0]) {
		hv_printf("partition %s: not started: %s; its memory is held back\n", p->name,
			  p->held);
		return -HV_EIO;
	}
	return 0;
}

/* Starting is asynchronous: the partition goes to STARTING and the physical CPU of its vCPU 0
 * does the work (partition_load()), so partitions load in parallel and the console stays
 * responsive while a large memory is scrubbed. */
static void stop_complete(struct partition *p);
static void pause(void);
static void lock(struct partition *p);

/* A start right after a stop (e.g. the operator's, after "exited with code 0") may find it
 * still completing on the CPU its last vCPU is leaving: let it finish, for START_WAIT_MS at
 * most, instead of refusing. */
static void settle_stop(struct partition *p)
{
	uint64_t ms = arch_time_freq() / 1000, t0 = arch_time_now();

	while (p->state == PART_STOPPING && arch_time_now() - t0 < ms * START_WAIT_MS) {
		stop_complete(p);
		if (p->state == PART_STOPPING)
			pause();
	}
}

int partition_start_at(struct partition *p, uint64_t entry, bool load)
{
	int err;

	settle_stop(p);
	lock(p);
	err = may_start(p);
	if (!err) {
		if (!load)
			p->entry = entry;
		p->start_load = load;
		p->timing.start = arch_time_now();
		p->vcpu[0].state = VCPU_LOADING;
		event_state(p, PART_STARTING, NULL); /* before vCPU 0's CPU can say running */
		arch_mb();
		p->state = PART_STARTING;
		arch_mb();
		if (p->vcpu[0].pcpu != arch_cpu_id())
			arch_cpu_kick(p->vcpu[0].pcpu);
	}
	arch_spin_unlock(&p->lock);
	return err;
}

/* Called by the physical CPU of vCPU 0 of a STARTING partition: scrub it (unless a manager
 * filled its memory), run the units' reset (which load it), let its vCPUs run, then the
 * units' start. */
void partition_load(struct partition *p)
{
	uint64_t ima = p->nr_mem && p->mem[0].size < IMA_MAX ? p->mem[0].size : IMA_MAX;
	bool load = p->start_load;

	p->timing.picked = arch_time_now();
	if (load && !hv_mutated("scrub"))
		guest_scrub(p);
	p->timing.scrubbed = arch_time_now();
	if (units_reset(p)) {
		p->vcpu[0].state = VCPU_OFF;
		p->state = PART_STOPPED;
		hv_printf("partition %s: not started\n", p->name);
		event_state(p, PART_STOPPED, "not started");
		return;
	}
	p->timing.loaded = arch_time_now();
	p->timing.entered = 0;
	vcpu_arch_reset(&p->vcpu[0], p->entry, p->dtb_gpa, ima);
	p->vcpu[0].state = VCPU_RUNNABLE;
	arch_mb();
	p->start_time = arch_time_now();
	p->state = PART_RUNNING;
	for (unsigned int i = 1; i < p->nr_vcpus; i++)
		if (p->vcpu[i].pcpu != arch_cpu_id())
			arch_cpu_kick(p->vcpu[i].pcpu);
	report_started(p);
	event_state(p, PART_RUNNING, NULL);
	units_start(p);
}

void partitions_autostart(void)
{
	for (unsigned int i = 0; i < nr_partitions; i++)
		if (!config->part[i].no_auto_start)
			partition_start(&partitions[i]);
}

/* Between two looks at a vCPU's state. A CPU without a vCPU of its own (the console's) sleeps
 * 20 us, which also hands the emulator's single host thread to the CPU being waited for
 * (QEMU's default round robin runs one emulated CPU at a time); a CPU in a hypercall of any
 * vCPU (a manager's, or one of p's own) spins, since the decrementer is that guest's. */
static void pause(void)
{
	if (vcpu_current())
		arch_cpu_relax();
	else
		arch_cpu_idle(arch_time_freq() / 50000);
}

/* p->lock is only ever held for a few state transitions (never across a wait), so it is
 * taken by spinning. */
static void lock(struct partition *p)
{
	while (!arch_spin_trylock(&p->lock))
		arch_cpu_relax();
}

static struct vcpu *vcpu_in_guest(struct partition *p)
{
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		if (p->vcpu[i].state == VCPU_RUNNING)
			return &p->vcpu[i];
	return NULL;
}

/* Doorbell every vCPU of a stopping p still in guest context but self. A doorbell is latched
 * by the CPU: one sent while the vCPU is still on its way into guest context is taken at
 * entry. Under QEMU a doorbell can be taken late (or, rarely, not at all) when the host is
 * busy: the console CPU kicks again every KICK_MS (partitions_poll()). */
static void kick_out(struct partition *p, const struct vcpu *self)
{
	p->stop_kicked = arch_time_now();
	if (hv_mutated("stop-no-kick"))
		return;
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		if (p->vcpu[i].state == VCPU_RUNNING && &p->vcpu[i] != self)
			arch_cpu_kick(p->vcpu[i].pcpu);
}

/* sysreset-on-partition-stop (Topaz): once no partition is running any more (each one
 * stopped, none restarting), the whole system resets. */
static void sysreset_if_idle(void)
{
	int err;

	if (!config || !config->hv.sysreset_on_stop)
		return;
	for (unsigned int i = 0; i < nr_partitions; i++)
		if (partitions[i].state != PART_STOPPED)
			return;
	hv_printf("sysreset-on-partition-stop: no partition is running: resetting the system\n");
	err = arch_system_reset(hv_platform);
	hv_printf("sysreset-on-partition-stop: %s\n",
		  err == -HV_ENODEV ? "this board has no reset "
				      "register the hypervisor knows (fsl,has-rstcr)"
				    : "the board did not reset");
}

/* The second half of every stop, run by whichever CPU first sees a STOPPING p with no vCPU
 * left in guest context: the stopper, the CPU of the last vCPU to leave, or the console
 * CPU's poll. Units' prereset, then STOPPED and the units' stopped; a restart asked with the
 * stop starts it. */
static void stop_complete(struct partition *p)
{
	const char *why;
	bool restart, exited;
	int err;

	lock(p);
	if (p->state != PART_STOPPING || vcpu_in_guest(p)) {
		arch_spin_unlock(&p->lock);
		return;
	}
	p->timing.vcpus_out = arch_time_now();
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		p->vcpu[i].state = VCPU_OFF;
	err = units_prereset(p);
	if (err)
		partition_hold(p, "a reset operation failed (error %d)", err);
	p->timing.quiesced = arch_time_now();
	why = p->stop_why;
	restart = p->stop_restart;
	exited = p->stop_exited;
	p->stop_restart = false;
	p->stop_exited = false;
	arch_mb();
	p->state = PART_STOPPED;
	arch_spin_unlock(&p->lock);
	if (exited)
		hv_printf("partition %s: exited with code %d\n", p->name, p->exit_code);
	units_stopped(p);
	if (why)
		hv_printf("partition %s: stopped (%s)\n", p->name, why);
	if (err)
		hv_printf("partition %s: memory held back: %s\n", p->name, p->held);
	event_state(p, PART_STOPPED, why);
	if (restart)
		partition_start(p);
	else
		sysreset_if_idle();
}

/* A stop never waits for a vCPU for long: a stopper that is not one of p's own vCPUs waits
 * up to STOP_SYNC_MS (so that the console's "stop" usually answers after the stop), then
 * leaves p STOPPING; the stop completes when the last vCPU leaves guest context. */
static void wait_vcpus_out(struct partition *p, const struct vcpu *self)
{
	uint64_t ms = arch_time_freq() / 1000, t0 = arch_time_now();

	if (self)
		return; /* it leaves guest context itself, right after this trap */
	while (vcpu_in_guest(p) && arch_time_now() - t0 < ms * STOP_SYNC_MS) {
		if (arch_time_now() - p->stop_kicked > ms * KICK_MS)
			kick_out(p, NULL);
		pause();
	}
	p->stop_waiter = false;
	arch_mb();
}

static int stop(struct partition *p, const char *why, bool restart, bool exited)
{
	struct vcpu *self = vcpu_current(), *left;

	if (self && self->part != p)
		self = NULL;
	lock(p);
	if (p->state != PART_RUNNING) {
		enum part_state s = p->state;

		arch_spin_unlock(&p->lock);
		return s == PART_STOPPING || s == PART_STARTING ? -HV_EBUSY : -HV_EINVAL;
	}
	p->stop_why = why;
	p->stop_restart = restart;
	p->stop_exited = exited;
	p->stop_waiter = !self; /* vCPUs leave the completion (and its line) to the stopper */
	p->stop_warned = false;
	p->timing.stop = arch_time_now();
	arch_mb();
	p->state = PART_STOPPING; /* from now on no vCPU of p enters guest context */
	arch_mb();
	arch_spin_unlock(&p->lock);
	event_state(p, PART_STOPPING, why);
	kick_out(p, self);
	wait_vcpus_out(p, self);
	left = vcpu_in_guest(p);
	if (left && left != self)
		hv_printf("partition %s: stopping: vcpu %u has not left guest context yet; the "
			  "stop completes when it does\n",
			  p->name, left->index);
	stop_complete(p);
	return 0;
}

int partition_stop(struct partition *p, const char *why)
{
	return stop(p, why, false, false);
}

/* The guest asked to stop with code: "exited with code" is printed when the stop is complete,
 * so whoever reads it (the operator, bhctl, a test) finds the partition stopped and may start
 * it again at once. A partition already stopping (its manager's stop) says so at once. */
void partition_exit(struct partition *p, int code)
{
	p->exit_code = code;
	if (stop(p, NULL, false, true))
		hv_printf("partition %s: exited with code %d\n", p->name, code);
}

bool partition_vcpu_enter(struct vcpu *v)
{
	struct partition *p = v->part;
	bool ok;

	lock(p);
	ok = p->state == PART_RUNNING && v->state == VCPU_RUNNABLE;
	if (ok)
		v->state = VCPU_RUNNING;
	arch_spin_unlock(&p->lock);
	return ok;
}

void partition_vcpu_left(struct vcpu *v)
{
	v->state = VCPU_OFF;
	arch_mb();
	if (!v->part->stop_waiter)
		stop_complete(v->part);
}

void partitions_poll(void)
{
	uint64_t ms = arch_time_freq() / 1000, now = arch_time_now();

	for (unsigned int i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];
		struct vcpu *v;

		if (p->state != PART_STOPPING)
			continue;
		v = vcpu_in_guest(p);
		if (v && !p->stop_warned && now - p->timing.stop > ms * STOP_WARN_MS) {
			p->stop_warned = true;
			hv_printf("partition %s: vcpu %u has not left guest context for %d ms "
				  "(still stopping)\n",
				  p->name, v->index, STOP_WARN_MS);
		}
		if (v && now - p->stop_kicked > ms * KICK_MS)
			kick_out(p, NULL);
		stop_complete(p);
	}
}

static unsigned long long us(uint64_t from, uint64_t to)
{
	uint64_t f = arch_time_freq();

	return f && to >= from ? (to - from) * 1000000ull / f : 0;
}

void partition_entered(struct partition *p)
{
	const struct part_timing *t = &p->timing;

	if (t->entered)
		return;
	p->timing.entered = arch_time_now();
	if (t->stop && t->stop < t->start)
		hv_log(LOG_DEBUG,
		       "partition %s: restart (us): vcpus out %llu, quiesce %llu, "
		       "start %llu, pick-up %llu, scrub %llu, load %llu, enter %llu, total %llu\n",
		       p->name, us(t->stop, t->vcpus_out), us(t->vcpus_out, t->quiesced),
		       us(t->quiesced, t->start), us(t->start, t->picked),
		       us(t->picked, t->scrubbed), us(t->scrubbed, t->loaded),
		       us(t->loaded, t->entered), us(t->stop, t->entered));
}

int partition_stop_dma(struct partition *p)
{
	int err = 0;

	if (!arch_spin_trylock(&p->lock))
		return -HV_EBUSY;
	if (p->state != PART_STOPPED)
		err = -HV_EINVAL;
	else if (units_prestart(p))
		err = -HV_EIO; /* held back: the quiesce said why */
	arch_spin_unlock(&p->lock);
	return err;
}

/* A partition that is not running, or no longer is when the stop takes its lock (its own
 * exit can win that race: docs/reliability.md L5), is started (after its stop completes). */
int partition_restart(struct partition *p)
{
	if (p->state != PART_RUNNING || stop(p, "restart", true, false))
		return partition_start(p);
	return 0;
}

void partition_fault(struct vcpu *v, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	part_stats(v->part)->faults++;
	hv_printf("partition %s: isolation fault on vcpu %u: %s\n", v->part->name, v->index, msg);
	event_fault(v->part, "isolation", (int)v->index, msg);
	errmgr_isolation(v->part, v->index, msg);
	partition_stop(v->part, "isolation fault");
	vcpu_arch_stop(v);
}
