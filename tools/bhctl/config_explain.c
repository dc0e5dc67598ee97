/* config_explain.c - "bhctl config explain": the model as a readable table or as JSON. */
#include <string.h>
#include <hv/fdt_util.h>
#include "bhctl.h"

typedef unsigned long long ull;

static const char *cpath(const struct bhctl_cfg *b, int node, char *buf, int len)
{
	if (fdt_get_path(b->cfg, node, buf, len) < 0)
		snprintf(buf, (size_t)len, "?");
	return buf;
}

/* Where a byte channel leads, as text. */
static void bc_peer(const struct bhctl_cfg *b, int i, char *buf, size_t len)
{
	const struct hv_config *cfg = &b->model;
	const struct cfg_byte_channel *bc = &cfg->bc[i];
	char p[256];

	if (bc->peer_kind == CFG_BC_MUX) {
		snprintf(buf, len, "mux %s channel %u",
			 cpath(b, cfg->mux[bc->peer].node, p, sizeof(p)), bc->mux_channel);
		return;
	}
	for (int j = 0; bc->peer_kind == CFG_BC_UNCONNECTED && j < cfg->nr_bcs; j++)
		if (cfg->bc[j].peer_kind == CFG_BC_CHANNEL && cfg->bc[j].peer == i) {
			snprintf(buf, len, "%s (%s)", cpath(b, cfg->bc[j].node, p, sizeof(p)),
				 config_owner_name(cfg, cfg->bc[j].owner));
			return;
		}
	if (bc->peer_kind == CFG_BC_CHANNEL)
		snprintf(buf, len, "%s (%s)", cpath(b, cfg->bc[bc->peer].node, p, sizeof(p)),
			 config_owner_name(cfg, cfg->bc[bc->peer].owner));
	else
		snprintf(buf, len, "unconnected");
}

