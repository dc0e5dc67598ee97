/* manager.c - FSL partition-management hypercalls (Linux fsl_hcalls.h numbering): a manager
 * partition gets one handle per partition its config names (managed-partition) and may ask
 * for its status, start, stop, restart it, and copy memory into or out of it. A partition
 * without such a handle cannot name another partition at all. */
#include <errno.h>
#include <string.h>
#include <libfdt.h>
#include <hv/console.h>
#include <hv/handle.h>
#include <hv/iommu.h>
#include <hv/manager.h>
#include <hv/partition.h>
#include <hv/vpic.h>

#define MAX_MANAGED	32
#define SELF		0xffffffffUL	/* "the caller's own partition" in PARTITION_MEMCPY */
#define SG_ENTRY_SIZE	32		/* struct fh_sg_list: source, target, size, reserved */
#define MEMCPY_CHUNK	4096

/* One manager -> managed link, reachable through the manager's handle table. */
struct managed {
	struct handle handle;
	struct partition *target;
	struct partition *manager;
};

static struct managed links[MAX_MANAGED];
static int nr_links;

/* Per manager partition (by id - 1): its state-change doorbell, a software vPIC source raised
 * whenever a partition it manages starts or stops (Topaz "fsl,hv-state-change-doorbell") or
 * has a DMA access blocked (Bulkhead's addition: GET_STATUS r5 tells which). */
static struct vpic_irq *doorbell[PART_MAX];
static int doorbell_handle[PART_MAX];

static int create_doorbell(struct partition *mgr)
{
	int h;

	if (doorbell[mgr->id - 1])
		return 0;
	h = vpic_soft_create(mgr, &doorbell[mgr->id - 1]);
	if (h < 0)
		return h;
	doorbell_handle[mgr->id - 1] = h;
	return 0;
}

int manager_doorbell_handle(const struct partition *mgr)
{
	return doorbell[mgr->id - 1] ? doorbell_handle[mgr->id - 1] : -1;
}

void manager_notify(const struct partition *target)
{
	for (int i = 0; i < nr_links; i++) {
		struct partition *mgr = links[i].manager;

		if (links[i].target == target && mgr && doorbell[mgr->id - 1])
			vpic_soft_raise(doorbell[mgr->id - 1]);
	}
}

int manager_handles_create(const struct hv_config *cfg)
{
	for (int i = 0; i < cfg->nr_managers; i++) {
		struct managed *m;

		if (nr_links == MAX_MANAGED) {
			hv_printf("config: more than %d managed-partition links\n", MAX_MANAGED);
			return -ENOSPC;
		}
		m = &links[nr_links++];
		m->target = &partitions[cfg->manager[i].managed];
		m->manager = &partitions[cfg->manager[i].manager];
		m->handle = (struct handle){ HANDLE_PARTITION, NULL, m };
		if (handle_add(m->manager, &m->handle) < 0 || create_doorbell(m->manager))
			return -ENOSPC;
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

	if (!h) {
		r->reg[0] = EV_EINVAL;
		v->part->bad_hcalls++;
		return NULL;
	}
	return ((struct managed *)h->obj)->target;
}

static unsigned long ev_of(int err)
{
	return err == 0 ? EV_SUCCESS : err == -EINVAL ? EV_INVALID_STATE :
	       err == -EBUSY ? EV_EAGAIN : err == -EIO ? EV_EIO : EV_CONFIG;
}

/* in: handle; out: status, FH_PARTITION_*, DMA faults recorded for the partition since boot
 * (r5: a Bulkhead addition; Linux's fh_partition_get_status() ignores it) */
void hc_partition_get_status(struct vcpu *v, struct hcall_regs *r)
{
	static const unsigned long map[] = {
		[PART_STOPPED] = FH_PARTITION_STOPPED, [PART_STARTING] = FH_PARTITION_STARTING,
		[PART_RUNNING] = FH_PARTITION_RUNNING, [PART_STOPPING] = FH_PARTITION_STOPPING,
	};
	struct partition *p = target_arg(v, r, r->reg[0]);

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
	struct partition *p = target_arg(v, r, r->reg[0]);

	if (p)
		r->reg[0] = ev_of(partition_stop(p, "stopped by its manager"));
}

void hc_partition_restart(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *p = target_arg(v, r, r->reg[0]);

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
			return -EFAULT;
		src += n;
		dst += n;
		size -= n;
	}
	return 0;
}

/* in: source handle, target handle (SELF = the caller), scatter-gather list address (lo, hi),
 * entry count; each entry (big-endian): source, target, size, reserved. out: status. */
void hc_partition_memcpy(struct vcpu *v, struct hcall_regs *r)
{
	struct partition *from = r->reg[0] == SELF ? v->part : target_arg(v, r, r->reg[0]);
	struct partition *to = r->reg[1] == SELF ? v->part : target_arg(v, r, r->reg[1]);
	uint64_t sg = ((uint64_t)r->reg[3] << 32) | r->reg[2];
	uint8_t e[SG_ENTRY_SIZE];

	if (!from || !to)
		return;
	for (unsigned long i = 0; i < r->reg[4]; i++) {
		if (guest_read(v->part, sg + i * SG_ENTRY_SIZE, e, sizeof(e)) ||
		    copy_between(from, be64(e), to, be64(e + 8), be64(e + 16))) {
			r->reg[0] = EV_EFAULT;
			v->part->bad_hcalls++;
			return;
		}
	}
	r->reg[0] = EV_SUCCESS;
}
