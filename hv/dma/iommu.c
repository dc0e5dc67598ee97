/* iommu.c - DMA domains and sources in the portable core: domains from the partitions'
 * memory maps, the start state policy (disabled unless no-dma-disable), the quiesce sequence
 * run by each source handle's prereset, fault records. Hardware work is in the back ends
 * behind the iommu_arch_* hooks (<hv/arch.h>). */
#include <string.h>
#include <hv/arch.h>
#include <hv/bootargs.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/platform.h>
#include <hv/iommu.h>
#include <hv/manager.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/unit.h>
#include <hv/errmgr.h>

/* Per partition (the IOMMU unit's slot): its whole-memory DMA domain, built at first use. */
struct part_dma {
	struct iommu_domain domain;
	bool built;
};
static struct part_dma part_dma[PART_MAX];
extern const struct unit iommu_unit;

/* The back ends, probed once: by the IOMMU unit's init when the config assigns devices (the
 * devices unit, after it, sets up PCI functions behind them and attaches DMA sources while the
 * partitions are built), else by iommu_init() at boot. */
static int nr_units; /* back ends found */

static void probe(const struct platform *plat)
{
	static bool probed;

	if (!probed) {
		probed = true;
		nr_units = iommu_arch_init(plat);
	}
}

static struct iommu_source sources[IOMMU_MAX_SOURCES];
static bool source_used[IOMMU_MAX_SOURCES];
static arch_spinlock_t lock;    /* sources[] allocation */
static arch_spinlock_t hw_lock; /* back end state: one change at a time */

static void take(arch_spinlock_t *l)
{
	while (!arch_spin_trylock(l))
		arch_cpu_relax();
}

static void lock_take(void)
{
	take(&lock);
}

/* The back end's enable/disable under hw_lock; s->enabled is read and written only under it
 * (issue 12, finding 6: two vCPUs enabling one source at once must count one enable, or a
 * single disable would leave the fence open). An enable of an enabled source does nothing; a
 * disable always reaches the back end (a quiesce makes the state certain). The device layer's
 * bus-master hook follows: on after the fence opened, off before it closes. */
static int set_enabled(struct iommu_source *s, bool on)
{
	int err = 0;

	take(&hw_lock);
	if (on && s->no_dma)
		err = -HV_EPERM;
	if (err || (on && s->enabled))
		goto out;
	if (!on && s->master)
		s->master(s->mask_ctx, false);
	err = iommu_arch_set_enabled(s, on);
	if (!err)
		s->enabled = on;
	if (on && !err && s->master)
		s->master(s->mask_ctx, true);
out:
	arch_spin_unlock(&hw_lock);
	return err;
}

/* Test image only: an enable that does not look at s->enabled (the caller did, unlocked). */
static int set_enabled_unchecked(struct iommu_source *s)
{
	int err;

	take(&hw_lock);
	err = iommu_arch_set_enabled(s, true);
	if (!err)
		s->enabled = true;
	if (!err && s->master)
		s->master(s->mask_ctx, true);
	arch_spin_unlock(&hw_lock);
	return err;
}

/* ---- domains ---- */

static bool aligned(uint64_t v)
{
	return !(v & 0xfff);
}

int iommu_domain_add(struct iommu_domain *d, uint64_t gpa, uint64_t hpa, uint64_t size,
		     uint32_t prot)
{
	unsigned int i;

	if (!size || !aligned(gpa) || !aligned(hpa) || !aligned(size) || gpa + size < gpa)
		return -HV_EINVAL;
	for (i = 0; i < d->nr_windows; i++)
		if (gpa < d->win[i].gpa + d->win[i].size && d->win[i].gpa < gpa + size)
			return -HV_EINVAL;
	if (d->nr_windows == IOMMU_MAX_WINDOWS)
		return -HV_ENOSPC;
	/* keep the windows sorted by guest address: back ends walk them in order */
	for (i = d->nr_windows; i > 0 && d->win[i - 1].gpa > gpa; i--)
		d->win[i] = d->win[i - 1];
	d->win[i] = (struct iommu_window){ .gpa = gpa, .hpa = hpa, .size = size, .prot = prot };
	d->nr_windows++;
	return 0;
}

/* Add the part of p's memory inside guest [lo, hi) to d. */
static int domain_add_range(struct iommu_domain *d, struct partition *p, uint64_t lo, uint64_t hi)
{
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		const struct part_mem *m = &p->mem[i];
		uint64_t s = m->gpa > lo ? m->gpa : lo;
		uint64_t e = m->gpa + m->size < hi ? m->gpa + m->size : hi;
		int err;

		if (s >= e)
			continue;
		err = iommu_domain_add(d, s, m->hpa + (s - m->gpa), e - s,
				       IOMMU_READ | IOMMU_WRITE);
		if (err)
			return err;
	}
	return 0;
}

