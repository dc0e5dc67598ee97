/* stats.c - counting guest exits by reason and hypercalls by token (struct vcpu_stats). Each
 * vCPU is counted only by the CPU it runs on; readers (the shell) tolerate torn sums. */
#include <string.h>
#include <hv/stats.h>
#include <hv/vcpu.h>

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
