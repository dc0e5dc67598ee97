/* vpic.c - the ePAPR virtual PIC: interrupt handles of assigned devices, the EV_INT_*
 * hypercalls (ePAPR 1.1, B.5, with Linux's numbering: SET_CONFIG 4, GET_CONFIG 5, SET_MASK 6,
 * GET_MASK 7, IACK 9, EOI 10), delivery to the vCPU, masking while the partition is stopped.
 *
 * Model: each source is routed at the physical controller to the CPU of its target vCPU.
 * When it fires in guest context the hypervisor acknowledges it there, masks the source and
 * ends it at once (so that no physical CPU is left with an interrupt in service when a
 * partition stops), marks it pending for the vCPU and presents an external input interrupt
 * once the guest's MSR[EE] allows. The guest's EV_INT_IACK returns the handle and moves it
 * in service; its EV_INT_EOI unmasks the source again (unless the guest masked it).
 *
 * Locking: every pending and in-service bit, and every source's guest state (mask, priority,
 * destination, routing) and its mask at the controller, are changed only under vpic_lock:
 * the owner's vCPUs (exits, EV_INT_*) and other CPUs (vpic_soft_raise() from a partition's
 * start or stop, a manager's doorbell) change them truly in parallel, and a read-modify-write
 * of a bit word that lost a bit would leave a source masked at the controller for good. The
 * lock is a leaf: nothing is called under it that takes another lock; it is held for a few
 * register accesses at most (irqchip_arch_route() waits, bounded, for an active source). */
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/platform.h>
#include <hv/hcall.h>
#include <hv/arch/irqchip.h>
#include <hv/partition.h>
#include <hv/device.h>
#include <hv/device_hcall.h>
#include <hv/mutate.h>
#include <hv/vpic.h>
#include <hv/unit.h>

#define MAX_VPIC_IRQS 64 /* every vPIC source of every partition: one bit each below */
#define LEVEL_IRQS_MAX \
	32 /* of which byte channels' (level) at most: the other 32 stay
				 * for device interrupts and doorbells, as before they came */
#define BIT(i)       (1ull << (i))
#define DEFAULT_PRIO 8

static struct vpic_irq irqs[MAX_VPIC_IRQS];
static unsigned int nr_irqs, nr_level; /* nr_level: set at boot, on the boot CPU */

/* Per vCPU, bit i = irqs[i]: taken from the controller, not yet acknowledged by the guest
 * (pending) or acknowledged and not yet ended (in service). */
struct vcpu_irq_state {
	uint64_t pending;
	uint64_t in_service;
};
/* The vPIC unit's slot: the state of each vCPU of one partition. */
struct part_vpic {
	struct vcpu_irq_state vcpu[PART_MAX_VCPUS];
};
static struct part_vpic part_vpic[PART_MAX];
static arch_spinlock_t vpic_lock; /* guards part_vpic[], irqs[]' guest state and masks */

static void vpic_destroy(struct partition *p);

DEFINE_UNIT(vpic, .order = UNIT_ORDER_VPIC, UNIT_SLOTS(part_vpic), .destroy = vpic_destroy);

/* The per-vCPU states of p's vCPUs. */
static struct vcpu_irq_state *vstate(const struct partition *p)
{
	return ((struct part_vpic *)unit_slot(p, &vpic_unit))->vcpu;
}

static void vlock(void)
{
	while (!arch_spin_trylock(&vpic_lock))
		arch_cpu_relax();
}

static void vunlock(void)
{
	arch_spin_unlock(&vpic_lock);
}

static unsigned int index_of(const struct vpic_irq *q);

static struct vcpu_irq_state *state_of(const struct vcpu *v)
{
	return &vstate(v->part)[v->index];
}

static int vpic_prereset(struct handle *h)
{
	struct vpic_irq *q = h->obj;

	vlock();
	if (q->routed)
		irqchip_arch_mask(q->src, true);
	vunlock();
	return 0;
}

