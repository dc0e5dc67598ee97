/* stats.c - counting guest exits by reason and hypercalls by token (struct vcpu_stats), and
 * each partition's fault counters (the stats unit's slot). Each vCPU is counted only by the
 * CPU it runs on; readers (the shell) tolerate torn sums. */
#include <string.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/unit.h>
#include <hv/vcpu.h>

static struct part_stats part_stats_slots[PART_MAX];

DEFINE_UNIT(stats, .order = UNIT_ORDER_STATS, UNIT_SLOTS(part_stats_slots));

struct part_stats *part_stats(const struct partition *p)
{
	return unit_slot(p, &stats_unit);
}

void stats_count_exit(struct vcpu *v, unsigned int reason)
{
	v->stats.traps++;
	v->stats.exits[reason < STATS_EXIT_REASONS ? reason : STATS_EXIT_REASONS - 1]++;
}

/* Tokens get a slot the first time they are seen; when all are taken, "other" counts. */
void stats_count_hcall(struct vcpu *v, unsigned long token)
{
	struct vcpu_stats *s = &v->stats;

	s->hcalls++;
	for (unsigned int i = 0; i < STATS_HCALL_SLOTS; i++) {
		if (s->hcall[i].count && s->hcall[i].token != token)
			continue;
		s->hcall[i].token = (uint32_t)token;
		s->hcall[i].count++;
		return;
	}
	s->hcall_other++;
}

void stats_clear(struct vcpu *v)
{
	memset(&v->stats, 0, sizeof(v->stats));
}
