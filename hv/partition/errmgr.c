/* errmgr.c - the error manager (docs/devices.md#error-manager): one global queue of error
 * records (struct bh_error, bounded: ERRMGR_QUEUE_LEN, later errors dropped and counted), the
 * error-manager handle and doorbell of each partition whose config has the node, and
 * FH_ERR_GET_INFO. The holder (the partition whose node is not claimable or "active", until a
 * standby one claims it) gets a doorbell ring per record; the others' calls are refused. */
#include <hv/err.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <bulkhead/error.h>
#include <hv/arch.h>
#include <hv/claim.h>
#include <hv/console.h>
#include <hv/device.h>
#include <hv/errmgr.h>
#include <hv/handle.h>
#include <hv/iommu.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/unit.h>
#include <hv/vpic.h>

/* One partition's error-manager node. */
struct errmgr {
	struct handle handle; /* HANDLE_ERRMGR, obj = this */
	struct partition *part;
	int handle_nr;
	struct vpic_irq *doorbell; /* edge software source, raised per record */
	int doorbell_handle;
	enum cfg_claim claimable;
	volatile bool holder; /* receives the errors now */
};

static struct errmgr mgrs[CFG_MAX_ERR_MGRS];
static int nr_mgrs;

/* The queue: records [head, head + count) modulo its length, under errq_lock (a leaf lock:
 * reporters on any CPU, readers on the holder's vCPUs). */
static struct bh_error queue[ERRMGR_QUEUE_LEN];
static unsigned int q_head, q_count;
static uint32_t q_seq, q_dropped;
static arch_spinlock_t errq_lock;

static void qlock(void)
{
	while (!arch_spin_trylock(&errq_lock))
		arch_cpu_relax();
}

static struct errmgr *mgr_of(const struct partition *p)
{
	for (int i = 0; i < nr_mgrs; i++)
		if (mgrs[i].part == p)
			return &mgrs[i];
	return NULL;
}

static struct errmgr *holder(void)
{
	for (int i = 0; i < nr_mgrs; i++)
		if (mgrs[i].holder)
			return &mgrs[i];
	return NULL;
}

/* ---- the unit: handles and doorbells ---- */

static int errmgr_create(struct partition *p, const struct unit_env *env)
{
	const struct hv_config *cfg = env->cfg;

	for (int i = 0; i < cfg->nr_err_mgrs; i++) {
		struct errmgr *m;

		if (cfg->err_mgr[i].part != p->cfg_index)
			continue;
		if (nr_mgrs == CFG_MAX_ERR_MGRS)
			return -HV_ENOSPC;
		m = &mgrs[nr_mgrs++];
		*m = (struct errmgr){ .part = p, .claimable = cfg->err_mgr[i].claimable };
		m->holder = m->claimable != CFG_CLAIM_STANDBY;
		m->handle = (struct handle){ .type = HANDLE_ERRMGR, .obj = m };
		m->handle_nr = handle_add(p, &m->handle);
		if (m->handle_nr < 0)
			return m->handle_nr;
		m->doorbell_handle = vpic_soft_create(p, &m->doorbell, false);
		if (m->doorbell_handle < 0)
			return m->doorbell_handle;
	}
	return 0;
}

/* p's nodes are the last ones made (partitions are built, and unwound, in order). */
static void errmgr_destroy(struct partition *p)
{
	while (nr_mgrs && mgrs[nr_mgrs - 1].part == p)
		nr_mgrs--;
}

DEFINE_UNIT(errmgr, .order = UNIT_ORDER_ERRMGR, .partition_create = errmgr_create,
	    .destroy = errmgr_destroy);

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0)
#define CLAIM_STATE_LEN 8 /* "standby" + NUL; "active" padded with NULs */

static const char claim_state[2][CLAIM_STATE_LEN] = { "standby", "active" };

