/* partition.c - partitions built from the validated config: memory map, vCPUs on their
 * physical CPUs, handles; start (scrub, load, device tree, release vCPU 0), stop, fault. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/guest_tree.h>
#include <hv/image.h>
#include <hv/log.h>
#include <hv/manager.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/watchdog.h>

#define IMA_MAX		(64ull << 20)	/* ePAPR initial mapping: at most 64 MiB */
#define SPIN_ENTRY_SIZE	32		/* ePAPR spin table entry (5.5.2), 8-byte aligned */
#define DEFAULT_DTB	0x10000ull	/* dtb window when the config names none */
#define STOP_SYNC_MS	2000	/* a stopper waits this long, then the stop goes on
					 * without it (stop_complete()) */
#define STOP_WARN_MS	5000		/* say so if a vCPU has not left by then */
#define START_WAIT_MS	200		/* a start waits this long for a stop to complete */
#define KICK_MS		10		/* kick again while waiting */

struct partition partitions[PART_MAX];
unsigned int nr_partitions;
static const void *hw_tree, *cfg_tree;
static const struct hv_config *config;

const char *part_state_name(enum part_state s)
{
	static const char *const names[] = { "stopped", "starting", "running", "stopping" };

	return (unsigned int)s < 4 ? names[s] : "?";
}

struct partition *partition_by_name(const char *name)
{
	for (unsigned int i = 0; i < nr_partitions; i++)
		if (!strcmp(partitions[i].name, name))
			return &partitions[i];
	return NULL;
}

static int pcpu_of_hw_id(unsigned int hw_id)
{
	for (unsigned int c = 0; c < hv_nr_cpus; c++)
		if (hv_cpus[c].hw_id == hw_id)
			return (int)c;
	return -1;
}

/* One vCPU per hardware CPU id set in cpus (bit n = /cpus reg n, n < CFG_MAX_CPUS = 64, the
 * config's whole range), in id order. */
static int setup_vcpus(struct partition *p, uint64_t cpus)
{
	for (unsigned int hw = 0; hw < CFG_MAX_CPUS; hw++) {
		int pcpu = (cpus >> hw) & 1 ? pcpu_of_hw_id(hw) : -2;

		if (pcpu == -2)
			continue;
		if (pcpu < 0 || p->nr_vcpus == PART_MAX_VCPUS) {
			hv_printf("partition %s: CPU %u cannot be used\n", p->name, hw);
			return -EINVAL;
		}
		p->vcpu[p->nr_vcpus] = (struct vcpu){ .part = p, .index = p->nr_vcpus,
						      .pcpu = (unsigned int)pcpu };
		p->nr_vcpus++;
	}
	return 0;
}

_Static_assert(CFG_MAX_CPUS <= 64 && sizeof(((struct cfg_partition *)0)->cpus) * 8 >= CFG_MAX_CPUS,
	       "a partition's CPU mask holds every CPU id the config allows");

static void setup_memory(struct partition *p, const struct hv_config *cfg, int idx)
{
	for (int g = 0; g < cfg->nr_gpmas && p->nr_mem < PART_MAX_MEM; g++) {
		const struct cfg_gpma *gm = &cfg->gpma[g];
		const struct cfg_pma *pma = &cfg->pma[gm->pma];

		if (gm->part != idx)
			continue;
		p->mem[p->nr_mem++] = (struct part_mem){ .gpa = gm->guest, .hpa = pma->phys.base,
							 .size = pma->phys.size,
							 .shared = pma->shared };
	}
}

/* The dtb window, with the secondaries' spin-table entries at its end. */
static void setup_dtb_window(struct partition *p, const struct cfg_partition *cp)
{
	if (cp->has_dtb_window) {
		p->dtb_gpa = cp->dtb_window.base;
		p->dtb_size = cp->dtb_window.size;
	} else if (p->nr_mem) {
		p->dtb_gpa = p->mem[0].gpa + p->mem[0].size - DEFAULT_DTB;
		p->dtb_size = DEFAULT_DTB;
	}
	for (unsigned int i = 1; i < p->nr_vcpus; i++)
		p->vcpu[i].spin_gpa = p->dtb_gpa + p->dtb_size - SPIN_ENTRY_SIZE * i;
}

