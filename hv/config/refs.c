/* refs.c - pass 2: turn the phandles read in pass 1 into entity indexes. */
#include <string.h>
#include <hv/fdt_util.h>
#include "priv.h"

/* Index of the entity of one of kinds whose node is node, or CFG_NONE; *kind gets its kind. */
int cfg_find_entity(struct cfg_ctx *c, int node, unsigned int kinds, unsigned int *kind)
{
	const struct hv_config *cfg = c->cfg;

#define FIND(k, arr, n)                                 \
	if (kinds & (k))                                \
		for (int i = 0; i < cfg->n; i++)        \
			if (cfg->arr[i].node == node) { \
				*kind = (k);            \
				return i;               \
			}
	FIND(K_PMA, pma, nr_pmas)
	FIND(K_DMA_WINDOW, dma_window, nr_dma_windows)
	FIND(K_DOORBELL, doorbell, nr_doorbells)
	FIND(K_MUX, mux, nr_muxes)
	FIND(K_PARTITION, part, nr_parts)
	FIND(K_BC, bc, nr_bcs)
	FIND(K_DEVICE, device, nr_devices)
	FIND(K_GPMA, gpma, nr_gpmas)
#undef FIND
	*kind = 0;
	return CFG_NONE;
}

void cfg_resolve_refs(struct cfg_ctx *c)
{
	for (int i = 0; i < c->nr_refs; i++) {
		struct cfg_ref *r = &c->refs[i];
		unsigned int kind;
		int idx = cfg_find_entity(c, r->target, r->kinds, &kind);

		if (idx < 0) {
			cfg_err(c, r->from, r->prop, "%s is not a %s", cfg_path(c, r->target),
				cfg_kind_name(r->kinds));
			continue;
		}
		*r->slot = idx;
		if (r->kind_slot)
			*r->kind_slot = (int)kind;
	}
	/* Sort the polymorphic references into the model's typed fields. */
	for (int i = 0; i < c->cfg->nr_bcs; i++) {
		struct cfg_byte_channel *bc = &c->cfg->bc[i];

		if (bc->peer == CFG_NONE)
			bc->peer_kind = CFG_BC_UNCONNECTED;
		else
			bc->peer_kind = c->bc_kind[i] == K_MUX ? CFG_BC_MUX : CFG_BC_CHANNEL;
	}
	if (c->hv_stdout != CFG_NONE) {
		if (c->hv_stdout_kind == K_DEVICE)
			c->cfg->hv.stdout_dev = c->hv_stdout;
		else
			c->cfg->hv.stdout_bc = c->hv_stdout;
	}
}

/* Memory-like nodes: an image (guest-image, linux-rootfs) may be copied from them as from
 * RAM. Flash (CFI/JEDEC NOR, the QorIQ boards' local bus), MTD RAM/ROM and on-chip SRAM. */
static const char *const rom_compats[] = { "cfi-flash", "jedec-flash", "mtd-ram",
					   "mtd-rom",   "mmio-sram",   NULL };

static void read_rom(struct cfg_ctx *c)
{
	struct cfg_hw *hw = &c->cfg->hw;
	int node;

	for (const char *const *cp = rom_compats; *cp; cp++) {
		fdt_for_each_compatible(c->hw, node, *cp)
		{
			struct fdt_region r;

			for (int i = 0;
			     hw->nr_rom < CFG_MAX_ROM && !fdt_reg_phys(c->hw, node, i, &r); i++) {
				if (!r.size)
					continue;
				hw->rom_node[hw->nr_rom] = node;
				hw->rom[hw->nr_rom++] = (struct cfg_range){ r.addr, r.size };
			}
		}
	}
}

/* What the checks need from the hardware tree: RAM and memory-like regions, CPU ids, whether
 * DMA goes through a PAMU. */
void cfg_read_hw(struct cfg_ctx *c)
{
	struct cfg_hw *hw = &c->cfg->hw;
	int node, cpus;

	read_rom(c);
	hw->has_pamu = fdt_node_offset_by_compatible(c->hw, -1, "fsl,pamu") >= 0 ||
		       fdt_node_offset_by_compatible(c->hw, -1, "fsl,p4080-pamu") >= 0;

	fdt_for_each_subnode(node, c->hw, 0)
	{
		const char *type = fdt_getprop(c->hw, node, "device_type", NULL);
		struct fdt_region r;

		if (!type || strcmp(type, "memory"))
			continue;
		for (int i = 0; hw->nr_ram < CFG_MAX_RAM && !fdt_reg_phys(c->hw, node, i, &r); i++)
			if (r.size)
				hw->ram[hw->nr_ram++] = (struct cfg_range){ r.addr, r.size };
	}
	cpus = fdt_path_offset(c->hw, "/cpus");
	if (cpus < 0)
		return;
	fdt_for_each_subnode(node, c->hw, cpus)
	{
		const char *type = fdt_getprop(c->hw, node, "device_type", NULL);
		uint32_t id = fdt_get_u32(c->hw, node, "reg", UINT32_MAX);

		if (type && !strcmp(type, "cpu") && id < CFG_MAX_CPUS &&
		    !(hw->cpus & (1ull << id))) {
			hw->cpus |= 1ull << id;
			hw->nr_cpus++;
		}
	}
}
