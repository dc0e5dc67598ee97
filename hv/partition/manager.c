/* manager.c - FSL partition-management hypercalls (Linux fsl_hcalls.h numbering): a manager
 * partition gets one handle per partition its config names (managed-partition) and may ask
 * for its status, start, stop, restart it, and copy memory into or out of it. A partition
 * without such a handle cannot name another partition at all. */
#include <string.h>
#include <libfdt.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/handle.h>
#include <hv/iommu.h>
#include <hv/manager.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/unit.h>
#include <hv/vpic.h>

#define MAX_MANAGED          32
#define SELF                 0xffffffffUL /* "the caller's own partition": MEMCPY, STOP, RESTART */
#define SG_ENTRY_SIZE        32           /* struct fh_sg_list: source, target, size, reserved */
#define MEMCPY_CHUNK         4096
#define MEMCPY_SLICE         (64u << 10) /* bytes one PARTITION_MEMCPY call copies at most */
#define MEMCPY_SLICE_ENTRIES 64          /* list entries one call looks at, at most */

/* One manager -> managed link, reachable through the manager's handle table, with its
 * state-change doorbell: a software vPIC source of the manager raised whenever the managed
 * partition starts or stops (Topaz/Linux "fsl,hv-state-change-doorbell", a child of the
 * partition handle's node, so that Linux's fsl_hypervisor driver knows whose state changed)
 * or has a DMA access blocked (Bulkhead's addition: GET_STATUS r5 tells which). Set at boot,
 * read-only afterwards. */
struct managed {
	struct handle handle;
	struct partition *target;
	struct partition *manager;
	struct vpic_irq *doorbell;
	int doorbell_handle;
};

static struct managed links[MAX_MANAGED];
static int nr_links;

int manager_doorbell_handle(const struct handle *h)
{
	return ((const struct managed *)h->obj)->doorbell_handle;
}

void manager_notify(const struct partition *target)
{
	for (int i = 0; i < nr_links; i++)
		if (links[i].target == target && links[i].doorbell)
			vpic_soft_raise(links[i].doorbell);
}

/* The manager unit's create: p gets one handle (and doorbell) per partition it manages, in
 * config order. */
static int manager_create(struct partition *p, const struct unit_env *env)
{
	const struct hv_config *cfg = env->cfg;

	for (int i = 0; i < cfg->nr_managers; i++) {
		struct managed *m;

		if (cfg->manager[i].manager != p->cfg_index)
			continue;
		if (nr_links == MAX_MANAGED) {
			hv_printf("config: more than %d managed-partition links\n", MAX_MANAGED);
			return -HV_ENOSPC;
		}
		m = &links[nr_links++];
		m->target = &partitions[cfg->manager[i].managed];
		m->manager = p;
		m->handle = (struct handle){ HANDLE_PARTITION, NULL, m };
		if (handle_add(m->manager, &m->handle) < 0)
			return -HV_ENOSPC;
		m->doorbell_handle = vpic_soft_create(m->manager, &m->doorbell, false);
		if (m->doorbell_handle < 0)
			return -HV_ENOSPC;
	}
	return 0;
}

const struct partition *manager_handle_target(const struct handle *h)
{
	return ((const struct managed *)h->obj)->target;
}

/* The managed partition behind the caller's handle reg[0], or NULL (EV_EINVAL set). */
static struct partition *target_arg(struct vcpu *v, struct hcall_regs *r, unsigned long n)
{
	struct handle *h = handle_get(v->part, n, HANDLE_PARTITION);

	if (!h && hv_mutated("manage-unchecked") && n < nr_partitions)
		return &partitions[n]; /* negative control: a handle taken as a partition index */
	if (!h) {
		r->reg[0] = EV_EINVAL;
		part_stats(v->part)->bad_hcalls++;
		return NULL;
	}
	return ((struct managed *)h->obj)->target;
}

/* The target of a status, stop or restart: a managed partition, or the caller itself for
 * handle -1 (SELF), as Topaz allows and Linux's fsl_hv_halt()/fsl_hv_restart() use for
 * "halt"/"reboot" (arch/powerpc/sysdev/fsl_soc.c). Stopping or restarting itself gives a
 * partition no power it lacks: it can already stop itself (BH_GUEST_EXIT, a fault). */
static struct partition *self_or_target(struct vcpu *v, struct hcall_regs *r)
{
	if (r->reg[0] == SELF && !hv_mutated("self-handle"))
		return v->part;
	return target_arg(v, r, r->reg[0]);
}

/* A life-cycle operation's result as the guest's status: -HV_EINVAL is "not in a state
 * that allows it", -HV_EBUSY "held by another operation, try again". */
static unsigned long ev_of(int err)
{
	static const struct ev_status map[] = {
		{ -HV_EINVAL, EV_INVALID_STATE },
		{ -HV_EBUSY, EV_EAGAIN },
		{ -HV_EIO, EV_EIO },
	};

	return hv_err_to_ev(err, map, sizeof(map) / sizeof(map[0]), EV_CONFIG);
}

/* in: handle; out: status, FH_PARTITION_*, DMA faults recorded for the partition since boot
 * (r5: a Bulkhead addition; Linux's fh_partition_get_status() ignores it) */
void hc_partition_get_status(struct vcpu *v, struct hcall_regs *r)
{
	static const unsigned long map[] = {
		[PART_STOPPED] = FH_PARTITION_STOPPED,
		[PART_STARTING] = FH_PARTITION_STARTING,
		[PART_RUNNING] = FH_PARTITION_RUNNING,
		[PART_STOPPING] = FH_PARTITION_STOPPING,
	};
	struct partition *p = self_or_target(v, r);

	if (!p)
		return;
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = map[p->state];
	r->reg[2] = iommu_fault_total(p);
}

