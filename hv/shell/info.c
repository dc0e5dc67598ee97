/* info.c - "list" and "info": the partitions' state, CPUs, memory (guest -> host),
 * byte channels and uptime, as text or as one JSON object on one line. */
#include <stdio.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/config.h>
#include <hv/err.h>
#include <hv/hv.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/shell.h>
#include "priv.h"

#define MIB (1024 * 1024)

static uint64_t mem_total(const struct partition *p)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < p->nr_mem; i++)
		sum += p->mem[i].size;
	return sum;
}

/* Milliseconds since the last start, 0 when not running. */
static uint64_t uptime_ms(const struct partition *p)
{
	return p->state == PART_RUNNING ? shell_ms(arch_time_now() - p->start_time) : 0;
}

/* Name of the config node of channel c ("console", "peer", ...). */
static const char *chan_name(const struct byte_chan *c)
{
	const char *n = NULL;

	if (hv_cfg && hv_cfg_fdt)
		n = fdt_get_name(hv_cfg_fdt, hv_cfg->bc[c->cfg_index].node, NULL);
	return n ? n : "?";
}

static const struct byte_chan *chan_of(const struct partition *p, unsigned int h)
{
	const struct handle *x = p->handles[h];

	return x && x->type == HANDLE_BYTE_CHANNEL ? x->obj : NULL;
}

static void text_row(const struct partition *p)
{
	char cpus[4 * PART_MAX_VCPUS + 1] = "";
	uint64_t ms = uptime_ms(p);
	size_t n = 0;

	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "",
				      p->vcpu[i].pcpu);
	sh_printf("%-3d %-16s %-9s %-5s %4lu MiB   ", p->id, p->name, part_state_name(p->state),
		  cpus, (unsigned long)(mem_total(p) / MIB));
	if (p->state == PART_RUNNING)
		sh_printf("%lu.%03lu s\n", (unsigned long)(ms / 1000), (unsigned long)(ms % 1000));
	else
		sh_printf("-\n");
}

static void text_details(const struct partition *p)
{
	sh_printf("partition %d %s: %s", p->id, p->name, part_state_name(p->state));
	if (p->state == PART_RUNNING)
		sh_printf(", up %lu ms", (unsigned long)uptime_ms(p));
	sh_printf("\n  cpus      ");
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		sh_printf("%s%u", i ? " " : "", p->vcpu[i].pcpu);
	sh_printf("\n");
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		const struct part_mem *m = &p->mem[i];

		sh_printf("  memory    guest 0x%09llx-0x%09llx -> host 0x%09llx  %lu MiB%s\n",
			  (unsigned long long)m->gpa, (unsigned long long)(m->gpa + m->size - 1),
			  (unsigned long long)m->hpa, (unsigned long)(m->size / MIB),
			  m->shared ? "  shared" : "");
	}
	for (unsigned int h = 0; h < PART_MAX_HANDLES; h++) {
		const struct byte_chan *c = chan_of(p, h);

		if (!c)
			continue;
		sh_printf("  channel   %u %s: ", h, chan_name(c));
		if (c->mux_channel >= 0)
			sh_printf("uart mux %d%s\n", c->mux_channel,
				  (int)h == byte_chan_stdout_handle(p) ? " (console)" : "");
		else if (c->peer && c->peer->owner)
			sh_printf("partition %s %s\n", c->peer->owner->name, chan_name(c->peer));
		else
			sh_printf("%s\n", c->peer ? "hypervisor" : "unconnected");
	}
	sh_printf("  exit code %d, faults %lu, bad hypercalls %lu\n", p->exit_code,
		  (unsigned long)part_stats(p)->faults, (unsigned long)part_stats(p)->bad_hcalls);
	if (p->held[0])
		sh_printf("  held back: %s (memory not reused, start refused)\n", p->held);
}

