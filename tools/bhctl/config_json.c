/* config_json.c - "bhctl config explain --json": the model for scripts. */
#include <string.h>
#include <hv/fdt_util.h>
#include "bhctl.h"

typedef unsigned long long ull;

static void node_str(FILE *out, const void *fdt, int node)
{
	char p[256];

	json_str(out, node >= 0 && !fdt_get_path(fdt, node, p, sizeof(p)) ? p : NULL);
}

static void json_devices(FILE *out, const struct bhctl_cfg *b, int owner)
{
	const struct hv_config *cfg = &b->model;
	int first = 1;

	fprintf(out, "\"devices\": [");
	for (int d = 0; d < cfg->nr_devices; d++) {
		const struct cfg_device *dev = &cfg->device[d];
		struct fdt_region r;
		unsigned int irqs[16];
		int n = device_irqs(b->hw, dev->hw_node, irqs, 16);

		if (dev->owner != owner)
			continue;
		fprintf(out, "%s{\"path\": ", first ? "" : ", ");
		first = 0;
		node_str(out, b->hw, dev->hw_node);
		fprintf(out, ", \"config_node\": ");
		node_str(out, b->cfg, dev->node);
		fprintf(out, ", \"claimable\": \"%s\"", config_claim_name(dev->claimable));
		fprintf(out, ", \"regions\": [");
		for (int k = 0; !fdt_reg_phys(b->hw, dev->hw_node, k, &r); k++)
			fprintf(out, "%s{\"addr\": %llu, \"size\": %llu}", k ? ", " : "",
				(ull)r.addr, (ull)r.size);
		fprintf(out, "], \"interrupts\": [");
		for (int k = 0; k < n; k++)
			fprintf(out, "%s%u", k ? ", " : "", irqs[k]);
		fprintf(out, "], \"dma_window\": ");
		if (dev->dma_window >= 0)
			fprintf(out, "{\"guest\": %llu, \"size\": %llu}",
				(ull)cfg->dma_window[dev->dma_window].guest.base,
				(ull)cfg->dma_window[dev->dma_window].guest.size);
		else
			fprintf(out, "null");
		fprintf(out, ", \"no_dma_disable\": %s}", dev->no_dma_disable ? "true" : "false");
	}
	fprintf(out, "]");
}

static void json_channels(FILE *out, const struct bhctl_cfg *b, int owner)
{
	const struct hv_config *cfg = &b->model;
	int first = 1;

	fprintf(out, "\"byte_channels\": [");
	for (int i = 0; i < cfg->nr_bcs; i++) {
		const struct cfg_byte_channel *bc = &cfg->bc[i];

		if (bc->owner != owner)
			continue;
		fprintf(out, "%s{\"node\": ", first ? "" : ", ");
		first = 0;
		node_str(out, b->cfg, bc->node);
		if (bc->peer_kind == CFG_BC_MUX) {
			fprintf(out, ", \"mux\": ");
			node_str(out, b->cfg, cfg->mux[bc->peer].node);
			fprintf(out, ", \"mux_channel\": %u}", bc->mux_channel);
		} else {
			int peer = bc->peer_kind == CFG_BC_CHANNEL ? bc->peer : -1;

			for (int j = 0; peer < 0 && j < cfg->nr_bcs; j++)
				if (cfg->bc[j].peer_kind == CFG_BC_CHANNEL && cfg->bc[j].peer == i)
					peer = j;
			fprintf(out, ", \"peer\": ");
			node_str(out, b->cfg, peer >= 0 ? cfg->bc[peer].node : -1);
			fputc('}', out);
		}
	}
	fprintf(out, "]");
}

