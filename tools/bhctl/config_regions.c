/* config_regions.c - who owns which part of the physical address space; device interrupts. */
#include <stdlib.h>
#include <string.h>
#include <hv/fdt_util.h>
#include "bhctl.h"

static int pma_owner(const struct hv_config *cfg, int pma, int *users)
{
	int owner = CFG_NONE;

	*users = 0;
	if (cfg->pma[pma].hv)
		return CFG_OWNER_HV;
	for (int g = 0; g < cfg->nr_gpmas; g++) {
		if (cfg->gpma[g].pma != pma)
			continue;
		if (owner == CFG_NONE || owner != cfg->gpma[g].part)
			(*users)++;
		if (owner == CFG_NONE)
			owner = cfg->gpma[g].part;
	}
	return owner;
}

/* "p1, p2": the labels of the partitions mapping area pma, each once, truncated to len. */
void config_pma_users(const struct hv_config *cfg, int pma, char *buf, size_t len)
{
	uint64_t seen = 0;
	size_t n = 0;

	buf[0] = '\0';
	for (int g = 0; g < cfg->nr_gpmas && n < len; g++) {
		int p = cfg->gpma[g].part;

		if (cfg->gpma[g].pma != pma || (seen >> p & 1))
			continue;
		seen |= 1ull << p;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", cfg->part[p].label);
	}
}

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* Free RAM: the parts of RAM region ram that no PMA covers (pmas sorted by base). */
static int free_ram(const struct cfg_range *ram, const struct region *r, int nr, struct region *out,
		    int max)
{
	uint64_t at = ram->base, end = ram->base + ram->size;
	int n = 0;

	for (int i = 0; i <= nr && n < max; i++) {
		uint64_t next = i < nr ? r[i].base : end;

		if (i < nr &&
		    (r[i].kind != REG_PMA || r[i].base + r[i].size <= at || r[i].base >= end))
			continue;
		if (next > at)
			out[n++] = (struct region){ REG_RAM, at, (next > end ? end : next) - at,
						    CFG_NONE, "free RAM" };
		if (i < nr && r[i].base + r[i].size > at)
			at = r[i].base + r[i].size;
	}
	return n;
}

int config_regions(const struct bhctl_cfg *b, struct region *out, int max)
{
	const struct hv_config *cfg = &b->model;
	int n = 0, users, npma;

	for (int i = 0; i < cfg->nr_pmas && n < max; i++) {
		struct region *r = &out[n++];
		const char *name = fdt_get_name(b->cfg, cfg->pma[i].node, NULL);

		r->kind = REG_PMA;
		r->base = cfg->pma[i].phys.base;
		r->size = cfg->pma[i].phys.size;
		r->owner = pma_owner(cfg, i, &users);
		if (users > 1) { /* every user named: shared memory belongs to all of them */
			char who[64];

			config_pma_users(cfg, i, who, sizeof(who));
			snprintf(r->name, sizeof(r->name), "%s (shared: %s)", name ? name : "?",
				 who);
		} else {
			snprintf(r->name, sizeof(r->name), "%s%s", name ? name : "?",
				 r->owner == CFG_NONE ? " (unused)" : "");
		}
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_region);
	npma = n;
	for (int i = 0; i < cfg->hw.nr_ram; i++)
		n += free_ram(&cfg->hw.ram[i], out, npma, out + n, max - n);
	for (int d = 0; d < cfg->nr_devices; d++) {
		const struct cfg_device *dev = &cfg->device[d];
		struct fdt_region reg;

		for (int k = 0;
		     dev->hw_node >= 0 && n < max && !fdt_reg_phys(b->hw, dev->hw_node, k, &reg);
		     k++) {
			struct region *r = &out[n++];

			*r = (struct region){ REG_DEVICE, reg.addr, reg.size, dev->owner, "" };
			snprintf(r->name, sizeof(r->name), "%s",
				 fdt_get_name(b->hw, dev->hw_node, NULL));
		}
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_region);
	return n;
}

/* #interrupt-cells of the node's interrupt parent (default 1). */
static int irq_cells(const void *hw, int node)
{
	for (int n = node; n >= 0; n = fdt_parent_offset(hw, n)) {
		int len;
		const fdt32_t *ip = fdt_getprop(hw, n, "interrupt-parent", &len);

		if (ip && len == 4) {
			int pic = fdt_node_offset_by_phandle(hw, fdt32_to_cpu(*ip));

			return pic < 0 ? 1 : (int)fdt_get_u32(hw, pic, "#interrupt-cells", 1);
		}
	}
	return 1;
}

int device_irqs(const void *hw, int node, unsigned int *irqs, int max)
{
	int len, cells = irq_cells(hw, node), n = 0;
	const fdt32_t *v = fdt_getprop(hw, node, "interrupts", &len);

	if (!v || cells < 1)
		return 0;
	for (int i = 0; i + cells <= len / 4 && n < max; i += cells)
		irqs[n++] = fdt32_to_cpu(v[i]);
	return n;
}
