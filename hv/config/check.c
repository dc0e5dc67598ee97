/* check.c - pass 3: memory areas against RAM and each other; partitions' CPUs, labels,
 * guest memory, image and dtb window. */
#include <stdio.h>
#include <string.h>
#include "priv.h"

#define RNG_LEN 48

typedef unsigned long long ull;

static const char *rng(char *buf, uint64_t base, uint64_t size)
{
	snprintf(buf, RNG_LEN, "0x%llx-0x%llx", (ull)base, (ull)(base + (size - 1)));
	return buf;
}

static bool in_ram(const struct hv_config *cfg, const struct cfg_range *r)
{
	for (int i = 0; i < cfg->hw.nr_ram; i++)
		if (cfg_range_inside(r, &cfg->hw.ram[i]))
			return true;
	return false;
}

/* The memory-like hardware node (flash, SRAM) holding all of r, or CFG_NONE. */
static int in_rom(const struct hv_config *cfg, const struct cfg_range *r)
{
	for (int i = 0; i < cfg->hw.nr_rom; i++)
		if (cfg_range_inside(r, &cfg->hw.rom[i]))
			return i;
	return CFG_NONE;
}

/* "0x0-0x1fffffff, ..." for messages. */
static const char *ram_list(const struct hv_config *cfg, char *buf, size_t len)
{
	char r[RNG_LEN];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < cfg->hw.nr_ram && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      rng(r, cfg->hw.ram[i].base, cfg->hw.ram[i].size));
	return cfg->hw.nr_ram ? buf : "none";
}

void cfg_check_memory(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;
	char a[RNG_LEN], b[RNG_LEN], ram[160];

	if (cfg->hv.memory_pma >= 0)
		cfg->pma[cfg->hv.memory_pma].hv = true;
	for (int i = 0; i < cfg->nr_pmas; i++) {
		struct cfg_pma *p = &cfg->pma[i];

		if (!p->phys.size || cfg_range_end(&p->phys) < p->phys.base)
			continue;
		if (!in_ram(cfg, &p->phys))
			cfg_err(c, p->node, "addr",
				"%s is not inside RAM (hardware tree memory: %s)",
				rng(a, p->phys.base, p->phys.size),
				ram_list(cfg, ram, sizeof(ram)));
		if (p->zero && p->hv)
			cfg_err(c, p->node, "zero-pma",
				"is the hypervisor's memory (hv-memory): "
				"zeroing it would erase the hypervisor");
		for (int j = 0; j < i; j++) {
			struct cfg_pma *q = &cfg->pma[j];

			if (cfg_range_end(&q->phys) >= q->phys.base &&
			    cfg_ranges_overlap(&p->phys, &q->phys))
				cfg_err(c, p->node, "addr", "%s overlaps %s (%s)",
					rng(a, p->phys.base, p->phys.size), cfg_path(c, q->node),
					rng(b, q->phys.base, q->phys.size));
		}
	}
}

static void check_cpus(struct cfg_ctx *c, int pi)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_partition *p = &cfg->part[pi];
	char have[160];

	config_format_cpus(cfg->hw.cpus, have, sizeof(have));
	for (int cpu = 0; cpu < CFG_MAX_CPUS; cpu++) {
		if (!(p->cpus & (1ull << cpu)))
			continue;
		if (!(cfg->hw.cpus & (1ull << cpu))) {
			cfg_err(c, p->node, "cpus",
				"CPU %d does not exist (the hardware tree has "
				"CPUs %s)",
				cpu, have);
			continue;
		}
		for (int q = 0; q < pi; q++)
			if (cfg->part[q].cpus & (1ull << cpu))
				cfg_err(c, p->node, "cpus",
					"CPU %d is already assigned to partition "
					"\"%s\" (%s)",
					cpu, cfg->part[q].label, cfg_path(c, cfg->part[q].node));
	}
}

/* Topaz semantics: an area mapped by several partitions is shared memory, not scrubbed when
 * one of them restarts. Without bulkhead,shared that may be an accident: one warning line
 * per area, at its second user. */
static void share_implicitly(struct cfg_ctx *c, const struct cfg_gpma *g, const struct cfg_gpma *o)
{
	struct cfg_pma *pma = &c->cfg->pma[g->pma];

	pma->shared = true;
	pma->implicit_share = true;
	cfg_warn(c, pma->node, NULL,
		 "mapped by partitions \"%s\" (%s) and \"%s\" (%s): shared "
		 "memory, not scrubbed when a partition restarts (add bulkhead,shared to say so)",
		 c->cfg->part[o->part].label, cfg_path(c, o->node), c->cfg->part[g->part].label,
		 cfg_path(c, g->node));
}