/* in: handle, entry point (guest physical of the target), load (non-zero: reload the
 * config's images; zero: start what the manager put there, e.g. with PARTITION_MEMCPY) */
void hc_partition_start(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *p = target_arg(v, r, r->reg[0]);

	if (p)
		r->reg[0] = ev_of(partition_start_at(p, r->reg[1], r->reg[2] != 0));
}

void hc_partition_stop(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *p = self_or_target(v, r);

	if (p)
		r->reg[0] = ev_of(partition_stop(p, p == v->part ? "stopped itself"
								 : "stopped by its manager"));
}

void hc_partition_restart(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *p = self_or_target(v, r);

	if (p)
		r->reg[0] = ev_of(partition_restart(p));
}

/* in: handle of a stopped partition; its DMA left running by defer-dma-disable is quiesced.
 * out: status (EV_INVALID_STATE if it is not stopped). */
void hc_partition_stop_dma(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *p = target_arg(v, r, r->reg[0]);

	if (p)
		r->reg[0] = ev_of(partition_stop_dma(p));
}

static uint64_t be64(const uint8_t *b)
{
	uint64_t x = 0;

	for (int i = 0; i < 8; i++)
		x = (x << 8) | b[i];
	return x;
}

/* Copy size bytes from gpa src of partition from to gpa dst of partition to. */
static int copy_between(const struct partition *from, uint64_t src, const struct partition *to,
			uint64_t dst, uint64_t size)
{
	uint8_t buf[MEMCPY_CHUNK];

	while (size) {
		size_t n = size < sizeof(buf) ? (size_t)size : sizeof(buf);

		if (guest_read(from, src, buf, n) || guest_write(to, dst, buf, n))
			return -HV_EFAULT;
		src += n;
		dst += n;
		size -= n;
	}
	return 0;
}

/* Where an interrupted PARTITION_MEMCPY stands inside its current list entry, per vCPU: used
 * only when the guest executes the call again with the same list address and count (what
 * the continuation makes it do), else the entry starts from its first byte. A guest that
 * changes its list in between only changes what it copies between its own partitions. */
struct memcpy_cont {
	uint64_t sg;
	unsigned long count;
	uint64_t done;
};

/* The manager unit's slot: the continuations of p's vCPUs. */
struct part_memcpy {
	struct memcpy_cont vcpu[PART_MAX_VCPUS];
};
static struct part_memcpy part_memcpy[PART_MAX];

/* Managers learn of every start and stop of the partitions they manage. */
static void manager_state_changed(struct partition *p)
{
	manager_notify(p);
}

/* A partition's links go with it: the last ones made are its own (creation is in order). */
static void manager_destroy(struct partition *p)
{
	while (nr_links && links[nr_links - 1].manager == p)
		nr_links--;
}

DEFINE_UNIT(manager, .order = UNIT_ORDER_MANAGER, UNIT_SLOTS(part_memcpy),
	    .partition_create = manager_create, .destroy = manager_destroy,
	    .start = manager_state_changed, .stopped = manager_state_changed);

static void memcpy_fault(struct vcpu *v, struct hcall_regs *r)
{
	r->reg[0] = EV_EFAULT;
	part_stats(v->part)->bad_hcalls++;
}

/* in: source handle, target handle (SELF = the caller), scatter-gather list address (lo, hi),
 * entry count; each entry (big-endian): source, target, size, reserved. out: status.
 * Bounded: one call copies at most MEMCPY_SLICE bytes and looks at MEMCPY_SLICE_ENTRIES
 * entries; then the list address and count registers are advanced past what is done and the
 * guest executes the same call again (vcpu->hcall_again), so a stop or an interrupt is taken
 * between two slices. A caller (Linux's fh_partition_memcpy()) sees one call that returns
 * when everything is copied; entries done before a fault stay done. */
void hc_partition_memcpy(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *from = r->reg[0] == SELF ? v->part : target_arg(v, r, r->reg[0]);
	struct partition *to = r->reg[1] == SELF ? v->part : target_arg(v, r, r->reg[1]);
	struct memcpy_cont *c =
		&((struct part_memcpy *)unit_slot(v->part, &manager_unit))->vcpu[v->index];
	uint64_t sg = ((uint64_t)r->reg[3] << 32) | r->reg[2], budget = MEMCPY_SLICE, done;
	unsigned long count = r->reg[4];
	unsigned int entries = 0;
	bool unbounded = hv_mutated("memcpy-unbounded");
	uint8_t e[SG_ENTRY_SIZE];

	if (!from || !to)
		return;
	done = c->sg == sg && c->count == count ? c->done : 0;
	*c = (struct memcpy_cont){ 0 };
	while (count) {
		uint64_t size, n;

		if (!unbounded && (!budget || entries == MEMCPY_SLICE_ENTRIES)) {
			*c = (struct memcpy_cont){ .sg = sg, .count = count, .done = done };
			r->reg[2] = (unsigned long)sg;
			r->reg[3] = (unsigned long)(sg >> 32);
			r->reg[4] = count;
			v->hcall_again = true;
			return;
		}
		entries++;
		if (guest_read(v->part, sg, e, sizeof(e))) {
			memcpy_fault(v, r);
			return;
		}
		size = be64(e + 16);
		done = done < size ? done : size;
		n = size - done < budget || unbounded ? size - done : budget;
		if (copy_between(from, be64(e) + done, to, be64(e + 8) + done, n)) {
			memcpy_fault(v, r);
			return;
		}
		budget -= unbounded ? 0 : n;
		done += n;
		if (done == size) {
			sg += SG_ENTRY_SIZE;
			count--;
			done = 0;
		}
	}
	r->reg[0] = EV_SUCCESS;
}