int errmgr_tree_add(void *fdt, const struct partition *p)
{
	const struct errmgr *m = mgr_of(p);
	int node, pic;

	if (!m)
		return 0;
	pic = vpic_tree_node(fdt);
	TRY(pic);
	node = fdt_add_subnode(fdt, 0, "error-manager");
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "compatible", "fsl,hv-error-manager"));
	TRY(fdt_setprop_u32(fdt, node, "hv-handle", (uint32_t)m->handle_nr));
	TRY(fdt_setprop_u32(fdt, node, "interrupt-parent", (uint32_t)pic));
	TRY(fdt_setprop_u32(fdt, node, "interrupts", (uint32_t)m->doorbell_handle));
	TRY(fdt_appendprop_u32(fdt, node, "interrupts", VPIC_SENSE_EDGE));
	if (m->claimable != CFG_CLAIM_NONE)
		TRY(fdt_setprop(fdt, node, "fsl,hv-claimable", claim_state[m->holder],
				CLAIM_STATE_LEN));
	return 0;
}

/* m's node in its partition's kept tree, after a claim (same length: rewritten in place). */
static void claim_tree_update(const struct errmgr *m)
{
	void *fdt = m->part->tree;
	int node = fdt ? fdt_path_offset(fdt, "/error-manager") : -1;

	if (node >= 0)
		fdt_setprop_inplace(fdt, node, "fsl,hv-claimable", claim_state[m->holder],
				    CLAIM_STATE_LEN);
}

/* ---- reporting ---- */

/* Queue one record about p, filled in place by fill (under the queue lock: records are built
 * in the queue, never on a stack), and ring the holder's doorbell. */
static void push(const struct partition *p, void (*fill)(struct bh_error *e, const void *ctx),
		 const void *ctx)
{
	struct errmgr *m;
	struct bh_error *e;

	qlock();
	if (q_count == ERRMGR_QUEUE_LEN) {
		q_dropped++;
		arch_spin_unlock(&errq_lock);
		return;
	}
	e = &queue[(q_head + q_count) % ERRMGR_QUEUE_LEN];
	memset(e, 0, sizeof(*e));
	fill(e, ctx);
	snprintf(e->gdev_tree_path, sizeof(e->gdev_tree_path), "%s", p->name);
	e->partition_id = (uint32_t)p->id;
	e->seq = ++q_seq;
	e->dropped = q_dropped;
	q_count++;
	m = holder();
	arch_spin_unlock(&errq_lock);
	if (m && !hv_mutated("errmgr-no-doorbell"))
		vpic_soft_raise(m->doorbell);
}

struct isolation {
	unsigned int vcpu;
	const char *msg;
};

static void fill_isolation(struct bh_error *e, const void *ctx)
{
	const struct isolation *i = ctx;

	snprintf(e->domain, sizeof(e->domain), BH_ERR_DOMAIN_ISOLATION);
	snprintf(e->error, sizeof(e->error), "%s", i->msg);
	e->vcpu = i->vcpu;
}

void errmgr_isolation(const struct partition *p, unsigned int vcpu, const char *msg)
{
	struct isolation i = { vcpu, msg };

	push(p, fill_isolation, &i);
}

struct dma {
	const struct iommu_source *s;
	const struct iommu_fault *f;
};

static void fill_dma(struct bh_error *e, const void *ctx)
{
	const struct iommu_source *s = ((const struct dma *)ctx)->s;
	const struct iommu_fault *f = ((const struct dma *)ctx)->f;

	snprintf(e->domain, sizeof(e->domain), BH_ERR_DOMAIN_DMA);
	snprintf(e->error, sizeof(e->error), "%s 0x%x blocked %s at 0x%llx (reason 0x%x)",
		 s->kind == IOMMU_SRC_PCI ? "pci" : "liodn", (unsigned int)s->id,
		 f->flags & IOMMU_WRITE  ? "write"
		 : f->flags & IOMMU_READ ? "read"
					 : "access",
		 (unsigned long long)f->addr, (unsigned int)f->reason);
	if (s->unit >= 0 && device_hw_tree())
		fdt_get_path(device_hw_tree(), s->unit, e->hdev_tree_path,
			     sizeof(e->hdev_tree_path));
	e->addr = f->addr;
	e->source_id = s->id;
	e->flags = f->flags;
}

