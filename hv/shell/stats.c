/* stats.c - "stats [P] [--clear] [--json]": per partition, the sums over its vCPUs of
 * exits by reason, hypercalls by token, emulated instructions, TLB refills, exceptions and
 * interrupts delivered, plus its faults, unknown hypercalls and blocked DMA accesses. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/hcall.h>
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/shell.h>
#include <hv/stats.h>
#include "priv.h"

#define HC_MAX (PART_MAX_VCPUS * STATS_HCALL_SLOTS)

/* A partition's counters summed over its vCPUs. */
struct part_sum {
	struct vcpu_stats s; /* exits[] summed; hcall[] unused */
	unsigned int nr_hc;
	struct {
		uint32_t token, count;
	} hc[HC_MAX]; /* by token, in order of first use */
};

static const struct {
	uint32_t token;
	const char *name;
} hc_names[] = {
	{ EV_BYTE_CHANNEL_SEND, "EV_BYTE_CHANNEL_SEND" },
	{ EV_BYTE_CHANNEL_RECEIVE, "EV_BYTE_CHANNEL_RECEIVE" },
	{ EV_BYTE_CHANNEL_POLL, "EV_BYTE_CHANNEL_POLL" },
	{ BH_ABI_VERSION, "BH_ABI_VERSION" },
	{ BH_GUEST_EXIT, "BH_GUEST_EXIT" },
	{ BH_NULL, "BH_NULL" },
	{ BH_WATCHDOG_FEED, "BH_WATCHDOG_FEED" },
	{ BH_DEVICE_GET_INFO, "BH_DEVICE_GET_INFO" },
	{ BH_DEVICE_GET_REGION_INFO, "BH_DEVICE_GET_REGION_INFO" },
	{ BH_DEVICE_GET_IRQ_INFO, "BH_DEVICE_GET_IRQ_INFO" },
	{ EV_INT_IACK, "EV_INT_IACK" },
	{ EV_INT_EOI, "EV_INT_EOI" },
	{ FH_PARTITION_GET_STATUS, "FH_PARTITION_GET_STATUS" },
	{ FH_PARTITION_START, "FH_PARTITION_START" },
	{ FH_PARTITION_STOP, "FH_PARTITION_STOP" },
	{ FH_PARTITION_RESTART, "FH_PARTITION_RESTART" },
	{ FH_PARTITION_MEMCPY, "FH_PARTITION_MEMCPY" },
	{ FH_DMA_ENABLE, "FH_DMA_ENABLE" },
	{ FH_DMA_DISABLE, "FH_DMA_DISABLE" },
};

static const char *hc_name(uint32_t token)
{
	for (size_t i = 0; i < sizeof(hc_names) / sizeof(hc_names[0]); i++)
		if (hc_names[i].token == token)
			return hc_names[i].name;
	return "?";
}

static void add_hcall(struct part_sum *t, uint32_t token, uint32_t count)
{
	unsigned int i;

	for (i = 0; i < t->nr_hc && t->hc[i].token != token; i++)
		;
	if (i == t->nr_hc) {
		t->hc[t->nr_hc].token = token;
		t->hc[t->nr_hc++].count = 0;
	}
	t->hc[i].count += count;
}

static void sum(const struct partition *p, struct part_sum *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		const struct vcpu_stats *s = &p->vcpu[i].stats;

		t->s.traps += s->traps;
		t->s.emulated += s->emulated;
		t->s.hcalls += s->hcalls;
		t->s.tlb_refills += s->tlb_refills;
		t->s.reflected += s->reflected;
		t->s.hcall_other += s->hcall_other;
		for (unsigned int r = 0; r < STATS_EXIT_REASONS; r++)
			t->s.exits[r] += s->exits[r];
		for (unsigned int h = 0; h < STATS_HCALL_SLOTS && s->hcall[h].count; h++)
			add_hcall(t, s->hcall[h].token, s->hcall[h].count);
	}
}

static const char *reason_name(unsigned int r, char *buf, size_t len)
{
	const char *n = arch_exit_name(r);

	if (n && r < STATS_EXIT_REASONS - 1)
		return n;
	snprintf(buf, len, r < STATS_EXIT_REASONS - 1 ? "exception-%u" : "exception-%u+", r);
	return buf;
}