/* One gpma: its area must be the partition's to use, its guest range must be free. */
static void check_gpma(struct cfg_ctx *c, int gi)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_gpma *g = &cfg->gpma[gi];
	struct cfg_pma *pma;
	struct cfg_range gr;
	char a[RNG_LEN], b[RNG_LEN];

	if (g->pma < 0)
		return;
	pma = &cfg->pma[g->pma];
	if (g->guest == UINT64_MAX)
		g->guest = pma->phys.base;
	if (pma->hv) {
		cfg_err(c, g->node, "phys-mem", "%s is the hypervisor's memory (hv-memory)",
			cfg_path(c, pma->node));
		return;
	}
	gr = (struct cfg_range){ g->guest, pma->phys.size };
	if (gr.size && cfg_range_end(&gr) < gr.base) {
		cfg_err(c, g->node, "guest-addr",
			"guest 0x%llx + size 0x%llx wraps past the 64-bit "
			"address space",
			(ull)gr.base, (ull)gr.size);
		g->pma = CFG_NONE; /* keep it out of the range checks */
		return;
	}
	for (int j = 0; j < gi; j++) {
		struct cfg_gpma *o = &cfg->gpma[j];
		struct cfg_range or ;

		if (o->pma < 0 || cfg->pma[o->pma].hv)
			continue;
		or = (struct cfg_range){ o->guest, cfg->pma[o->pma].phys.size };
		if (o->part == g->part && o->pma == g->pma)
			cfg_err(c, g->node, "phys-mem",
				"%s is already mapped in this partition by %s",
				cfg_path(c, pma->node), cfg_path(c, o->node));
		else if (o->part != g->part && o->pma == g->pma && !pma->shared)
			share_implicitly(c, g, o);
		if (o->part == g->part && gr.size && or.size && cfg_ranges_overlap(&gr, & or))
			cfg_err(c, g->node, "guest-addr", "guest %s overlaps %s (guest %s)",
				rng(a, gr.base, gr.size), cfg_path(c, o->node),
				rng(b, or.base, or.size));
	}
}

/* The gpma of partition pi whose guest range holds addr, or CFG_NONE. */
static int gpma_at(const struct hv_config *cfg, int pi, uint64_t addr)
{
	for (int i = 0; i < cfg->nr_gpmas; i++) {
		const struct cfg_gpma *g = &cfg->gpma[i];
		struct cfg_range r;

		if (g->part != pi || g->pma < 0 || cfg->pma[g->pma].hv)
			continue;
		r = (struct cfg_range){ g->guest, cfg->pma[g->pma].phys.size };
		if (r.size && addr >= r.base && addr <= cfg_range_end(&r))
			return i;
	}
	return CFG_NONE;
}

/* An image the hypervisor copies at each start (guest-image, linux-rootfs): from RAM outside
 * its own memory or from a memory-like node of the hardware tree (flash, SRAM; its reg
 * translated through the buses' ranges), into one guest memory area of the partition. */
static void check_load(struct cfg_ctx *c, int pi, const char *prop, struct cfg_range src,
		       uint64_t guest)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_partition *p = &cfg->part[pi];
	struct cfg_range dst = { guest, src.size };
	int g = gpma_at(cfg, pi, guest), hvm = cfg->hv.memory_pma;
	char a[RNG_LEN], b[RNG_LEN], ram[160];

	if (!src.size || cfg_range_end(&src) < src.base || cfg_range_end(&dst) < dst.base)
		return;
	if (g < 0) {
		cfg_err(c, p->node, prop,
			"guest load address 0x%llx is not inside the "
			"partition's memory",
			(ull)guest);
	} else {
		struct cfg_range gr = { cfg->gpma[g].guest, config_gpma_size(cfg, g) };

		if (!cfg_range_inside(&dst, &gr))
			cfg_err(c, p->node, prop,
				"0x%llx bytes at guest 0x%llx do not fit "
				"in %s (guest %s)",
				(ull)src.size, (ull)guest, cfg_path(c, cfg->gpma[g].node),
				rng(a, gr.base, gr.size));
	}
	if (!in_ram(cfg, &src) && in_rom(cfg, &src) < 0)
		cfg_err(c, p->node, prop,
			"source %s is neither inside RAM (hardware tree "
			"memory: %s) nor inside a memory-like node (flash, SRAM) of the hardware "
			"tree",
			rng(a, src.base, src.size), ram_list(cfg, ram, sizeof(ram)));
	else if (hvm >= 0 && cfg_ranges_overlap(&src, &cfg->pma[hvm].phys))
		cfg_err(c, p->node, prop,
			"source %s overlaps the hypervisor's memory "
			"(%s)",
			rng(a, src.base, src.size),
			rng(b, cfg->pma[hvm].phys.base, cfg->pma[hvm].phys.size));
}

