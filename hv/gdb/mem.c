/* mem.c - guest memory for the stub: gdb's addresses are the guest's virtual ones, taken
 * through a vCPU's own translation to guest physical and copied with the checked guest
 * memory helpers (RAM of the partition only: never a device, never the hypervisor's);
 * software breakpoints are words of that memory replaced by the trap instruction. */
#include <string.h>
#include <hv/err.h>
#include "priv.h"

/* va .. va + len - 1 of v in pieces that each lie in one translation; copy(gpa, off, n). */
static int walk(struct vcpu *v, uint64_t va, size_t len, bool insn,
		int (*copy)(struct vcpu *v, uint64_t gpa, size_t off, size_t n, void *ctx),
		void *ctx)
{
	size_t done = 0;

	while (done < len) {
		uint64_t gpa, room;
		size_t n;

		if (va + done < va)
			return -HV_EFAULT;
		if (gdb_arch_translate(v, va + done, insn, &gpa, &room) &&
		    gdb_arch_translate(v, va + done, !insn, &gpa, &room))
			return -HV_EFAULT;
		n = room < len - done ? (size_t)room : len - done;
		if (!n || copy(v, gpa, done, n, ctx))
			return -HV_EFAULT;
		done += n;
	}
	return 0;
}

static int copy_in(struct vcpu *v, uint64_t gpa, size_t off, size_t n, void *ctx)
{
	return guest_read(v->part, gpa, (uint8_t *)ctx + off, n);
}

static int copy_out(struct vcpu *v, uint64_t gpa, size_t off, size_t n, void *ctx)
{
	if (guest_write(v->part, gpa, (const uint8_t *)ctx + off, n))
		return -HV_EFAULT;
	gdb_arch_sync_icache(v->part, gpa, n);
	return 0;
}

int gdb_mem_read(struct vcpu *v, uint64_t va, uint8_t *buf, size_t len)
{
	return walk(v, va, len, false, copy_in, buf);
}

int gdb_mem_write(struct vcpu *v, uint64_t va, const uint8_t *buf, size_t len)
{
	return walk(v, va, len, false, copy_out, (void *)buf);
}

static void bp_lock(struct gdb_stub *s)
{
	while (!arch_spin_trylock(&s->bp_lock))
		arch_cpu_relax();
}

static struct gdb_bp *find(struct gdb_stub *s, uint64_t va, enum gdb_bp_kind kind)
{
	for (int i = 0; i < GDB_BP_MAX; i++)
		if (s->bp[i].kind != BP_FREE && s->bp[i].va == va &&
		    (kind == BP_FREE || s->bp[i].kind == kind))
			return &s->bp[i];
	return NULL;
}

bool gdb_bp_at(struct gdb_stub *s, uint64_t va)
{
	bool hit;

	bp_lock(s);
	hit = find(s, va, BP_FREE) != NULL;
	arch_spin_unlock(&s->bp_lock);
	return hit;
}

/* Under bp_lock: the trap instruction into the word at b->gpa, its old value kept. */
static int plant(struct gdb_stub *s, struct gdb_bp *b)
{
	uint8_t insn[sizeof(b->orig)];

	b->len = gdb_arch_break_insn(insn);
	if (!b->len)
		return -HV_ENOSYS; /* no software breakpoints on this architecture yet */
	if (guest_read(s->part, b->gpa, b->orig, b->len) ||
	    guest_write(s->part, b->gpa, insn, b->len))
		return -HV_EFAULT;
	gdb_arch_sync_icache(s->part, b->gpa, b->len);
	return 0;
}

/* A second breakpoint at an address shares the first's trap and original word. */
int gdb_bp_insert(struct gdb_stub *s, struct vcpu *v, uint64_t va, enum gdb_bp_kind kind)
{
	struct gdb_bp *b, *same;
	uint64_t gpa, room;
	int err = 0;

	if (gdb_arch_translate(v, va, true, &gpa, &room) || room < 4)
		return -HV_EFAULT;
	bp_lock(s);
	same = find(s, va, BP_FREE);
	if (kind == BP_USER && find(s, va, BP_USER)) {
		arch_spin_unlock(&s->bp_lock);
		return 0; /* gdb inserts again what it already has: nothing to do */
	}
	b = NULL;
	for (int i = 0; i < GDB_BP_MAX && !b; i++)
		if (s->bp[i].kind == BP_FREE)
			b = &s->bp[i];
	if (!b) {
		err = -HV_ENOSPC;
	} else {
		*b = (struct gdb_bp){ .va = va, .gpa = gpa };
		if (same)
			*b = *same;
		else
			err = plant(s, b);
		if (!err)
			b->kind = kind;
	}
	arch_spin_unlock(&s->bp_lock);
	return err;
}

/* Under bp_lock: b goes; the guest's word comes back unless another breakpoint is there. */
static void unplant(struct gdb_stub *s, struct gdb_bp *b)
{
	uint64_t va = b->va;

	b->kind = BP_FREE;
	if (find(s, va, BP_FREE))
		return;
	if (!guest_write(s->part, b->gpa, b->orig, b->len))
		gdb_arch_sync_icache(s->part, b->gpa, b->len);
}

int gdb_bp_remove(struct gdb_stub *s, uint64_t va, enum gdb_bp_kind kind)
{
	struct gdb_bp *b;

	bp_lock(s);
	b = find(s, va, kind);
	if (b)
		unplant(s, b);
	arch_spin_unlock(&s->bp_lock);
	return b ? 0 : -HV_ENOENT;
}

void gdb_bp_remove_kind(struct gdb_stub *s, enum gdb_bp_kind kind)
{
	bp_lock(s);
	for (int i = GDB_BP_MAX - 1; i >= 0; i--)
		if (s->bp[i].kind != BP_FREE && (kind == BP_FREE || s->bp[i].kind == kind))
			unplant(s, &s->bp[i]);
	arch_spin_unlock(&s->bp_lock);
}

void gdb_bp_forget(struct gdb_stub *s)
{
	bp_lock(s);
	memset(s->bp, 0, sizeof(s->bp));
	arch_spin_unlock(&s->bp_lock);
}