/* aliases { stdout = <&channel>; } names the console byte channel. */
static int stdout_cfg_bc(const void *cfg_fdt, const struct hv_config *cfg, int aliases)
{
	int len, node;
	const fdt32_t *ph = aliases < 0 ? NULL : fdt_getprop(cfg_fdt, aliases, "stdout", &len);

	if (!ph || len != 4)
		return -1;
	node = fdt_node_offset_by_phandle(cfg_fdt, fdt32_to_cpu(*ph));
	for (int i = 0; i < cfg->nr_bcs; i++)
		if (cfg->bc[i].node == node)
			return i;
	return -1;
}

static int add_channels(struct partition *p, int idx, const struct hv_config *cfg,
			const void *cfg_fdt)
{
	int out = stdout_cfg_bc(cfg_fdt, cfg, cfg->part[idx].aliases);

	p->stdout_handle = -1;
	for (int i = 0; i < cfg->nr_bcs; i++) {
		struct byte_chan *c = cfg->bc[i].owner == idx ? byte_chan_of_cfg(i) : NULL;
		int h = c ? handle_add(p, &c->handle) : 0;

		if (h < 0)
			return h;
		if (c && i == out)
			p->stdout_handle = h;
	}
	return 0;
}

/* A partition's byte channel gets its rx and tx interrupts; when the virtual PIC is full the
 * channel works without (its guest polls), and the console says so. */
static void add_channel_irqs(struct partition *p, int cfg_bc)
{
	struct byte_chan *c = byte_chan_of_cfg(cfg_bc);

	if (c && byte_chan_irqs_create(c, p))
		hv_printf("partition %s: no interrupts for byte channel %s (the virtual PIC is "
			  "full): its guest must poll it\n", p->name,
			  fdt_get_name(cfg_tree, config->bc[cfg_bc].node, NULL));
}

static int create_one(int idx, const void *cfg_fdt, const struct hv_config *cfg)
{
	struct partition *p = &partitions[idx];
	const struct cfg_partition *cp = &cfg->part[idx];

	memset(p, 0, sizeof(*p));
	p->id = idx + 1;
	p->cfg_index = idx;
	strncpy(p->name, cp->label, sizeof(p->name) - 1);
	if (setup_vcpus(p, cp->cpus))
		return -EINVAL;
	setup_memory(p, cfg, idx);
	setup_dtb_window(p, cp);
	p->wd_timeout_ms = cp->watchdog_ms;
	p->wd_timeout = arch_time_freq() / 1000 * cp->watchdog_ms;
	p->wd_action = cp->watchdog_action;
	return 0;
}

int partitions_create(const void *hw_fdt, const void *cfg_fdt, const struct hv_config *cfg)
{
	if (cfg->nr_parts > PART_MAX) {
		hv_printf("config: %d partitions; this build supports %d\n", cfg->nr_parts, PART_MAX);
		return -ENOSPC;
	}
	hw_tree = hw_fdt;
	cfg_tree = cfg_fdt;
	config = cfg;
	for (int i = 0; i < cfg->nr_parts; i++)
		if (create_one(i, cfg_fdt, cfg))
			return -EINVAL;
	nr_partitions = (unsigned int)cfg->nr_parts;
	if (byte_chans_create(cfg))
		return -ENOSPC;
	for (int i = 0; i < cfg->nr_parts; i++)
		if (add_channels(&partitions[i], i, cfg, cfg_fdt))
			return -ENOSPC;
	if (manager_handles_create(cfg))
		return -ENOSPC;
	for (int i = 0; i < cfg->nr_bcs; i++)	/* after every other handle: numbers unchanged */
		if (cfg->bc[i].owner >= 0)
			add_channel_irqs(&partitions[cfg->bc[i].owner], i);
	return 0;
}