/* A restarted guest finds its interrupts as a fresh boot does: masked, default config. */
static void vpic_postreset(struct handle *h)
{
	struct vpic_irq *q = h->obj;
	struct vcpu_irq_state *s = vstate(q->part);

	vlock();
	q->guest_masked = true;
	q->priority = DEFAULT_PRIO;
	q->dest = 0;
	for (unsigned int i = 0; i < PART_MAX_VCPUS; i++)
		s[i] = (struct vcpu_irq_state){ 0 };
	vunlock();
}

static const struct handle_ops vpic_ops = {
	.prereset = vpic_prereset,
	.postreset = vpic_postreset,
};

struct vpic_irq *vpic_irq_get(struct partition *p, unsigned long n)
{
	struct handle *h = handle_get(p, n, HANDLE_IRQ);

	return h ? h->obj : NULL;
}

static int irq_create(struct partition *p, const struct dev_irq *di, bool dormant)
{
	struct vpic_irq *q;
	int h;

	if (nr_irqs == MAX_VPIC_IRQS)
		return -HV_ENOSPC;
	if (!irqchip_arch_ready() && irqchip_arch_init(&hv_platform->irqchip))
		hv_printf("vpic: no interrupt controller: device interrupts stay off\n");
	q = &irqs[nr_irqs];
	*q = (struct vpic_irq){
		.part = p, .src = di->src, .priority = DEFAULT_PRIO, .guest_masked = true
	};
	q->config = (di->flags & BH_IRQ_FLAG_LEVEL ? VPIC_CONFIG_LEVEL : 0) |
		    (di->flags & BH_IRQ_FLAG_ACTIVE_LOW ? 0 : VPIC_CONFIG_POSITIVE);
	q->sense = di->sense;
	q->dormant = dormant;
	q->handle = (struct handle){ .type = HANDLE_IRQ, .ops = &vpic_ops, .obj = q };
	h = handle_add(p, &q->handle);
	if (h < 0)
		return h;
	q->handle_nr = (uint32_t)h;
	vlock(); /* published whole: other CPUs walk irqs[] under the lock */
	nr_irqs++;
	vunlock();
	q->routed = !dormant && p->nr_vcpus &&
		    !irqchip_arch_route(q->src, di->sense, p->vcpu[0].pcpu, DEFAULT_PRIO);
	vpic_postreset(&q->handle);
	return h;
}

int vpic_irq_create(struct partition *p, const struct dev_irq *di)
{
	return irq_create(p, di, false);
}

int vpic_irq_create_dormant(struct partition *p, const struct dev_irq *di)
{
	return irq_create(p, di, true);
}

/* p's sources are the last ones made (partitions are built, and unwound, in order; the units
 * that make sources come after this one): masked and dropped. */
static void vpic_destroy(struct partition *p)
{
	vlock();
	while (nr_irqs && irqs[nr_irqs - 1].part == p) {
		struct vpic_irq *q = &irqs[--nr_irqs];

		if (q->routed)
			irqchip_arch_mask(q->src, true);
		nr_level -= q->level;
	}
	vunlock();
}

/* A software source of p (no controller behind it): a manager's state-change doorbell
 * (edge-like, raised by vpic_soft_raise()) or a byte channel's rx or tx (level, following
 * vpic_soft_level()); masked at creation like every source. */
int vpic_soft_create(struct partition *p, struct vpic_irq **out, bool level)
{
	struct vpic_irq *q;
	int h;

	if (nr_irqs == MAX_VPIC_IRQS || (level && nr_level == LEVEL_IRQS_MAX))
		return -HV_ENOSPC;
	q = &irqs[nr_irqs];
	*q = (struct vpic_irq){ .part = p,
				.src = IRQCHIP_NONE,
				.priority = DEFAULT_PRIO,
				.guest_masked = true,
				.level = level,
				.config = VPIC_CONFIG_POSITIVE | (level ? VPIC_CONFIG_LEVEL : 0) };
	q->handle = (struct handle){ .type = HANDLE_IRQ, .ops = &vpic_ops, .obj = q };
	h = level ? handle_add_top(p, &q->handle) : handle_add(p, &q->handle);
	if (h < 0)
		return h;
	nr_level += level;
	q->handle_nr = (uint32_t)h;
	vlock(); /* published whole: other CPUs walk irqs[] under the lock */
	nr_irqs++;
	vunlock();
	vpic_postreset(&q->handle);
	*out = q;
	return h;
}

