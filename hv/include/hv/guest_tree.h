/* guest_tree.h - building a partition's device tree. */
#ifndef HV_GUEST_TREE_H
#define HV_GUEST_TREE_H

#include <stddef.h>
#include <hv/config.h>

struct partition;

/* Build p's tree into buf (size bytes); 0 or an hv code (libfdt's errors as -HV_EFDT_*). */
int guest_tree_build(const struct partition *p, const void *hw, const void *cfg_fdt,
		     const struct hv_config *cfg, void *buf, size_t size);

/* Apply the config node-update node `update` to node of fdt (recursively). */
int guest_tree_node_update(void *fdt, int node, const void *cfg_fdt, int update);

/* Topaz's node-update-phandle of p's devices (hv/guest/phandle_update.c), after the devices
 * are in fdt; 0 or a negative libfdt error. */
int guest_tree_phandle_updates(void *fdt, const struct partition *p, const void *hw,
			       const void *cfg_fdt, const struct hv_config *cfg);

#endif