void errmgr_dma(const struct iommu_source *s, const struct iommu_fault *f)
{
	struct dma d = { s, f };

	if (s->dom && s->dom->part)
		push(s->dom->part, fill_dma, &d);
}

/* ---- claim ---- */

struct mgr_move {
	struct errmgr *from, *to;
};

static int move_mgr(void *ctx)
{
	struct mgr_move *m = ctx;

	bool waiting;

	m->from->holder = false;
	m->to->holder = true;
	arch_mb();
	claim_tree_update(m->from);
	claim_tree_update(m->to);
	qlock();
	waiting = q_count != 0; /* what is queued is the new holder's to read */
	arch_spin_unlock(&errq_lock);
	if (waiting)
		vpic_soft_raise(m->to->doorbell);
	return 0;
}

unsigned long errmgr_claim(struct partition *me, struct handle *h)
{
	struct mgr_move m = { .from = holder(), .to = h->obj };
	unsigned long st;

	if (m.to->claimable == CFG_CLAIM_NONE || !m.from)
		return EV_EINVAL;
	if (m.from == m.to)
		return EV_SUCCESS;
	st = claim_from(m.from->part, move_mgr, &m);
	if (st == EV_SUCCESS)
		hv_printf("partition %s: claimed the error manager from %s\n", me->name,
			  m.from->part->name);
	return st;
}

/* ---- FH_ERR_GET_INFO ---- */

/* The caller's error manager if it may read the queue, else NULL and r3 set. */
static struct errmgr *reader(struct vcpu *v, struct hcall_regs *r)
{
	struct errmgr *m = mgr_of(v->part);
	struct handle *h = handle_get(v->part, r->reg[0], HANDLE_ERRMGR);

	if (hv_mutated("errmgr-anyone") && holder())
		return holder(); /* negative control: no permission check */
	if (!m) {
		r->reg[0] = EV_EPERM; /* not an error manager at all */
	} else if ((!h || h->obj != m) && r->reg[0] != BH_ERR_GLOBAL_QUEUE) {
		r->reg[0] = EV_EINVAL;
	} else if (!m->holder) {
		r->reg[0] = EV_EPERM; /* standby: claim it first */
	} else {
		return m;
	}
	part_stats(v->part)->bad_hcalls++;
	return NULL;
}

/* in: handle, buffer size, address high, address low, peek; out: status, bytes copied.
 * The oldest record is copied straight from the queue into the caller's memory (bounds
 * checked by guest_write()) under the queue lock, and dropped unless peek. */
void hc_err_get_info(struct vcpu *v, struct hcall_regs *r)
{
	uint64_t gpa = (r->reg[2] & 0xffffffffull) << 32 | (r->reg[3] & 0xffffffffull);
	uint32_t size = (uint32_t)r->reg[1];
	unsigned long peek = r->reg[4];
	unsigned long st;

	r->reg[1] = 0;
	if (!reader(v, r))
		return;
	if (peek > 1 || size < sizeof(struct bh_error)) {
		part_stats(v->part)->bad_hcalls++;
		r->reg[0] = EV_EINVAL;
		return;
	}
	qlock();
	if (!q_count) {
		st = EV_ENOENT;
	} else if (guest_write(v->part, gpa, &queue[q_head], sizeof(struct bh_error))) {
		st = EV_EFAULT;
	} else {
		st = EV_SUCCESS;
		if (!peek) {
			q_head = (q_head + 1) % ERRMGR_QUEUE_LEN;
			q_count--;
		}
	}
	arch_spin_unlock(&errq_lock);
	r->reg[0] = st;
	r->reg[1] = st == EV_SUCCESS ? sizeof(struct bh_error) : 0;
}
