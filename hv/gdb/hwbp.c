/* hwbp.c - gdb's hardware breakpoints (Z1): instruction addresses the stub watches without
 * writing guest memory, as the CPU's instruction address compare registers would. At most
 * GDB_HWBP_MAX per stub (e500mc has IAC1 and IAC2). The architecture asks two questions on
 * its instruction-fetch path: is there one in this range (gdb_hw_bp_in: it then makes the
 * range trap on fetch) and is this fetch one (gdb_hw_hit: the vCPU then halts). The table
 * changes only while the stub holds every vCPU; a held vCPU drops its cached translations
 * when released (gdb_vcpu_exit() says it was held), so no fetch sees a stale answer. */
#include <hv/err.h>
#include <hv/mutate.h>
#include "priv.h"

/* Hardware breakpoints of all stubs: 0 keeps the fetch path's check to one load. */
volatile unsigned int gdb_hw_nr;

bool gdb_hw_bp_in(struct vcpu *v, uint64_t va, uint64_t len)
{
	struct gdb_stub *s;

	for (int i = 0; (s = gdb_stub_at(i)); i++) {
		if (s->part != v->part)
			continue;
		for (int j = 0; j < GDB_HWBP_MAX; j++)
			if (s->hw[j].used && s->hw[j].va - va < len)
				return true;
	}
	return false;
}

bool gdb_hw_hit(struct vcpu *v, uint64_t pc)
{
	struct gdb_stub *s;

	for (int i = 0; (s = gdb_stub_at(i)); i++) {
		if (s->part != v->part)
			continue;
		for (int j = 0; j < GDB_HWBP_MAX; j++)
			if (s->hw[j].used && s->hw[j].va == pc) {
				gdb_hold_hit(v);
				return true;
			}
	}
	return false;
}

/* Test image only (hwbp-soft): a "hardware" breakpoint that is a software one, written into
 * guest memory (tests/system/test_gdb.py shows the guest then sees its code changed). */
static int soft_mutant(struct gdb_stub *s, struct vcpu *v, uint64_t va, bool insert)
{
	if (!v)
		return -HV_EINVAL;
	return insert ? gdb_bp_insert(s, v, va, BP_USER) : gdb_bp_remove(s, va, BP_USER);
}

/* Only while every vCPU is held: the vCPUs flush their translations when they go on. */
int gdb_hw_insert(struct gdb_stub *s, struct vcpu *v, uint64_t va)
{
	int free = -1;

	if (!s->stopped)
		return -HV_EBUSY;
	if (hv_mutated("hwbp-soft"))
		return soft_mutant(s, v, va, true);
	for (unsigned int j = 0; j < GDB_HWBP_MAX && j < gdb_arch_hw_breakpoints(); j++) {
		if (s->hw[j].used && s->hw[j].va == va)
			return 0; /* gdb inserts again what it already has */
		if (!s->hw[j].used && free < 0)
			free = (int)j;
	}
	if (free < 0)
		return -HV_ENOSPC;
	s->hw[free] = (struct gdb_hwbp){ .used = true, .va = va };
	gdb_hw_nr++;
	return 0;
}

int gdb_hw_remove(struct gdb_stub *s, struct vcpu *v, uint64_t va)
{
	if (!s->stopped)
		return -HV_EBUSY;
	if (hv_mutated("hwbp-soft"))
		return soft_mutant(s, v, va, false);
	for (int j = 0; j < GDB_HWBP_MAX; j++)
		if (s->hw[j].used && s->hw[j].va == va) {
			s->hw[j].used = false;
			gdb_hw_nr--;
			return 0;
		}
	return -HV_ENOENT;
}

/* Detach, or the partition stopped or started again: the vCPUs are not held, but a
 * breakpoint that goes only makes fetches trap that no longer need to (never the reverse). */
void gdb_hw_clear(struct gdb_stub *s)
{
	for (int j = 0; j < GDB_HWBP_MAX; j++)
		if (s->hw[j].used) {
			s->hw[j].used = false;
			gdb_hw_nr--;
		}
}
