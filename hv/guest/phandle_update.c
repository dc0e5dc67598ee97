/* phandle_update.c - Topaz's node-update-phandle in a partition's guest tree: a device's
 * config child node-update-phandle { fsl,msi = <&msi0>; } sets fsl,msi in the guest's copy
 * of the device to the phandle of the guest's copy of the device that config node msi0
 * assigns (giving it a phandle when it has none). Both must be devices of the partition
 * placed by their hardware path (not PCI functions). The validator checked the shape. */
#include <string.h>
#include <libfdt.h>
#include <hv/config.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include <hv/guest_tree.h>
#include <hv/partition.h>

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0)

/* The guest node of config device index i: the hardware node's path in the guest tree. */
static int guest_node_of(void *fdt, const void *hw, const struct hv_config *cfg, int i)
{
	char path[256];

	if (cfg->device[i].hw_node < 0 || cfg->device[i].pci_function >= 0 ||
	    fdt_get_path(hw, cfg->device[i].hw_node, path, sizeof(path)) < 0)
		return -HV_ENOENT;
	return hv_err_fdt(fdt_path_offset(fdt, path));
}

/* The guest phandle of the device config node target assigns in partition pi, or < 0. */
static int guest_phandle(void *fdt, const void *hw, const struct hv_config *cfg, int pi, int target,
			 uint32_t *ph)
{
	int node = -HV_ENOENT;

	for (int j = 0; j < cfg->nr_devices && node < 0; j++)
		if (cfg->device[j].node == target && cfg->device[j].owner == pi)
			node = guest_node_of(fdt, hw, cfg, j);
	TRY(node);
	*ph = fdt_get_phandle(fdt, node);
	if (*ph)
		return 0;
	FDT_TRY(fdt_generate_phandle(fdt, ph));
	return hv_err_fdt(fdt_setprop_u32(fdt, node, "phandle", *ph));
}

/* Apply one node-update-phandle node (upd, config tree) to the guest node of device i. */
static int apply(void *fdt, int i, const void *hw, const void *cfg_fdt, const struct hv_config *cfg,
		 int pi, int upd)
{
	int prop;

	fdt_for_each_property_offset(prop, cfg_fdt, upd)
	{
		const char *name;
		int len;
		const fdt32_t *v = fdt_getprop_by_offset(cfg_fdt, prop, &name, &len);
		uint32_t ph;

		if (!v || len != 4 || !strcmp(name, "phandle") || !strcmp(name, "linux,phandle"))
			continue;
		TRY(guest_phandle(fdt, hw, cfg, pi,
				  fdt_node_offset_by_phandle(cfg_fdt, fdt32_to_cpu(*v)), &ph));
		/* offsets move when a phandle is added: look the device up afterwards */
		FDT_TRY(fdt_setprop_u32(fdt, guest_node_of(fdt, hw, cfg, i), name, ph));
	}
	return 0;
}

int guest_tree_phandle_updates(void *fdt, const struct partition *p, const void *hw,
			       const void *cfg_fdt, const struct hv_config *cfg)
{
	for (int i = 0; i < cfg->nr_devices; i++) {
		int child;

		if (cfg->device[i].owner != p->cfg_index)
			continue;
		fdt_for_each_subnode(child, cfg_fdt, cfg->device[i].node)
		{
			const char *name = fdt_get_name(cfg_fdt, child, NULL);

			if (strcmp(name, "node-update-phandle") &&
			    strncmp(name, "node-update-phandle@", 20))
				continue;
			TRY(guest_node_of(fdt, hw, cfg, i));
			TRY(apply(fdt, i, hw, cfg_fdt, cfg, p->cfg_index, child));
		}
	}
	return 0;
}