int iommu_domain_build(struct iommu_domain *d, struct partition *p, uint64_t gpa, uint64_t size)
{
	memset(d, 0, sizeof(*d));
	d->part = p;
	return domain_add_range(d, p, gpa, size ? gpa + size : ~0ull);
}

/* A sub-windowed dma-window (Topaz subwindow-count): only its dma-subwindows' ranges. The
 * PAMU back end fits them onto a primary window and its secondary entries (pamu_core.c). */
static int domain_build_sub(struct iommu_domain *d, struct partition *p, const uint64_t *sub,
			    unsigned int n)
{
	memset(d, 0, sizeof(*d));
	d->part = p;
	for (unsigned int i = 0; i < n; i++) {
		int err = domain_add_range(d, p, sub[2 * i], sub[2 * i] + sub[2 * i + 1]);

		if (err)
			return err;
	}
	return 0;
}

struct iommu_domain *iommu_domain_of(struct partition *p)
{
	struct part_dma *d = unit_slot(p, &iommu_unit);

	if (!d)
		return NULL;
	if (!d->built) {
		if (iommu_domain_build(&d->domain, p, 0, 0))
			return NULL;
		d->built = true;
	}
	return &d->domain;
}

/* ---- sources ---- */

static const char *kind_name(enum iommu_src_kind k)
{
	return k == IOMMU_SRC_LIODN ? "liodn" : "pci";
}

static const char *owner_name(const struct iommu_source *s)
{
	const struct iommu_domain *d = s->dom ? s->dom : s->home;

	return d && d->part ? d->part->name : "-";
}

int iommu_attach(struct iommu_source *s, struct iommu_domain *d)
{
	int err;

	if (s->dom)
		return -HV_EBUSY;
	s->dom = d;
	s->enabled = false;
	take(&hw_lock);
	err = iommu_arch_attach(s);
	arch_spin_unlock(&hw_lock);
	if (err) {
		s->dom = NULL;
		return err;
	}
	return s->no_dma_disable ? iommu_enable(s) : 0;
}

void iommu_detach(struct iommu_source *s)
{
	if (!s->dom)
		return;
	iommu_disable(s);
	take(&hw_lock);
	iommu_arch_detach(s);
	arch_spin_unlock(&hw_lock);
	s->dom = NULL;
}

int iommu_enable(struct iommu_source *s)
{
	if (s->standby)
		return -HV_EAGAIN;
	if (!s->dom)
		return -HV_ENODEV;
	/* the test image's "enable-race" looks outside the lock, as before issue 12 #6 */
	if (hv_mutated("enable-race"))
		return s->enabled ? 0 : set_enabled_unchecked(s);
	return set_enabled(s, true);
}

int iommu_disable(struct iommu_source *s)
{
	if (s->standby)
		return -HV_EAGAIN;
	return s->dom ? set_enabled(s, false) : -HV_ENODEV;
}

/* s's DMA may still reach its partition's memory: print why, and keep that memory out of use
 * for good (partition_hold(): no scrub, no reload, no restart). */
static int hold_owner(struct iommu_source *s, const char *what, int err)
{
	hv_printf("dma: %s 0x%x of %s: %s (error %d)\n", kind_name(s->kind), (unsigned int)s->id,
		  owner_name(s), what, err);
	if (s->dom->part)
		partition_hold(s->dom->part, "DMA of %s 0x%04x %s", kind_name(s->kind),
			       (unsigned int)s->id, what);
	return err;
}

/* Mask -> disable -> wait (docs/dma.md, "Quiesce"). The disable is done even when the
 * source is already disabled: it costs a register write and makes the state certain. */
int iommu_quiesce(struct iommu_source *s)
{
	int err;

	if (s->mask)
		s->mask(s->mask_ctx);
	if (!s->dom)
		return 0;
	err = hv_mutated("dma-disable") ? 0 : set_enabled(s, false);
	if (err)
		return hold_owner(s, "could not be disabled", err);
	err = iommu_arch_wait_idle(s);
	if (err && err != -HV_EOPNOTSUPP)
		return hold_owner(s, "still busy after disable", err);
	return 0;
}

/* Handle operations: a stop quiesces (or, with defer-dma-disable, leaves the source as it is
 * and marks the quiesce pending: Topaz semantics, for a manager that wants the device to go on
 * writing into the stopped partition, e.g. for failover); every start quiesces what is still
 * pending before the memory is scrubbed; the restarted partition finds its sources as at
 * first start. */