/* Negative control "vpic-racy": the unlocked read-modify-write this lock replaced, with the
 * window between the read and the write held open until the owner's CPU changes the word
 * (at most 10 ms): the raise then loses the owner's change (a pending bit it set) or brings
 * back a bit the owner cleared - the race, made deterministic. */
static void racy_or(volatile uint64_t *word, uint64_t bit)
{
	uint64_t v = *word;
	uint64_t t0 = arch_time_now();

	vunlock();
	while (*word == v && arch_time_now() - t0 < arch_time_freq() / 100)
		arch_cpu_relax();
	*word = v | bit;
	vlock();
}

/* Make a software source pending for its target vCPU (dropped while the guest masks it or
 * its partition is not running) and kick that vCPU's CPU so it is delivered soon. */
void vpic_soft_raise(struct vpic_irq *q)
{
	struct partition *p = q->part;
	unsigned int dest;

	vlock();
	dest = q->dest;
	if (q->guest_masked || !q->priority || p->state != PART_RUNNING || dest >= p->nr_vcpus) {
		vunlock();
		return;
	}
	if (hv_mutated("vpic-racy"))
		racy_or(&vstate(p)[dest].pending, BIT(index_of(q)));
	else
		vstate(p)[dest].pending |= BIT(index_of(q));
	vunlock();
	arch_mb();
	if (p->vcpu[dest].pcpu != arch_cpu_id())
		arch_cpu_kick(p->vcpu[dest].pcpu);
}

/* Under vpic_lock: make a level source pending at its destination if its line is asserted,
 * the guest wants it, its partition runs and no vCPU holds it pending or in service (one
 * copy at a time, as a level source at an MPIC). Returns the vCPU to kick, or NULL. */
static struct vcpu *level_pend(struct vpic_irq *q)
{
	struct partition *p = q->part;
	uint64_t bit = BIT(index_of(q)), held = 0;

	if (!q->level || !q->asserted || q->guest_masked || !q->priority ||
	    p->state != PART_RUNNING || q->dest >= p->nr_vcpus)
		return NULL;
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		held |= vstate(p)[i].pending | vstate(p)[i].in_service;
	if (held & bit)
		return NULL;
	vstate(p)[q->dest].pending |= bit;
	return &p->vcpu[q->dest];
}

/* Under vpic_lock: a level source masked or deasserted is withdrawn from every vCPU it is
 * pending at (not from one that has it in service: that one still ends it with EOI). */
static void level_withdraw(struct vpic_irq *q)
{
	uint64_t bit = BIT(index_of(q));

	if (!q->level)
		return;
	for (unsigned int i = 0; i < q->part->nr_vcpus; i++)
		vstate(q->part)[i].pending &= ~bit;
}

/* After unlocking: kick the CPU of a vCPU that has a new pending interrupt. */
static void kick(const struct vcpu *v)
{
	if (!v)
		return;
	arch_mb();
	if (v->pcpu != arch_cpu_id())
		arch_cpu_kick(v->pcpu);
}

void vpic_soft_level(struct vpic_irq *q, bool asserted)
{
	struct vcpu *v;

	vlock();
	q->asserted = asserted;
	if (!asserted)
		level_withdraw(q); /* a copy not yet acknowledged goes with the line */
	v = level_pend(q);
	vunlock();
	kick(v);
}

/* ---- delivery ---- */

void vpic_external(struct vcpu *v)
{
	uint32_t src = irqchip_arch_ack();
	struct vcpu_irq_state *s = state_of(v);

	if (src == IRQCHIP_NONE)
		return;
	vlock();
	irqchip_arch_mask(src, true);
	irqchip_arch_eoi();
	/* every handle of v's partition on this source that wants it (a shared line: each
	 * device's handler looks at its own device); none: it stays masked until one does */
	for (unsigned int i = 0; i < nr_irqs; i++)
		if (irqs[i].part == v->part && irqs[i].src == src && !irqs[i].guest_masked &&
		    irqs[i].priority && !irqs[i].dormant)
			s->pending |= BIT(i);
	vunlock();
}