static void text(const struct partition *p, const struct part_sum *t)
{
	char buf[24];

	sh_printf("partition %d %s\n", p->id, p->name);
	sh_printf("  traps %lu  emulated %lu  hypercalls %lu  tlb-refills %lu  delivered %lu  "
		  "faults %lu  bad-hypercalls %lu  dma-faults %lu\n",
		  (unsigned long)t->s.traps, (unsigned long)t->s.emulated,
		  (unsigned long)t->s.hcalls, (unsigned long)t->s.tlb_refills,
		  (unsigned long)t->s.reflected, (unsigned long)part_stats(p)->faults,
		  (unsigned long)part_stats(p)->bad_hcalls,
		  (unsigned long)part_stats(p)->dma_faults);
	for (unsigned int r = 0; r < STATS_EXIT_REASONS; r++)
		if (t->s.exits[r])
			sh_printf("  trap   %-24s %lu\n", reason_name(r, buf, sizeof(buf)),
				  (unsigned long)t->s.exits[r]);
	for (unsigned int i = 0; i < t->nr_hc; i++)
		sh_printf("  hcall  0x%08lx %-24s %lu\n", (unsigned long)t->hc[i].token,
			  hc_name(t->hc[i].token), (unsigned long)t->hc[i].count);
	if (t->s.hcall_other)
		sh_printf("  hcall  other %lu\n", (unsigned long)t->s.hcall_other);
}

static void json(const struct partition *p, const struct part_sum *t)
{
	char buf[24];
	int first = 1;

	sh_printf("{\"id\":%d,\"name\":", p->id);
	sh_json_str(p->name);
	sh_printf(",\"traps\":%lu,\"emulated\":%lu,\"hcalls\":%lu,\"tlb_refills\":%lu,"
		  "\"delivered\":%lu,\"faults\":%lu,\"bad_hcalls\":%lu,\"dma_faults\":%lu,"
		  "\"hcalls_other\":%lu,\"traps_by_reason\":[",
		  (unsigned long)t->s.traps, (unsigned long)t->s.emulated,
		  (unsigned long)t->s.hcalls, (unsigned long)t->s.tlb_refills,
		  (unsigned long)t->s.reflected, (unsigned long)part_stats(p)->faults,
		  (unsigned long)part_stats(p)->bad_hcalls,
		  (unsigned long)part_stats(p)->dma_faults, (unsigned long)t->s.hcall_other);
	for (unsigned int r = 0; r < STATS_EXIT_REASONS; r++) {
		if (!t->s.exits[r])
			continue;
		sh_printf("%s{\"reason\":%u,\"name\":\"%s\",\"count\":%lu}", first ? "" : ",", r,
			  reason_name(r, buf, sizeof(buf)), (unsigned long)t->s.exits[r]);
		first = 0;
	}
	sh_printf("],\"hcalls_by_number\":[");
	for (unsigned int i = 0; i < t->nr_hc; i++)
		sh_printf("%s{\"token\":%lu,\"name\":\"%s\",\"count\":%lu}", i ? "," : "",
			  (unsigned long)t->hc[i].token, hc_name(t->hc[i].token),
			  (unsigned long)t->hc[i].count);
	sh_printf("]}");
}

static void clear(struct partition *p)
{
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		stats_clear(&p->vcpu[i]);
	*part_stats(p) = (struct part_stats){ 0 };
	sh_printf("stats: cleared %s\n", p->name);
}

/* "partitions":[...] of the chosen partitions: the --json object's and the reply's data;
 * with --clear, the reply's data is "cleared":[names]. */
static void json_parts(const struct partition *only, bool cleared)
{
	static struct part_sum t; /* large: not on the stack */
	int first = 1;

	sh_printf(cleared ? "\"cleared\":[" : "\"partitions\":[");
	for (unsigned int i = 0; i < nr_partitions; i++) {
		const struct partition *p = &partitions[i];

		if (only && only != p)
			continue;
		sh_printf(first ? "" : ",");
		if (cleared) {
			sh_json_str(p->name);
		} else {
			sum(p, &t);
			json(p, &t);
		}
		first = 0;
	}
	sh_printf("]");
}

static void text_or_clear(struct partition *only, bool clearing)
{
	static struct part_sum t; /* large: not on the stack */

	for (unsigned int i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];

		if (only && only != p)
			continue;
		if (clearing) {
			clear(p);
		} else {
			sum(p, &t);
			text(p, &t);
		}
	}
}

int cmd_stats(int argc, char **argv)
{
	struct partition *only = NULL;
	struct sh_args a;

	if (shell_args(argc, argv, SH_JSON | SH_CLEAR, 0, 1, &a))
		return -HV_EINVAL;
	if ((a.flags & SH_JSON) && (a.flags & SH_CLEAR))
		return shell_usage(argv[0]);
	if (a.npos && !(only = shell_find_partition(argv[0], a.pos[0])))
		return -HV_ENOENT;
	if (a.flags & SH_JSON) {
		sh_printf("{");
		json_parts(only, false);
		sh_printf("}\n");
	} else {
		text_or_clear(only, a.flags & SH_CLEAR);
	}
	if (sh_data_begin()) {
		sh_printf(",");
		json_parts(only, a.flags & SH_CLEAR);
		sh_data_end();
	}
	return 0;
}