static void json_partition(const struct partition *p)
{
	int first = 1;

	sh_printf("{\"id\":%d,\"name\":", p->id);
	sh_json_str(p->name);
	sh_printf(",\"state\":\"%s\",\"cpus\":[", part_state_name(p->state));
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		sh_printf("%s%u", i ? "," : "", p->vcpu[i].pcpu);
	sh_printf("],\"memory\":[");
	for (unsigned int i = 0; i < p->nr_mem; i++)
		sh_printf("%s{\"guest\":%llu,\"host\":%llu,\"size\":%llu,\"shared\":%s}",
			  i ? "," : "", (unsigned long long)p->mem[i].gpa,
			  (unsigned long long)p->mem[i].hpa, (unsigned long long)p->mem[i].size,
			  p->mem[i].shared ? "true" : "false");
	sh_printf("],\"byte_channels\":[");
	for (unsigned int h = 0; h < PART_MAX_HANDLES; h++) {
		const struct byte_chan *c = chan_of(p, h);

		if (!c)
			continue;
		sh_printf("%s{\"handle\":%u,\"name\":", first ? "" : ",", h);
		sh_json_str(chan_name(c));
		if (c->mux_channel >= 0)
			sh_printf(",\"mux_channel\":%d", c->mux_channel);
		else if (c->peer && c->peer->owner)
			sh_printf(",\"peer\":\"%s\"", c->peer->owner->name);
		sh_printf(",\"console\":%s}",
			  (int)h == byte_chan_stdout_handle(p) ? "true" : "false");
		first = 0;
	}
	sh_printf("],\"uptime_ms\":%llu,\"exit_code\":%d,\"faults\":%lu,\"held_back\":",
		  (unsigned long long)uptime_ms(p), p->exit_code,
		  (unsigned long)part_stats(p)->faults);
	if (p->held[0])
		sh_json_str(p->held);
	else
		sh_printf("null");
	sh_printf("}");
}

/* list and info share their JSON form: "partitions":[...] of the chosen partitions, as the
 * --json object {"partitions":[...]} and as the script-mode reply's data. */
static void json_parts(const struct partition *only)
{
	int first = 1;

	sh_printf("\"partitions\":[");
	for (unsigned int i = 0; i < nr_partitions; i++) {
		if (only && only != &partitions[i])
			continue;
		sh_printf(first ? "" : ",");
		json_partition(&partitions[i]);
		first = 0;
	}
	sh_printf("]");
}

/* Script mode: the reply's data (with or without --json). */
static void json_data(const struct partition *only)
{
	if (sh_data_begin()) {
		sh_printf(",");
		json_parts(only);
		sh_data_end();
	}
}

static void json_all(const struct partition *only)
{
	sh_printf("{");
	json_parts(only);
	sh_printf("}\n");
	json_data(only);
}

int cmd_list(int argc, char **argv)
{
	struct sh_args a;

	if (shell_args(argc, argv, SH_JSON, 0, 0, &a))
		return -HV_EINVAL;
	if (a.flags & SH_JSON) {
		json_all(NULL);
		return 0;
	}
	json_data(NULL);
	if (!nr_partitions) {
		sh_printf("no partitions\n");
		return 0;
	}
	sh_printf("ID  NAME             STATE     CPUS  MEMORY     UPTIME\n");
	for (unsigned int i = 0; i < nr_partitions; i++)
		text_row(&partitions[i]);
	return 0;
}

int cmd_info(int argc, char **argv)
{
	struct partition *only = NULL;
	struct sh_args a;

	if (shell_args(argc, argv, SH_JSON, 0, 1, &a))
		return -HV_EINVAL;
	if (a.npos && !(only = shell_find_partition(argv[0], a.pos[0])))
		return -HV_ENOENT;
	if (a.flags & SH_JSON) {
		json_all(only);
		return 0;
	}
	json_data(only);
	if (!nr_partitions)
		sh_printf("no partitions\n");
	for (unsigned int i = 0; i < nr_partitions; i++)
		if (!only || only == &partitions[i])
			text_details(&partitions[i]);
	return 0;
}