static void check_image(struct cfg_ctx *c, int pi)
{
	struct cfg_partition *p = &c->cfg->part[pi];
	struct cfg_range img = { p->image_guest, p->image_size };
	struct cfg_range fs = { p->rootfs_guest, p->rootfs_src.size };
	char a[RNG_LEN], b[RNG_LEN];

	if (p->has_image)
		check_load(c, pi, "guest-image", (struct cfg_range){ p->image_src, p->image_size },
			   p->image_guest);
	if (!p->has_rootfs)
		return;
	check_load(c, pi, "linux-rootfs", p->rootfs_src, p->rootfs_guest);
	if (p->has_image && img.size && fs.size && cfg_ranges_overlap(&fs, &img))
		cfg_err(c, p->node, "linux-rootfs", "guest %s overlaps the guest-image (guest %s)",
			rng(a, fs.base, fs.size), rng(b, img.base, img.size));
}

static void check_dtb_window(struct cfg_ctx *c, int pi)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_partition *p = &cfg->part[pi];
	struct cfg_range *w = &p->dtb_window, img = { p->image_guest, p->image_size };
	int g = gpma_at(cfg, pi, w->base);
	char a[RNG_LEN], b[RNG_LEN];

	if (!p->has_dtb_window || !w->size || cfg_range_end(w) < w->base)
		return;
	if (g < 0 || !cfg_range_inside(w, &(struct cfg_range){ cfg->gpma[g].guest,
							       config_gpma_size(cfg, g) }))
		cfg_err(c, p->node, "dtb-window", "guest %s is not inside the partition's memory",
			rng(a, w->base, w->size));
	else if (p->has_image && img.size && cfg_ranges_overlap(w, &img))
		cfg_err(c, p->node, "dtb-window", "guest %s overlaps the guest-image (guest %s)",
			rng(a, w->base, w->size), rng(b, img.base, img.size));
	else if (p->has_rootfs && p->rootfs_src.size &&
		 cfg_ranges_overlap(w, &(struct cfg_range){ p->rootfs_guest, p->rootfs_src.size }))
		cfg_err(c, p->node, "dtb-window", "guest %s overlaps the linux-rootfs (guest %s)",
			rng(a, w->base, w->size), rng(b, p->rootfs_guest, p->rootfs_src.size));
}

/* All of the partition's guest memory is well-formed (else image checks would only echo). */
static bool memory_valid(const struct hv_config *cfg, int pi)
{
	for (int i = 0; i < cfg->nr_gpmas; i++)
		if (cfg->gpma[i].part == pi &&
		    (cfg->gpma[i].pma < 0 || !cfg->pma[cfg->gpma[i].pma].phys.size))
			return false;
	return true;
}

static bool has_memory(const struct hv_config *cfg, int pi)
{
	for (int i = 0; i < cfg->nr_gpmas; i++)
		if (cfg->gpma[i].part == pi)
			return true;
	return false;
}

void cfg_check_partitions(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;

	for (int gi = 0; gi < cfg->nr_gpmas; gi++)
		check_gpma(c, gi);
	for (int pi = 0; pi < cfg->nr_parts; pi++) {
		struct cfg_partition *p = &cfg->part[pi];

		check_cpus(c, pi);
		for (int q = 0; q < pi; q++)
			if (p->label[0] && !strcmp(p->label, cfg->part[q].label))
				cfg_err(c, p->node, "label", "\"%s\"%s is already used by %s",
					p->label,
					fdt_getprop(c->fdt, p->node, "label", NULL)
						? ""
						: " (the node name, as there is no label)",
					cfg_path(c, cfg->part[q].node));
		if (!has_memory(cfg, pi))
			cfg_err(c, p->node, NULL, "no memory: add a guest-phys-mem-area child");
		if (!memory_valid(cfg, pi))
			continue;
		check_image(c, pi);
		check_dtb_window(c, pi);
	}
}