static int source_prereset(struct handle *h)
{
	struct iommu_source *s = h->obj;

	if (s->standby)
		return 0; /* not its owner's: the holder's device, its mask hook included */
	if (s->defer && s->dom && s->enabled) {
		s->deferred = true;
		return 0;
	}
	return iommu_quiesce(s);
}

static int source_prestart(struct handle *h)
{
	struct iommu_source *s = h->obj;

	if (!s->deferred || hv_mutated("stop-dma"))
		return 0;
	s->deferred = false;
	return iommu_quiesce(s);
}

static void source_postreset(struct handle *h)
{
	struct iommu_source *s = h->obj;

	if (s->dom && s->no_dma_disable)
		iommu_enable(s);
}

static const struct handle_ops source_ops = {
	.prereset = source_prereset,
	.prestart = source_prestart,
	.postreset = source_postreset,
};

struct iommu_source *iommu_source_get(struct partition *p, unsigned long n)
{
	struct handle *h = handle_get(p, n, HANDLE_DMA);

	return h ? h->obj : NULL;
}

static struct iommu_source *source_alloc(void)
{
	struct iommu_source *s = NULL;

	lock_take();
	for (int i = 0; i < IOMMU_MAX_SOURCES && !s; i++) {
		if (!source_used[i]) {
			source_used[i] = true;
			s = &sources[i];
			memset(s, 0, sizeof(*s));
		}
	}
	arch_spin_unlock(&lock);
	return s;
}

static void source_free(struct iommu_source *s)
{
	lock_take();
	source_used[s - sources] = false;
	arch_spin_unlock(&lock);
}

/* A domain restricted to a device's dma-window (one per such source). */
static struct iommu_domain window_domains[IOMMU_MAX_SOURCES];

static struct iommu_domain *domain_for(struct partition *p, const struct iommu_attach_args *a,
				       struct iommu_source *s)
{
	struct iommu_domain *d;

	if (!a->window_size || hv_mutated("dma-window"))
		return iommu_domain_of(p);
	d = &window_domains[s - sources];
	if (a->nr_sub ? domain_build_sub(d, p, a->sub, a->nr_sub)
		      : iommu_domain_build(d, p, a->window_gpa, a->window_size))
		return NULL;
	if (!d->nr_windows)
		return NULL;
	return d;
}

int iommu_device_attach(struct partition *p, enum iommu_src_kind kind, uint32_t id, int unit,
			bool no_dma_disable, iommu_mask_fn mask, void *ctx)
{
	struct iommu_attach_args a = { .kind = kind,
				       .id = id,
				       .unit = unit,
				       .no_dma_disable = no_dma_disable,
				       .mask = mask,
				       .ctx = ctx };

	return iommu_device_attach_args(p, &a);
}

int iommu_device_attach_args(struct partition *p, const struct iommu_attach_args *a)
{
	struct iommu_domain *d;
	struct iommu_source *s;
	int err, h;

	if (!a->standby && iommu_source_find(a->kind, a->unit, a->id))
		return -HV_EBUSY;
	s = source_alloc();
	if (!s)
		return -HV_ENOSPC;
	*s = (struct iommu_source){ .kind = a->kind,
				    .id = a->id,
				    .unit = a->unit,
				    .no_dma_disable = a->no_dma_disable,
				    .defer = a->defer_dma_disable,
				    .mask = a->mask,
				    .master = a->master,
				    .mask_ctx = a->ctx,
				    .no_dma = a->no_dma };
	s->handle = (struct handle){ .type = HANDLE_DMA, .ops = &source_ops, .obj = s };
	d = domain_for(p, a, s);
	s->home = d;
	s->standby = a->standby;
	err = !d ? -HV_EINVAL : a->standby ? 0 : iommu_attach(s, d);
	if (err) {
		hv_printf("partition %s: dma %s 0x%x cannot be attached (error %d)\n", p->name,
			  kind_name(a->kind), (unsigned int)a->id, err);
		source_free(s);
		return err;
	}
	h = handle_add(p, &s->handle);
	if (h < 0) {
		iommu_detach(s);
		source_free(s);
	}
	return h;
}

int iommu_source_move(struct iommu_source *from, struct iommu_source *to)
{
	int err;

	if (hv_mutated("claim-keep-dma"))
		return 0; /* negative control: the source stays in the old holder's domain */
	if (!from || !to || from->standby || !to->standby || from->kind != to->kind ||
	    from->unit != to->unit || from->id != to->id)
		return -HV_EINVAL;
	from->deferred = false;
	err = iommu_quiesce(from); /* a deferred stop left it open; else it is closed already */
	if (err)
		return err;
	iommu_detach(from);
	from->standby = true;
	to->standby = false;
	err = iommu_attach(to, to->home);
	if (!err)
		return 0;
	to->standby = true; /* give it back, disabled, to the holder the claim did not replace */
	from->standby = false;
	iommu_attach(from, from->home);
	iommu_disable(from);
	return err;
}