static void json_partition(FILE *out, const struct bhctl_cfg *b, int pi)
{
	const struct hv_config *cfg = &b->model;
	const struct cfg_partition *p = &cfg->part[pi];
	int first = 1;

	fprintf(out, "    {\"label\": ");
	json_str(out, p->label);
	fprintf(out, ", \"node\": ");
	node_str(out, b->cfg, p->node);
	fprintf(out, ", \"cpus\": [");
	for (int c = 0; c < CFG_MAX_CPUS; c++)
		if (p->cpus & (1ull << c))
			fprintf(out, "%s%d", first ? "" : ", ", c), first = 0;
	fprintf(out, "], \"auto_start\": %s, \"no_dma_disable\": %s, \"watchdog_ms\": %u",
		p->no_auto_start ? "false" : "true", p->no_dma_disable ? "true" : "false",
		p->watchdog_ms);
	fprintf(out, ",\n     \"memory\": [");
	first = 1;
	for (int g = 0; g < cfg->nr_gpmas; g++) {
		const struct cfg_gpma *m = &cfg->gpma[g];

		if (m->part != pi)
			continue;
		fprintf(out, "%s{\"guest\": %llu, \"phys\": %llu, \"size\": %llu, \"shared\": %s}",
			first ? "" : ", ", (ull)m->guest, (ull)cfg->pma[m->pma].phys.base,
			(ull)cfg->pma[m->pma].phys.size,
			cfg->pma[m->pma].shared ? "true" : "false");
		first = 0;
	}
	fprintf(out, "],\n     \"image\": ");
	if (p->has_image)
		fprintf(out, "{\"src\": %llu, \"guest\": %llu, \"size\": %llu}", (ull)p->image_src,
			(ull)p->image_guest, (ull)p->image_size);
	else
		fprintf(out, "null");
	fprintf(out, ", \"dtb_window\": ");
	if (p->has_dtb_window)
		fprintf(out, "{\"guest\": %llu, \"size\": %llu}", (ull)p->dtb_window.base,
			(ull)p->dtb_window.size);
	else
		fprintf(out, "null");
	fprintf(out, ",\n     ");
	json_devices(out, b, pi);
	fprintf(out, ",\n     ");
	json_channels(out, b, pi);
	fprintf(out, ",\n     \"doorbells\": [");
	first = 1;
	for (int i = 0; i < cfg->nr_dbell_ends; i++) {
		if (cfg->dbell_end[i].part != pi)
			continue;
		fprintf(out, "%s{\"doorbell\": ", first ? "" : ", ");
		node_str(out, b->cfg, cfg->doorbell[cfg->dbell_end[i].doorbell].node);
		fprintf(out, ", \"direction\": \"%s\"}",
			cfg->dbell_end[i].send ? "send" : "receive");
		first = 0;
	}
	fprintf(out, "], \"manages\": [");
	first = 1;
	for (int i = 0; i < cfg->nr_managers; i++) {
		if (cfg->manager[i].manager != pi)
			continue;
		fprintf(out, "%s", first ? "" : ", ");
		json_str(out, cfg->part[cfg->manager[i].managed].label);
		first = 0;
	}
	fprintf(out, "]}");
}

void config_explain_json(FILE *out, const struct bhctl_cfg *b)
{
	const struct hv_config *cfg = &b->model;
	const struct cfg_pma *m = cfg->hv.memory_pma >= 0 ? &cfg->pma[cfg->hv.memory_pma] : NULL;

	fprintf(out, "{\n  \"version\": %d,\n  \"partitions\": [\n", cfg->version);
	for (int pi = 0; pi < cfg->nr_parts; pi++) {
		json_partition(out, b, pi);
		fprintf(out, "%s\n", pi + 1 < cfg->nr_parts ? "," : "");
	}
	fprintf(out, "  ],\n  \"hypervisor\": {\"memory\": ");
	if (m)
		fprintf(out, "{\"phys\": %llu, \"size\": %llu}", (ull)m->phys.base,
			(ull)m->phys.size);
	else
		fprintf(out, "null");
	fprintf(out, ", ");
	json_devices(out, b, CFG_OWNER_HV);
	fprintf(out, ", ");
	json_channels(out, b, CFG_OWNER_HV);
	fprintf(out, "}\n}\n");
}
