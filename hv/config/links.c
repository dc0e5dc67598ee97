/* links.c - pass 3 for links between entities: byte channels and muxes, the
 * hypervisor's stdout, doorbells, and partition managers. */
#include <stdio.h>
#include <string.h>
#include "priv.h"

static void check_channel_peer(struct cfg_ctx *c, int i, int *conn)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_byte_channel *bc = &cfg->bc[i], *q = &cfg->bc[bc->peer];
	int other = -1;

	if (bc->peer == i) {
		cfg_err(c, bc->node, "endpoint", "a byte channel cannot be connected to itself");
		return;
	}
	if (q->peer_kind == CFG_BC_MUX)
		other = cfg->mux[q->peer].node;
	else if (q->peer_kind == CFG_BC_CHANNEL && q->peer != i)
		other = cfg->bc[q->peer].node;
	else if (conn[bc->peer] >= 0 && conn[bc->peer] != i)
		other = cfg->bc[conn[bc->peer]].node;
	if (other >= 0) {
		cfg_err(c, bc->node, "endpoint", "%s is already connected to %s",
			cfg_path(c, q->node), cfg_path(c, other));
		return;
	}
	if (conn[i] >= 0 && conn[i] != bc->peer) {
		cfg_err(c, bc->node, "endpoint",
			"this byte channel is already connected to %s "
			"(which names it as its endpoint)",
			cfg_path(c, cfg->bc[conn[i]].node));
		return;
	}
	conn[bc->peer] = i;
	conn[i] = bc->peer;
}

static void check_mux_channel(struct cfg_ctx *c, int i)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_byte_channel *bc = &cfg->bc[i];

	if (bc->mux_channel == UINT32_MAX) {
		cfg_err(c, bc->node, "mux-channel",
			"missing required property <u32> (the endpoint "
			"is a byte-channel-mux)");
		return;
	}
	for (int j = 0; j < i; j++) {
		struct cfg_byte_channel *o = &cfg->bc[j];

		if (o->peer_kind == CFG_BC_MUX && o->peer == bc->peer &&
		    o->mux_channel == bc->mux_channel)
			cfg_err(c, bc->node, "mux-channel",
				"channel %u of %s is already used by %s", bc->mux_channel,
				cfg_path(c, cfg->mux[bc->peer].node), cfg_path(c, o->node));
	}
}

static void check_byte_channels(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;
	int conn[CFG_MAX_BYTE_CHANNELS];

	for (int i = 0; i < cfg->nr_bcs; i++)
		conn[i] = -1;
	for (int i = 0; i < cfg->nr_bcs; i++) {
		struct cfg_byte_channel *bc = &cfg->bc[i];

		if (bc->peer_kind == CFG_BC_CHANNEL)
			check_channel_peer(c, i, conn);
		if (bc->peer_kind == CFG_BC_MUX)
			check_mux_channel(c, i);
		else if (bc->mux_channel != UINT32_MAX)
			cfg_err(c, bc->node, "mux-channel",
				"only allowed when the endpoint is a "
				"byte-channel-mux");
	}
	for (int i = 0; i < cfg->nr_bcs; i++)
		if (cfg->bc[i].peer_kind == CFG_BC_UNCONNECTED && conn[i] < 0 &&
		    !fdt_getprop(c->fdt, cfg->bc[i].node, "endpoint", NULL))
			cfg_err(c, cfg->bc[i].node, NULL,
				"byte channel is not connected: give it an "
				"endpoint, or name it in another byte-channel's endpoint");
	for (int m = 0; m < cfg->nr_muxes; m++) {
		int d = cfg->mux[m].device;

		if (d >= 0 && cfg->device[d].owner != CFG_OWNER_HV)
			cfg_err(c, cfg->mux[m].node, "endpoint",
				"%s is not owned by the hypervisor "
				"(assign the device under hv-config)",
				cfg_path(c, cfg->device[d].node));
	}
}

static void check_hv_stdout(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;
	int owner = CFG_OWNER_HV, node = -1;

	if (cfg->hv.stdout_dev >= 0) {
		owner = cfg->device[cfg->hv.stdout_dev].owner;
		node = cfg->device[cfg->hv.stdout_dev].node;
	} else if (cfg->hv.stdout_bc >= 0) {
		owner = cfg->bc[cfg->hv.stdout_bc].owner;
		node = cfg->bc[cfg->hv.stdout_bc].node;
	}
	if (owner != CFG_OWNER_HV)
		cfg_err(c, cfg->hv.node, "stdout",
			"%s belongs to partition \"%s\", not to the "
			"hypervisor",
			cfg_path(c, node), cfg->part[owner].label);
}

static void check_doorbells(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;

	for (int i = 0; i < cfg->nr_dbell_ends; i++) {
		struct cfg_dbell_end *e = &cfg->dbell_end[i];

		if (e->doorbell < 0)
			continue;
		if (e->send)
			cfg->doorbell[e->doorbell].senders++;
		else
			cfg->doorbell[e->doorbell].receivers++;
	}
	for (int i = 0; i < cfg->nr_doorbells; i++)
		if (cfg->doorbell[i].senders && !cfg->doorbell[i].receivers)
			cfg_err(c, cfg->doorbell[i].node, NULL,
				"nobody receives this doorbell: %d "
				"send-doorbell node(s) name it but no receive-doorbell does",
				cfg->doorbell[i].senders);
}

/* Topaz semantics: partitions may manage each other (p1 <-> p2, the failover pattern); a
 * partition managing itself, or one partition twice, is an error. */
static void check_managers(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;
	uint64_t manages[CFG_MAX_PARTITIONS] = { 0 };

	for (int i = 0; i < cfg->nr_managers; i++) {
		struct cfg_manager *m = &cfg->manager[i];

		if (m->managed < 0)
			continue;
		if (m->managed == m->manager)
			cfg_err(c, m->node, "partition", "a partition cannot manage itself");
		else if (manages[m->manager] >> m->managed & 1)
			cfg_err(c, m->node, "partition", "%s is already managed by this partition",
				cfg_path(c, cfg->part[m->managed].node));
		manages[m->manager] |= 1ull << m->managed;
	}
}

void cfg_check_links(struct cfg_ctx *c)
{
	check_byte_channels(c);
	check_hv_stdout(c);
	check_doorbells(c);
	check_managers(c);
	cfg_check_gdb_stubs(c);
}
