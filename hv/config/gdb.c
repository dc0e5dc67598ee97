/* gdb.c - gdb-stub nodes of a partition (the Topaz binding, docs/config.md#gdb-stub):
 * a GDB remote-protocol stub on a channel of a byte-channel-mux for some of its vCPUs. */
#include <stdio.h>
#include <string.h>
#include "priv.h"

static void parse_debug_cpus(struct cfg_ctx *c, int node, struct cfg_gdb_stub *s)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, node, "debug-cpus", &len);

	if (!v)
		return; /* every vCPU of the partition */
	if (len != 8) {
		cfg_err(c, node, "debug-cpus", "must be <first-vcpu count>, got %d bytes", len);
		s->first_vcpu = UINT32_MAX; /* not checked any further */
		return;
	}
	s->first_vcpu = fdt32_to_cpu(v[0]);
	s->nr_vcpus = fdt32_to_cpu(v[1]);
	if (!s->nr_vcpus)
		cfg_err(c, node, "debug-cpus", "range <%u 0> is empty", s->first_vcpu);
}

void cfg_parse_gdb_stub(struct cfg_ctx *c, int node, int part)
{
	static const char *const props[] = { "compatible", "endpoint",          "mux-channel",
					     "debug-cpus", "gdb-wait-at-start", NULL };
	struct cfg_gdb_stub *s;
	int child;

	cfg_check_props(c, node, props);
	if (c->cfg->nr_gdb_stubs >= CFG_MAX_GDB_STUBS) {
		cfg_err(c, node, NULL, "too many gdb-stub nodes (max %d)", CFG_MAX_GDB_STUBS);
		return;
	}
	s = &c->cfg->gdb_stub[c->cfg->nr_gdb_stubs++];
	*s = (struct cfg_gdb_stub){
		.node = node, .part = part, .mux = CFG_NONE, .mux_channel = UINT32_MAX
	};
	fdt_for_each_subnode(child, c->fdt, node)
		cfg_err(c, child, NULL, "a gdb-stub has no child nodes");
	cfg_read_ref(c, node, "endpoint", K_MUX, &s->mux, NULL, true);
	cfg_read_u32(c, node, "mux-channel", &s->mux_channel, true);
	parse_debug_cpus(c, node, s);
	s->wait_at_start = cfg_read_flag(c, node, "gdb-wait-at-start");
}

/* The channel number is free on the stub's mux: no byte channel and no earlier stub has it. */
static void check_channel(struct cfg_ctx *c, int i)
{
	struct hv_config *cfg = c->cfg;
	const struct cfg_gdb_stub *s = &cfg->gdb_stub[i];
	int other = -1;

	for (int j = 0; j < cfg->nr_bcs && other < 0; j++)
		if (cfg->bc[j].peer_kind == CFG_BC_MUX && cfg->bc[j].peer == s->mux &&
		    cfg->bc[j].mux_channel == s->mux_channel)
			other = cfg->bc[j].node;
	for (int j = 0; j < i && other < 0; j++)
		if (cfg->gdb_stub[j].mux == s->mux &&
		    cfg->gdb_stub[j].mux_channel == s->mux_channel)
			other = cfg->gdb_stub[j].node;
	if (other >= 0)
		cfg_err(c, s->node, "mux-channel", "channel %u of %s is already used by %s",
			s->mux_channel, cfg_path(c, cfg->mux[s->mux].node), cfg_path(c, other));
}

/* debug-cpus names vCPUs the partition has, and no other stub of the partition names them. */
static void check_vcpus(struct cfg_ctx *c, int i)
{
	struct hv_config *cfg = c->cfg;
	const struct cfg_gdb_stub *s = &cfg->gdb_stub[i];
	uint32_t n = (uint32_t)__builtin_popcountll(cfg->part[s->part].cpus);
	uint32_t first = s->first_vcpu, count = s->nr_vcpus ? s->nr_vcpus : n;

	if (first == UINT32_MAX)
		return;
	if (s->nr_vcpus && (first >= n || s->nr_vcpus > n - first)) {
		cfg_err(c, s->node, "debug-cpus",
			"vCPUs %u..%u: the partition has %u vCPU%s "
			"(0..%u)",
			first, first + s->nr_vcpus - 1, n, n == 1 ? "" : "s", n - 1);
		return;
	}
	for (int j = 0; j < i; j++) {
		const struct cfg_gdb_stub *o = &cfg->gdb_stub[j];
		uint32_t ofirst = o->first_vcpu, ocount = o->nr_vcpus ? o->nr_vcpus : n;

		if (o->part == s->part && ofirst != UINT32_MAX && first < ofirst + ocount &&
		    ofirst < first + count)
			cfg_err(c, s->node, "debug-cpus", "vCPUs overlap those of %s",
				cfg_path(c, o->node));
	}
}

void cfg_check_gdb_stubs(struct cfg_ctx *c)
{
	for (int i = 0; i < c->cfg->nr_gdb_stubs; i++) {
		const struct cfg_gdb_stub *s = &c->cfg->gdb_stub[i];

		if (s->mux >= 0 && s->mux_channel != UINT32_MAX)
			check_channel(c, i);
		check_vcpus(c, i);
	}
}