/* " (in /localbus/flash@0,0)" when an image source is in a memory-like hardware node, else "". */
static const char *src_where(const struct bhctl_cfg *b, uint64_t pa, uint64_t size, char *buf,
			     size_t len)
{
	const struct cfg_hw *hw = &b->model.hw;
	char path[200];

	for (int i = 0; i < hw->nr_rom; i++) {
		if (pa < hw->rom[i].base || pa + size > hw->rom[i].base + hw->rom[i].size)
			continue;
		if (fdt_get_path(b->hw, hw->rom_node[i], path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "?");
		snprintf(buf, len, " (in %s)", path);
		return buf;
	}
	return "";
}

static void text_memory(FILE *out, const struct bhctl_cfg *b, int pi)
{
	const struct hv_config *cfg = &b->model;
	char p[256], who[160];

	fprintf(out, "  memory (guest -> physical):\n");
	for (int g = 0; g < cfg->nr_gpmas; g++) {
		const struct cfg_gpma *m = &cfg->gpma[g];
		const struct cfg_pma *a = &cfg->pma[m->pma];

		if (m->part != pi)
			continue;
		config_pma_users(cfg, m->pma, who, sizeof(who));
		fprintf(out, "    0x%09llx-0x%09llx -> 0x%09llx-0x%09llx %6llu MiB  %s",
			(ull)m->guest, (ull)(m->guest + a->phys.size - 1), (ull)a->phys.base,
			(ull)(a->phys.base + a->phys.size - 1), (ull)(a->phys.size >> 20),
			cpath(b, m->node, p, sizeof(p)));
		if (a->shared) /* implicit: by mapping alone, without bulkhead,shared */
			fprintf(out, " [shared%s: %s]", a->implicit_share ? " by mapping" : "",
				who);
		if (a->zero)
			fprintf(out, " [zeroed at boot]");
		fputc('\n', out);
	}
}

static void text_devices(FILE *out, const struct bhctl_cfg *b, int owner)
{
	const struct hv_config *cfg = &b->model;
	char p[256];

	fprintf(out, "  devices:\n");
	for (int d = 0; d < cfg->nr_devices; d++) {
		const struct cfg_device *dev = &cfg->device[d];
		struct fdt_region r;
		unsigned int irqs[16];
		int n;

		if (dev->owner != owner)
			continue;
		fprintf(out, "    %s\n", fdt_get_path(b->hw, dev->hw_node, p, sizeof(p)) ? "?" : p);
		if (dev->claimable != CFG_CLAIM_NONE)
			fprintf(out, "      claimable: %s (%s)\n",
				config_claim_name(dev->claimable),
				dev->claimable == CFG_CLAIM_ACTIVE
					? "holds it at boot"
					: "takes it with FH_CLAIM_DEVICE once the holder is stopped");
		for (int k = 0; !fdt_reg_phys(b->hw, dev->hw_node, k, &r); k++)
			fprintf(out, "      region 0x%09llx-0x%09llx (%llu bytes)\n", (ull)r.addr,
				(ull)(r.addr + r.size - 1), (ull)r.size);
		n = device_irqs(b->hw, dev->hw_node, irqs, 16);
		if (n) {
			fprintf(out, "      interrupts");
			for (int k = 0; k < n; k++)
				fprintf(out, " %u", irqs[k]);
			fputc('\n', out);
		}
		if (dev->dma_window >= 0) {
			const struct cfg_range *w = &cfg->dma_window[dev->dma_window].guest;

			fprintf(out, "      dma-window guest 0x%llx-0x%llx%s\n", (ull)w->base,
				(ull)(w->base + w->size - 1),
				dev->no_dma_disable ? " (no-dma-disable)" : "");
		}
	}
}

/* "gdb-stub NODE: mux M channel N, vcpus A-B[, waits for gdb at start]" (docs/gdb.md). */
static void text_gdb_stubs(FILE *out, const struct bhctl_cfg *b, int owner)
{
	const struct hv_config *cfg = &b->model;
	char p[256], m[256];

	for (int i = 0; i < cfg->nr_gdb_stubs; i++) {
		const struct cfg_gdb_stub *s = &cfg->gdb_stub[i];
		unsigned int first = s->first_vcpu, count = s->nr_vcpus;

		if (s->part != owner)
			continue;
		if (!count) /* every vCPU of the partition */
			count = (unsigned int)__builtin_popcountll(cfg->part[owner].cpus);
		fprintf(out, "  gdb-stub %s: mux %s channel %u, vcpu%s %u",
			cpath(b, s->node, p, sizeof(p)),
			cpath(b, cfg->mux[s->mux].node, m, sizeof(m)), s->mux_channel,
			count == 1 ? "" : "s", first);
		if (count > 1)
			fprintf(out, "-%u", first + count - 1);
		fprintf(out, "%s\n", s->wait_at_start ? ", waits for gdb at start" : "");
	}
}

static void text_links(FILE *out, const struct bhctl_cfg *b, int owner)
{
	const struct hv_config *cfg = &b->model;
	char p[256], q[320];

	for (int i = 0; i < cfg->nr_bcs; i++) {
		if (cfg->bc[i].owner != owner)
			continue;
		bc_peer(b, i, q, sizeof(q));
		fprintf(out, "  byte-channel %s <-> %s\n", cpath(b, cfg->bc[i].node, p, sizeof(p)),
			q);
	}
	for (int i = 0; i < cfg->nr_dbell_ends; i++) {
		const struct cfg_dbell_end *e = &cfg->dbell_end[i];

		if (e->part == owner)
			fprintf(out, "  doorbell %s %s\n", e->send ? "send" : "receive",
				cpath(b, cfg->doorbell[e->doorbell].node, p, sizeof(p)));
	}
	for (int i = 0; i < cfg->nr_managers; i++)
		if (cfg->manager[i].manager == owner)
			fprintf(out, "  manages \"%s\"\n",
				cfg->part[cfg->manager[i].managed].label);
	text_gdb_stubs(out, b, owner);
	for (int i = 0; i < cfg->nr_err_mgrs; i++)
		if (cfg->err_mgr[i].part == owner)
			fprintf(out, "  error-manager %s: doorbell to vcpu %u%s%s\n",
				cpath(b, cfg->err_mgr[i].node, p, sizeof(p)), cfg->err_mgr[i].vcpu,
				cfg->err_mgr[i].claimable ? ", claimable " : "",
				cfg->err_mgr[i].claimable
					? config_claim_name(cfg->err_mgr[i].claimable)
					: "");
}

void config_explain_text(FILE *out, const struct bhctl_cfg *b)
{
	const struct hv_config *cfg = &b->model;
	char p[256], cpus[96];

	for (int pi = 0; pi < cfg->nr_parts; pi++) {
		const struct cfg_partition *pt = &cfg->part[pi];

		config_format_cpus(pt->cpus, cpus, sizeof(cpus));
		fprintf(out, "partition \"%s\" (%s)\n  cpus: %s\n  start: %s\n", pt->label,
			cpath(b, pt->node, p, sizeof(p)), cpus,
			pt->no_auto_start ? "by a manager (no-auto-start)" : "at boot");
		text_memory(out, b, pi);
		if (pt->has_image)
			fprintf(out,
				"  image: 0x%llx bytes from physical 0x%llx%s to guest 0x%llx\n",
				(ull)pt->image_size, (ull)pt->image_src,
				src_where(b, pt->image_src, pt->image_size, p, sizeof(p)),
				(ull)pt->image_guest);
		if (pt->has_rootfs)
			fprintf(out,
				"  linux-rootfs: 0x%llx bytes from physical 0x%llx%s to guest "
				"0x%llx (/chosen linux,initrd-start)\n",
				(ull)pt->rootfs_src.size, (ull)pt->rootfs_src.base,
				src_where(b, pt->rootfs_src.base, pt->rootfs_src.size, p,
					  sizeof(p)),
				(ull)pt->rootfs_guest);
		if (pt->has_dtb_window)
			fprintf(out, "  dtb-window: guest 0x%llx-0x%llx\n",
				(ull)pt->dtb_window.base,
				(ull)(pt->dtb_window.base + pt->dtb_window.size - 1));
		if (pt->watchdog_ms)
			fprintf(out, "  watchdog: %u ms\n", pt->watchdog_ms);
		text_devices(out, b, pi);
		text_links(out, b, pi);
		fputc('\n', out);
	}
	fprintf(out, "hypervisor (%s)\n", cpath(b, cfg->hv.node, p, sizeof(p)));
	if (cfg->hv.memory_pma >= 0)
		fprintf(out, "  memory: 0x%09llx-0x%09llx\n",
			(ull)cfg->pma[cfg->hv.memory_pma].phys.base,
			(ull)(cfg->pma[cfg->hv.memory_pma].phys.base +
			      cfg->pma[cfg->hv.memory_pma].phys.size - 1));
	text_devices(out, b, CFG_OWNER_HV);
	text_links(out, b, CFG_OWNER_HV);
}