void iommu_show(const struct partition *p)
{
	unsigned int n = 0;

	for (int i = 0; i < IOMMU_MAX_SOURCES; i++) {
		const struct iommu_source *s = &sources[i];

		if (!source_used[i] || !s->home || (p && s->home->part != p))
			continue;
		n++;
		hv_printf("%-8s %-5s 0x%04x  %-8s faults %u\n", owner_name(s), kind_name(s->kind),
			  (unsigned int)s->id,
			  s->standby    ? "standby"
			  : s->deferred ? "deferred"
			  : s->enabled  ? "enabled"
					: "disabled",
			  (unsigned int)s->faults);
		for (unsigned int w = 0; w < s->home->nr_windows; w++)
			hv_printf("         window guest 0x%09llx-0x%09llx -> host 0x%09llx\n",
				  (unsigned long long)s->home->win[w].gpa,
				  (unsigned long long)(s->home->win[w].gpa + s->home->win[w].size -
						       1),
				  (unsigned long long)s->home->win[w].hpa);
	}
	if (!n)
		hv_printf("no DMA sources%s\n", p ? " in this partition" : "");
}

struct iommu_source *iommu_source_find(enum iommu_src_kind kind, int unit, uint32_t id)
{
	for (int i = 0; i < IOMMU_MAX_SOURCES; i++)
		if (source_used[i] && !sources[i].standby && sources[i].kind == kind &&
		    sources[i].unit == unit && sources[i].id == id)
			return &sources[i];
	return NULL;
}

unsigned int iommu_sources_in_use(void)
{
	unsigned int n = 0;

	for (int i = 0; i < IOMMU_MAX_SOURCES; i++)
		n += source_used[i];
	return n;
}

/* ---- faults ---- */

/* Counted per source and in the owner's statistics, printed, and the owner's managers' state-
 * change doorbells rung (docs/dma.md, "Faults"). */
void iommu_report_fault(struct iommu_source *s, const struct iommu_fault *f)
{
	struct partition *p = s->dom ? s->dom->part : NULL;

	s->faults++;
	s->last_fault = *f;
	if (p)
		part_stats(p)->dma_faults++;
	hv_printf("dma: %s 0x%x of %s: blocked %s at 0x%llx (reason 0x%x)\n", kind_name(s->kind),
		  (unsigned int)s->id, owner_name(s),
		  f->flags & IOMMU_WRITE  ? "write"
		  : f->flags & IOMMU_READ ? "read"
					  : "access",
		  (unsigned long long)f->addr, (unsigned int)f->reason);
	if (p)
		manager_notify(p);
	errmgr_dma(s, f); /* queued for the error manager (issue 15) */
}

uint32_t iommu_fault_total(const struct partition *p)
{
	uint32_t n = 0;

	for (int i = 0; i < IOMMU_MAX_SOURCES; i++)
		if (source_used[i] && sources[i].home && sources[i].home->part == p)
			n += sources[i].faults;
	return n;
}

/* ---- start-up ---- */

static int iommu_unit_init(const struct unit_env *env)
{
	for (int i = 0; i < env->cfg->nr_devices; i++)
		if (env->cfg->device[i].owner >= 0) { /* assigned to a partition */
			probe(hv_platform);
			break;
		}
	return 0;
}

/* p's sources are detached (DMA disabled) and freed; its domain goes with the slot. */
static void iommu_unit_destroy(struct partition *p)
{
	for (int i = 0; i < IOMMU_MAX_SOURCES; i++) {
		struct iommu_source *s = &sources[i];

		if (source_used[i] && s->home && s->home->part == p) {
			iommu_detach(s);
			source_free(s);
		}
	}
}

DEFINE_UNIT(iommu, .order = UNIT_ORDER_IOMMU, .init = iommu_unit_init,
	    .destroy = iommu_unit_destroy, UNIT_SLOTS(part_dma));

/* The self-test is test code: only the test image links it (iommu_arch_selftest is weak). */
static void selftest(const struct platform *plat)
{
	char what[16];

	if (bootargs_get(plat, "bulkhead.selftest", what, sizeof(what)) <= 0 || strcmp(what, "dma"))
		return;
	if (iommu_arch_selftest)
		iommu_arch_selftest(plat);
	else
		hv_printf("bulkhead.selftest: refused, this is a release image "
			  "(test image only)\n");
}

int iommu_init(const struct platform *plat)
{
	probe(plat);
	selftest(plat);
	return nr_units > 0 ? 0 : -HV_ENODEV;
}