void vpic_vcpu_stop(struct vcpu *v)
{
	vlock();
	for (unsigned int i = 0; i < nr_irqs; i++)
		if (irqs[i].part == v->part && irqs[i].routed)
			irqchip_arch_mask(irqs[i].src, true);
	vunlock();
}

/* A read without the lock (two 32-bit loads of the 64-bit word): a bit set by another CPU
 * between or after them is seen at the next exit (its raise kicks this CPU); bits are only
 * cleared by this vCPU itself (IACK) or while the partition is not running. */
bool vpic_pending(const struct vcpu *v)
{
	const volatile struct vcpu_irq_state *s = state_of(v);

	return s->pending != 0;
}

const volatile uint64_t *vpic_pending_word(const struct vcpu *v)
{
	return &state_of(v)->pending;
}

int vpic_tree_node(void *fdt)
{
	int node = fdt_subnode_offset(fdt, 0, "hv-pic");
	uint32_t ph;

	if (node >= 0)
		return (int)fdt_get_phandle(fdt, node);
	node = fdt_add_subnode(fdt, 0, "hv-pic");
	if (node < 0)
		return hv_err_fdt(node);
	ph = fdt_get_max_phandle(fdt) + 1;
	if (fdt_setprop_string(fdt, node, "compatible", "epapr,hv-pic") ||
	    fdt_setprop(fdt, node, "interrupt-controller", NULL, 0) ||
	    fdt_setprop_u32(fdt, node, "#interrupt-cells", 2) ||
	    fdt_setprop_u32(fdt, node, "#address-cells", 0) ||
	    fdt_setprop_u32(fdt, node, "phandle", ph))
		return -HV_EFDT_NOSPACE;
	return (int)ph;
}

/* ---- hypercalls (r3.. = reg[0..]) ---- */

static unsigned int index_of(const struct vpic_irq *q)
{
	return (unsigned int)(q - irqs);
}

/* Under vpic_lock. A source may be shared by several handles of one partition (devices on one
 * line; the config refuses sharing between partitions). It is unmasked at the controller only
 * when one of its handles wants it (guest unmasked, priority above 0), none holds a copy
 * pending or in service at any vCPU (after a SET_CONFIG moved it, the old destination may
 * still hold one), and the partition runs. */
static void update_hw_mask(const struct vpic_irq *q)
{
	uint64_t sharers = 0, held = 0;
	bool wanted = false;

	if (!q->routed)
		return;
	for (unsigned int i = 0; i < nr_irqs; i++) {
		if (irqs[i].part != q->part || irqs[i].src != q->src)
			continue;
		sharers |= BIT(i);
		wanted |= !irqs[i].guest_masked && irqs[i].priority;
	}
	for (unsigned int i = 0; i < q->part->nr_vcpus; i++)
		if (i == q->dest || !hv_mutated("vpic-dest-only"))
			held |= vstate(q->part)[i].pending | vstate(q->part)[i].in_service;
	irqchip_arch_mask(q->src, !wanted || (held & sharers) || q->part->state != PART_RUNNING);
}

void vpic_irq_move(struct vpic_irq *from, struct vpic_irq *to)
{
	struct partition *p = to->part;

	vlock();
	if (from->routed)
		irqchip_arch_mask(from->src, true);
	from->routed = false;
	from->dormant = true;
	to->dormant = false;
	to->routed = p->nr_vcpus && !irqchip_arch_route(to->src, to->sense, p->vcpu[to->dest].pcpu,
							to->priority ? to->priority : DEFAULT_PRIO);
	update_hw_mask(to);
	vunlock();
}

static struct vpic_irq *irq_arg(struct vcpu *v, struct hcall_regs *r)
{
	struct vpic_irq *q = vpic_irq_get(v->part, r->reg[0]);