/* The guest tree is a function of the config alone: built at the first start, kept packed,
 * and copied into the partition at every start. */
static int build_tree(struct partition *p)
{
	void *buf = malloc((size_t)p->dtb_size), *kept;
	int err = buf ? guest_tree_build(p, hw_tree, cfg_tree, config, buf, (size_t)p->dtb_size)
		      : -FDT_ERR_NOSPACE;

	if (err) {
		hv_printf("partition %s: cannot build its device tree: %s\n", p->name,
			  fdt_strerror(err));
		free(buf);
		return err;
	}
	kept = malloc(fdt_totalsize(buf));	/* keep what it needs, not the whole window */
	if (kept) {
		memcpy(kept, buf, fdt_totalsize(buf));
		free(buf);
	}
	p->tree = kept ? kept : buf;
	return 0;
}

static int load_tree(struct partition *p)
{
	if (!p->tree && build_tree(p))
		return -EINVAL;
	return guest_write(p, p->dtb_gpa, p->tree, fdt_totalsize(p->tree)) ? -EFAULT : 0;
}

/* ePAPR spin table entries start "not released": entry_addr = 1. */
static void init_spin_table(struct partition *p)
{
	for (unsigned int i = 1; i < p->nr_vcpus; i++) {
		uint32_t e[8] = { 0, cpu_to_fdt32(1), 0, 0, 0, cpu_to_fdt32(i), 0, 0 };

		guest_write(p, p->vcpu[i].spin_gpa, e, sizeof(e));
		p->vcpu[i].state = VCPU_WAIT_SPIN;
	}
}

static int load_image(struct partition *p)
{
	const struct cfg_partition *cp = &config->part[p->cfg_index];
	const char *why;
	int err;

	if (!cp->has_image) {
		hv_printf("partition %s: no guest-image to start\n", p->name);
		return -ENOENT;
	}
	err = image_load(p, cp->image_src, cp->image_size, cp->image_guest, &p->entry, &why);
	if (err) {
		hv_printf("partition %s: guest-image at 0x%llx: %s\n", p->name,
			  (unsigned long long)cp->image_src, why);
		return err;
	}
	/* linux-rootfs (an initramfs): copied as it is; /chosen names it (guest_tree.c) */
	if (cp->has_rootfs && guest_write(p, cp->rootfs_guest,
					  (const void *)(uintptr_t)cp->rootfs_src.base,
					  (size_t)cp->rootfs_src.size)) {
		hv_printf("partition %s: linux-rootfs does not fit in the partition's memory\n",
			  p->name);
		return -EFAULT;
	}
	return 0;
}

/* One console line, written at once so guest output cannot split it. */
static void report_started(const struct partition *p)
{
	char cpus[4 * PART_MAX_VCPUS + 1] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, " %u", p->vcpu[i].pcpu);
	hv_printf("partition %s: started on cpu%s%s\n", p->name, p->nr_vcpus > 1 ? "s" : "",
		  cpus);
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
 * safe first: the handles' prestart, before any scrub. */
static int may_start(struct partition *p)
{
	if (p->state == PART_STOPPING)
		return -EBUSY;
	if (p->state != PART_STOPPED)
		return -EINVAL;
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		if (p->vcpu[i].state == VCPU_RUNNING)
			return -EBUSY;	/* still leaving guest context */
	if (!p->held[0] && handles_prestart(p))
		partition_hold(p, "a reset operation failed before the start");
	if (p->held[0]) {
		hv_printf("partition %s: not started: %s; its memory is held back\n", p->name,
			  p->held);
		return -EIO;
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
		arch_mb();
		p->state = PART_STARTING;
		arch_mb();
		if (p->vcpu[0].pcpu != arch_cpu_id())
			arch_cpu_kick(p->vcpu[0].pcpu);
	}
	arch_spin_unlock(&p->lock);
	return err;
}

