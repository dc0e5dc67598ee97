/* claim.c - FH_CLAIM_DEVICE: failover of claimable devices (Topaz semantics, docs/devices.md
 * #failover). Every owner of a claimable device has it in its tree and its handles; one of
 * them holds it (its registers mapped, its interrupts routed to it), the others have it on
 * standby (status "disabled", regions closed, interrupt handles dormant). A standby owner's
 * claim is refused with EV_INVALID_STATE unless the holder's partition is stopped (Topaz's
 * rule: a running, starting or stopping holder keeps it); then registers and interrupts move
 * to the claimer while the holder's lock keeps it from starting. */
#include <hv/err.h>
#include <hv/arch.h>
#include <hv/claim.h>
#include <hv/console.h>
#include <hv/device.h>
#include <hv/device_hcall.h>
#include <hv/errmgr.h>
#include <hv/mutate.h>
#include <hv/partition.h>

static arch_spinlock_t claim_lock; /* one claim at a time: the holder cannot change under it */

static void lock_claims(void)
{
	while (!arch_spin_trylock(&claim_lock))
		arch_cpu_relax();
}

unsigned long claim_from(struct partition *holder, int (*move)(void *ctx), void *ctx)
{
	int err;

	/* a start or stop in progress holds the lock: the holder is not stopped */
	if (!arch_spin_trylock(&holder->lock))
		return EV_INVALID_STATE;
	if (holder->state != PART_STOPPED && !hv_mutated("claim-from-running")) {
		arch_spin_unlock(&holder->lock);
		return EV_INVALID_STATE;
	}
	err = move(ctx);
	arch_spin_unlock(&holder->lock);
	return err ? EV_EIO : EV_SUCCESS;
}

struct device_move {
	struct hv_device *from, *to;
};

static int move_device(void *ctx)
{
	struct device_move *m = ctx;
	int err = device_move_holder(m->from, m->to);

	if (err)
		hv_printf("partition %s: claim of handle %lu refused: its DMA could not be moved "
			  "(%s)\n",
			  m->to->part->name, (unsigned long)m->to->desc.handle, hv_strerror(err));
	return err;
}

static unsigned long claim_device(struct partition *me, struct hv_device *d)
{
	struct device_move m = { .to = d };
	unsigned long st;

	if (d->claimable == CFG_CLAIM_NONE)
		return EV_EINVAL;
	m.from = device_holder_of(d);
	if (m.from == d)
		return EV_SUCCESS; /* it holds it already */
	if (!m.from)
		return EV_EINVAL;
	st = claim_from(m.from->part, move_device, &m);
	if (st == EV_SUCCESS)
		hv_printf("partition %s: claimed a device from %s (handle %lu)\n", me->name,
			  m.from->part->name, (unsigned long)d->desc.handle);
	return st;
}

void hc_claim_device(struct vcpu *v, struct hcall_regs *r)
{
	struct handle *h = handle_get(v->part, r->reg[0], HANDLE_DEVICE);
	unsigned long st;

	if (!h)
		h = handle_get(v->part, r->reg[0], HANDLE_ERRMGR);
	if (!h) {
		device_bad_call(v, r, EV_EINVAL, "not a device or error-manager handle");
		return;
	}
	lock_claims();
	st = h->type == HANDLE_DEVICE ? claim_device(v->part, h->obj) : errmgr_claim(v->part, h);
	arch_spin_unlock(&claim_lock);
	if (st == EV_EINVAL)
		device_bad_call(v, r, EV_EINVAL, "not a claimable device");
	else
		r->reg[0] = st;
}