	if (!q)
		device_bad_call(v, r, EV_EINVAL, "not an interrupt handle");
	return q;
}

/* in: handle, config (VPIC_CONFIG_*), priority 0..15, destination vCPU */
void hc_int_set_config(struct vcpu *v, struct hcall_regs *r)
{
	struct vpic_irq *q = irq_arg(v, r);
	struct vcpu *wake;

	if (!q)
		return;
	if (r->reg[2] > 15 || r->reg[3] >= v->part->nr_vcpus) {
		device_bad_call(v, r, EV_EINVAL, "priority above 15 or no such vCPU");
		return;
	}
	vlock();
	q->config = (uint32_t)r->reg[1] & (VPIC_CONFIG_POSITIVE | VPIC_CONFIG_LEVEL);
	q->priority = (uint32_t)r->reg[2];
	if (q->src != IRQCHIP_NONE && !q->dormant && (q->dest != r->reg[3] || q->priority)) {
		q->dest = (uint32_t)r->reg[3];
		q->routed = !irqchip_arch_route(q->src, q->sense, v->part->vcpu[q->dest].pcpu,
						q->priority ? q->priority : DEFAULT_PRIO);
	}
	q->dest = (uint32_t)r->reg[3];
	update_hw_mask(q);
	wake = level_pend(q);
	vunlock();
	kick(wake);
	r->reg[0] = EV_SUCCESS;
}

/* in: handle; out: config, priority, destination */
void hc_int_get_config(struct vcpu *v, struct hcall_regs *r)
{
	struct vpic_irq *q = irq_arg(v, r);

	if (!q)
		return;
	vlock();
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = q->config;
	r->reg[2] = q->priority;
	r->reg[3] = q->dest;
	vunlock();
}

/* in: handle, mask (non-zero: masked) */
void hc_int_set_mask(struct vcpu *v, struct hcall_regs *r)
{
	struct vpic_irq *q = irq_arg(v, r);
	struct vcpu *wake;

	if (!q)
		return;
	vlock();
	q->guest_masked = r->reg[1] != 0;
	update_hw_mask(q);
	if (q->guest_masked)
		level_withdraw(q);
	wake = level_pend(q);
	vunlock();
	kick(wake);
	r->reg[0] = EV_SUCCESS;
}

/* in: handle; out: mask */
void hc_int_get_mask(struct vcpu *v, struct hcall_regs *r)
{
	struct vpic_irq *q = irq_arg(v, r);

	if (!q)
		return;
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = q->guest_masked;
}

/* in: (ignored); out: the handle of the pending interrupt now in service, or VPIC_SPURIOUS */
void hc_int_iack(struct vcpu *v, struct hcall_regs *r)
{
	struct vcpu_irq_state *s = state_of(v);

	r->reg[0] = EV_SUCCESS;
	r->reg[1] = VPIC_SPURIOUS;
	vlock();
	for (unsigned int i = 0; i < nr_irqs; i++) {
		if (s->pending & BIT(i)) {
			s->pending &= ~BIT(i);
			s->in_service |= BIT(i);
			r->reg[1] = (uint32_t)irqs[i].handle_nr;
			break;
		}
	}
	vunlock();
}

/* in: handle in service on this vCPU */
void hc_int_eoi(struct vcpu *v, struct hcall_regs *r)
{
	struct vpic_irq *q = irq_arg(v, r);
	struct vcpu_irq_state *s = state_of(v);

	struct vcpu *wake = NULL;
	bool was;

	if (!q)
		return;
	vlock();
	was = s->in_service & (BIT(index_of(q)));
	s->in_service &= ~(BIT(index_of(q)));
	if (was)
		update_hw_mask(q);
	if (was && !hv_mutated("bc-irq-edge"))
		wake = level_pend(q); /* a level source still asserted comes again */
	vunlock();
	kick(wake);
	if (!was) {
		device_bad_call(v, r, EV_INVALID_STATE, "EOI of an interrupt not in service");
		return;
	}
	r->reg[0] = EV_SUCCESS;
}