/* Called by the physical CPU of vCPU 0 of a STARTING partition: scrub and load it (unless a
 * manager filled its memory), build its tree, and let its vCPUs run. */
void partition_load(struct partition *p)
{
	uint64_t ima = p->nr_mem && p->mem[0].size < IMA_MAX ? p->mem[0].size : IMA_MAX;
	bool load = p->start_load;

	p->timing.picked = arch_time_now();
	if (load && !hv_mutated("scrub"))
		guest_scrub(p);
	p->timing.scrubbed = arch_time_now();
	handles_postreset(p);
	if ((load && load_image(p)) || load_tree(p)) {
		p->vcpu[0].state = VCPU_OFF;
		p->state = PART_STOPPED;
		hv_printf("partition %s: not started\n", p->name);
		return;
	}
	init_spin_table(p);
	watchdog_reset(p);
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
	manager_notify(p);
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

/* The second half of every stop, run by whichever CPU first sees a STOPPING p with no vCPU
 * left in guest context: the stopper, the CPU of the last vCPU to leave, or the console
 * CPU's poll. Handles' prereset, then STOPPED; a restart asked with the stop starts it. */
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
	err = handles_prereset(p);
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
	manager_notify(p);
	if (why)
		hv_printf("partition %s: stopped (%s)\n", p->name, why);
	if (err)
		hv_printf("partition %s: memory held back: %s\n", p->name, p->held);
	if (restart)
		partition_start(p);
}

/* A stop never waits for a vCPU for long: a stopper that is not one of p's own vCPUs waits
 * up to STOP_SYNC_MS (so that the console's "stop" usually answers after the stop), then
 * leaves p STOPPING; the stop completes when the last vCPU leaves guest context. */
static void wait_vcpus_out(struct partition *p, const struct vcpu *self)
{
	uint64_t ms = arch_time_freq() / 1000, t0 = arch_time_now();

	if (self)
		return;		/* it leaves guest context itself, right after this trap */
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
		return s == PART_STOPPING || s == PART_STARTING ? -EBUSY : -EINVAL;
	}
	p->stop_why = why;
	p->stop_restart = restart;
	p->stop_exited = exited;
	p->stop_waiter = !self;	/* vCPUs leave the completion (and its line) to the stopper */
	p->stop_warned = false;
	p->timing.stop = arch_time_now();
	arch_mb();
	p->state = PART_STOPPING;	/* from now on no vCPU of p enters guest context */
	arch_mb();
	arch_spin_unlock(&p->lock);
	kick_out(p, self);
	wait_vcpus_out(p, self);
	left = vcpu_in_guest(p);
	if (left && left != self)
		hv_printf("partition %s: stopping: vcpu %u has not left guest context yet; the "
			  "stop completes when it does\n", p->name, left->index);
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
				  "(still stopping)\n", p->name, v->index, STOP_WARN_MS);
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
		hv_log(LOG_DEBUG, "partition %s: restart (us): vcpus out %llu, quiesce %llu, "
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
		return -EBUSY;
	if (p->state != PART_STOPPED)
		err = -EINVAL;
	else if (handles_prestart(p))
		err = -EIO;	/* held back: the quiesce said why */
	arch_spin_unlock(&p->lock);
	return err;
}

int partition_restart(struct partition *p)
{
	return p->state == PART_RUNNING ? stop(p, "restart", true, false) : partition_start(p);
}

void partition_fault(struct vcpu *v, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->part->faults++;
	hv_printf("partition %s: isolation fault on vcpu %u: %s\n", v->part->name, v->index, msg);
	partition_stop(v->part, "isolation fault");
	vcpu_arch_stop(v);
}
