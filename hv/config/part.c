/* part.c - pass 1 for a partition node and its children, devices and byte channels. */
#include <stdio.h>
#include <string.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include "priv.h"

static void unknown_child(struct cfg_ctx *c, int node)
{
	const char *compat = fdt_getprop(c->fdt, node, "compatible", NULL);

	if (compat)
		cfg_err(c, node, "compatible",
			"node type \"%s\" is not supported in a partition "
			"(see docs/config.md)",
			compat);
	else
		cfg_err(c, node, NULL,
			"unknown node: neither a device assignment (no device "
			"property) nor a known type (no compatible)");
}

/* issue 5: pci-function = <device function> picks one function on bus 0 of the PCI host
 * bridge named by device (docs/config.md, docs/abi.md). */
static void parse_pci_function(struct cfg_ctx *c, int node, struct cfg_device *d)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, node, "pci-function", &len);
	const char *type;

	d->pci_function = CFG_NONE;
	if (!v)
		return;
	if (len != 8 || fdt32_to_cpu(v[0]) > 31 || fdt32_to_cpu(v[1]) > 7) {
		cfg_err(c, node, "pci-function",
			"must be <device function>, device 0-31, "
			"function 0-7");
		return;
	}
	type = d->hw_node >= 0 ? fdt_getprop(c->hw, d->hw_node, "device_type", NULL) : NULL;
	if (d->hw_node >= 0 && (!type || strcmp(type, "pci")))
		cfg_err(c, node, "pci-function", "%s is not a PCI host bridge", d->device);
	d->pci_function = (int)(fdt32_to_cpu(v[0]) << 3 | fdt32_to_cpu(v[1]));
}

/* DPAA (the QorIQ data path: QMan/BMan and their portals, FMan, PME, dpa-ethernet) is
 * refused by name, never silently: no emulator has it and Bulkhead has no support for it. */
static bool is_dpaa_word(const char *s, size_t n)
{
	static const char *const words[] = { "qman", "bman",         "fman",     "pme",
					     "dpaa", "dpa-ethernet", "fsl,dpaa", NULL };

	for (const char *const *w = words; *w; w++)
		if (strlen(*w) <= n && !strncmp(s, *w, strlen(*w)) &&
		    (strlen(*w) == n || !strchr("abcdefghijklmnopqrstuvwxyz", s[strlen(*w)])))
			return true;
	return false;
}

static bool is_dpaa(struct cfg_ctx *c, const char *device, int hw_node)
{
	static const char *const compats[] = { "fsl,qman", "fsl,bman", "fsl,fman",
					       "fsl,pme",  "fsl,dpa",  NULL };
	const char *p = device;

	while (p && *p) { /* any component of the path or alias */
		size_t n;

		p += *p == '/';
		n = strcspn(p, "/");
		if (is_dpaa_word(p, n))
			return true;
		p += n;
	}
	for (const char *const *cp = compats; hw_node >= 0 && *cp; cp++) {
		int len;
		const char *v = fdt_getprop(c->hw, hw_node, "compatible", &len);

		for (int i = 0; v && len > 0 && i < len; i += (int)strlen(v + i) + 1)
			if (!strncmp(v + i, *cp, strlen(*cp)))
				return true;
	}
	return false;
}

void cfg_refuse_dpaa(struct cfg_ctx *c, int node, const char *prop, const char *what)
{
	cfg_err(c, node, prop,
		"%s is part of DPAA (QMan/BMan portals, FMan, PME, dpa-ethernet): "
		"Bulkhead does not support DPAA",
		what);
}

/* Children of a device assignment: one node-update, node-update-phandle (phandle values
 * naming config device nodes, rewritten to the guest's nodes), and, on the IOMMU, Topaz's
 * error-config policies (accepted and ignored, docs/config.md). */
static int parse_device_children(struct cfg_ctx *c, int node)
{
	static const char *const ec_props[] = { "compatible", "domain", "error", "policy", NULL };
	int child, nu = -1;

	fdt_for_each_subnode(child, c->fdt, node)
	{
		const char *name = fdt_get_name(c->fdt, child, NULL);

		if (!strcmp(name, "node-update")) {
			if (nu >= 0)
				cfg_err(c, child, NULL, "at most one node-update per node");
			else
				cfg_parse_node_update(c, nu = child);
		} else if (!strcmp(name, "node-update-phandle") ||
			   !strncmp(name, "node-update-phandle@", 20)) {
			cfg_parse_node_update_phandle(c, child);
		} else if (cfg_has_compat(c, child, "error-config")) {
			cfg_check_props(c, child, ec_props);
			cfg_read_string(c, child, "domain", true);
			cfg_read_string(c, child, "error", false);
			cfg_read_string(c, child, "policy", true);
		} else {
			unknown_child(c, child);
		}
	}
	return nu;
}

int cfg_parse_device(struct cfg_ctx *c, int node, int owner)
{
	static const char *const props[] = { "device",    "dma-window",   "no-dma-disable",
					     "vcpu",      "pci-function", "no-dma",
					     "claimable", "map-ranges",   NULL };
	struct cfg_device *d;
	const char *dev = fdt_getprop(c->fdt, node, "device", NULL);

	if (dev && is_dpaa(c, dev, fdt_resolve_path(c->hw, dev))) {
		char what[96];

		snprintf(what, sizeof(what), "\"%.80s\"", dev);
		cfg_refuse_dpaa(c, node, "device", what);
		return -HV_EOPNOTSUPP;
	}
	cfg_check_props(c, node, props);
	if (c->cfg->nr_devices >= CFG_MAX_DEVICES) {
		cfg_err(c, node, NULL, "too many device assignments (max %d)", CFG_MAX_DEVICES);
		return -HV_ENOSPC;
	}
	d = &c->cfg->device[c->cfg->nr_devices++];
	d->node = node;
	d->owner = owner;
	d->hw_node = -1;
	d->node_update = parse_device_children(c, node);
	d->no_dma_disable = cfg_read_flag(c, node, "no-dma-disable");
	d->no_dma = cfg_read_flag(c, node, "no-dma");
	d->claimable = cfg_parse_claimable(c, node);
	d->map_ranges = cfg_read_flag(c, node, "map-ranges");
	cfg_read_ref(c, node, "dma-window", K_DMA_WINDOW, &d->dma_window, NULL, false);
	d->device = cfg_read_string(c, node, "device", true);
	if (!d->device)
		return -HV_EINVAL;
	d->hw_node = fdt_resolve_path(c->hw, d->device);
	if (d->hw_node < 0)
		cfg_err(c, node, "device",
			"\"%s\" is neither a path nor an alias in the hardware "
			"tree",
			d->device);
	parse_pci_function(c, node, d);
	return 0;
}

void cfg_parse_byte_channel(struct cfg_ctx *c, int node, int owner)
{
	static const char *const props[] = { "compatible", "endpoint", "mux-channel", NULL };
	struct cfg_byte_channel *bc;
	int i = c->cfg->nr_bcs;

	cfg_check_props(c, node, props);
	if (i >= CFG_MAX_BYTE_CHANNELS) {
		cfg_err(c, node, NULL, "too many byte channels (max %d)", CFG_MAX_BYTE_CHANNELS);
		return;
	}
	c->cfg->nr_bcs++;
	bc = &c->cfg->bc[i];
	bc->node = node;
	bc->owner = owner;
	bc->mux_channel = UINT32_MAX;
	c->bc_kind[i] = 0;
	fdt_for_each_subnode(node, c->fdt, bc->node) unknown_child(c, node);
	cfg_read_ref(c, bc->node, "endpoint", K_BC | K_MUX, &bc->peer, &c->bc_kind[i], false);
	cfg_read_u32(c, bc->node, "mux-channel", &bc->mux_channel, false);
}

static void parse_gpma(struct cfg_ctx *c, int node, int part)
{
	static const char *const props[] = { "compatible", "phys-mem", "guest-addr", NULL };
	struct cfg_gpma *g;

	cfg_check_props(c, node, props);
	if (c->cfg->nr_gpmas >= CFG_MAX_GPMAS) {
		cfg_err(c, node, NULL, "too many guest-phys-mem-areas (max %d)", CFG_MAX_GPMAS);
		return;
	}
	g = &c->cfg->gpma[c->cfg->nr_gpmas++];
	g->node = node;
	g->part = part;
	g->guest = UINT64_MAX; /* default: the area's physical address, set in pass 3 */
	cfg_node_update_child(c, node);
	cfg_read_ref(c, node, "phys-mem", K_PMA, &g->pma, NULL, true);
	if (cfg_read_u64s(c, node, "guest-addr", &g->guest, 1, "<addr-hi addr-lo>", false) > 0 &&
	    g->guest % CFG_PAGE_SIZE)
		cfg_err(c, node, "guest-addr",
			"0x%llx is not 4 KiB aligned (e500 TLB pages are "
			"4 KiB * 4^n)",
			(unsigned long long)g->guest);
}

static void parse_dbell_end(struct cfg_ctx *c, int node, int part, bool send)
{
	static const char *const props[] = { "compatible", "global-doorbell", NULL };
	struct cfg_dbell_end *e;

	cfg_check_props(c, node, props);
	if (c->cfg->nr_dbell_ends >= CFG_MAX_DBELL_ENDS) {
		cfg_err(c, node, NULL, "too many doorbell ends (max %d)", CFG_MAX_DBELL_ENDS);
		return;
	}
	e = &c->cfg->dbell_end[c->cfg->nr_dbell_ends++];
	e->node = node;
	e->part = part;
	e->send = send;
	fdt_for_each_subnode(node, c->fdt, e->node) unknown_child(c, node);
	cfg_read_ref(c, e->node, "global-doorbell", K_DOORBELL, &e->doorbell, NULL, true);
}

static void parse_manager(struct cfg_ctx *c, int node, int part)
{
	static const char *const props[] = { "compatible", "partition", NULL };
	struct cfg_manager *m;

	cfg_check_props(c, node, props);
	if (c->cfg->nr_managers >= CFG_MAX_MANAGERS) {
		cfg_err(c, node, NULL, "too many managed-partition nodes (max %d)",
			CFG_MAX_MANAGERS);
		return;
	}
	m = &c->cfg->manager[c->cfg->nr_managers++];
	m->node = node;
	m->manager = part;
	fdt_for_each_subnode(node, c->fdt, m->node) unknown_child(c, node);
	cfg_read_ref(c, m->node, "partition", K_PARTITION, &m->managed, NULL, true);
}

static bool is_descendant(const void *fdt, int node, int ancestor)
{
	int depth = fdt_node_depth(fdt, ancestor);

	return depth >= 0 && fdt_supernode_atdepth_offset(fdt, node, depth, NULL) == ancestor &&
	       node != ancestor;
}

static bool is_string(const void *v, int len)
{
	const char *s = v;

	for (int i = 0; i < len - 1; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return len > 1 && !s[len - 1];
}

/* The guest's aliases: phandles must name nodes of this partition; strings pass through. */
static void parse_aliases(struct cfg_ctx *c, int node, int part_node)
{
	int prop, child;

	fdt_for_each_property_offset(prop, c->fdt, node)
	{
		const char *name;
		int len, target;
		const fdt32_t *v = fdt_getprop_by_offset(c->fdt, prop, &name, &len);

		if (!v || !name || !strcmp(name, "phandle") || len != 4 || is_string(v, len))
			continue; /* a path string: the guest resolves it */
		target = cfg_phandle_node(c, fdt32_to_cpu(*v));
		if (target < 0)
			cfg_err(c, node, name, "phandle 0x%x does not refer to any node",
				fdt32_to_cpu(*v));
		else if (!is_descendant(c->fdt, target, part_node))
			cfg_err(c, node, name, "%s is not a node of this partition",
				cfg_path(c, target));
	}
	fdt_for_each_subnode(child, c->fdt, node) unknown_child(c, child);
}

static void parse_label(struct cfg_ctx *c, int node, struct cfg_partition *p)
{
	const char *label = cfg_read_string(c, node, "label", false);

	if (!label && fdt_getprop(c->fdt, node, "label", NULL))
		return;
	if (!label)
		label = fdt_get_name(c->fdt, node, NULL);
	if (strlen(label) >= CFG_LABEL_MAX)
		cfg_err(c, node, "label", "\"%s\" is longer than %d characters", label,
			CFG_LABEL_MAX - 1);
	snprintf(p->label, sizeof(p->label), "%s", label);
}

static void parse_cpus(struct cfg_ctx *c, int node, struct cfg_partition *p)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, node, "cpus", &len);

	if (!v) {
		cfg_err(c, node, "cpus", "missing required property <first count ...>");
		return;
	}
	if (len == 0 || len % 8) {
		cfg_err(c, node, "cpus", "must be pairs <first count ...>, got %d bytes", len);
		return;
	}
	for (int i = 0; i < len / 4; i += 2) {
		uint32_t first = fdt32_to_cpu(v[i]), count = fdt32_to_cpu(v[i + 1]);

		if (!count)
			cfg_err(c, node, "cpus", "range <%u %u> is empty", first, count);
		for (uint32_t cpu = first; count && cpu - first < count; cpu++) {
			if (cpu >= CFG_MAX_CPUS) {
				cfg_err(c, node, "cpus",
					"CPU %u is beyond Bulkhead's limit of %d "
					"CPUs",
					cpu, CFG_MAX_CPUS);
				break;
			}
			if (p->cpus & (1ull << cpu))
				cfg_err(c, node, "cpus", "CPU %u is listed twice", cpu);
			p->cpus |= 1ull << cpu;
		}
	}
}

/* bulkhead,watchdog-action = "reset" (default) | "stop" | "notify"; needs watchdog-timeout. */
static void parse_watchdog_action(struct cfg_ctx *c, int node, struct cfg_partition *p)
{
	static const char *const names[] = { "reset", "stop", "notify" };
	const char *a = cfg_read_string(c, node, "bulkhead,watchdog-action", false);

	p->watchdog_action = CFG_WATCHDOG_RESET;
	if (!a)
		return;
	for (unsigned int i = 0; i < 3; i++)
		if (!strcmp(a, names[i]))
			p->watchdog_action = (enum cfg_watchdog_action)i;
	if (strcmp(a, names[p->watchdog_action]))
		cfg_err(c, node, "bulkhead,watchdog-action",
			"\"%s\" is not one of \"reset\", "
			"\"stop\", \"notify\"",
			a);
	else if (!fdt_getprop(c->fdt, node, "watchdog-timeout", NULL))
		cfg_err(c, node, "bulkhead,watchdog-action", "needs watchdog-timeout");
}

/* device-ranges = <child-addr parent-addr size ...> (2 cells each, Topaz): where the guest
 * sees device regions. Accepted and ignored (docs/config.md): checked for shape only. */
static void parse_device_ranges(struct cfg_ctx *c, int node)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, node, "device-ranges", &len);

	if (!v)
		return;
	if (!len || len % 24) {
		cfg_err(c, node, "device-ranges",
			"must be triples <guest-hi guest-lo phys-hi "
			"phys-lo size-hi size-lo ...> (got %d bytes)",
			len);
		return;
	}
	for (int i = 0; i < len / 4; i += 6)
		if (!fdt_read_cells(v + i + 4, 2))
			cfg_err(c, node, "device-ranges", "entry %d has size 0", i / 6);
}

static void parse_part_props(struct cfg_ctx *c, int node, struct cfg_partition *p)
{
	static const char *const props[] = { "compatible",
					     "label",
					     "cpus",
					     "guest-image",
					     "linux-rootfs",
					     "dtb-window",
					     "no-auto-start",
					     "no-dma-disable",
					     "defer-dma-disable",
					     "guest-debug-disable",
					     "device-ranges",
					     "mpic-direct-eoi",
					     "watchdog-timeout",
					     "bulkhead,watchdog-action",
					     NULL };
	uint64_t v[3];

	cfg_check_props(c, node, props);
	parse_label(c, node, p);
	parse_cpus(c, node, p);
	if (cfg_read_u64s(c, node, "guest-image", v, 3,
			  "<src-hi src-lo guest-hi guest-lo "
			  "size-hi size-lo>",
			  false) > 0) {
		p->has_image = true;
		p->image_src = v[0];
		p->image_guest = v[1];
		p->image_size = v[2];
		if (!v[2])
			cfg_err(c, node, "guest-image", "image size must not be zero");
		else if (v[0] + (v[2] - 1) < v[0] || v[1] + (v[2] - 1) < v[1])
			cfg_err(c, node, "guest-image",
				"address + size wraps past the 64-bit "
				"address space");
	}
	if (cfg_read_u64s(c, node, "linux-rootfs", v, 3,
			  "<src-hi src-lo guest-hi guest-lo "
			  "size-hi size-lo>",
			  false) > 0) {
		p->has_rootfs = true;
		p->rootfs_src = (struct cfg_range){ v[0], v[2] };
		p->rootfs_guest = v[1];
		if (!v[2])
			cfg_err(c, node, "linux-rootfs", "size must not be zero");
		else if (v[0] + (v[2] - 1) < v[0] || v[1] + (v[2] - 1) < v[1])
			cfg_err(c, node, "linux-rootfs",
				"address + size wraps past the 64-bit "
				"address space");
	}
	if (cfg_read_u64s(c, node, "dtb-window", v, 2, "<guest-hi guest-lo size-hi size-lo>",
			  false) > 0) {
		p->has_dtb_window = true;
		p->dtb_window = (struct cfg_range){ v[0], v[1] };
		if (!v[1])
			cfg_err(c, node, "dtb-window", "size must not be zero");
		else if (v[0] + (v[1] - 1) < v[0])
			cfg_err(c, node, "dtb-window",
				"address + size wraps past the 64-bit address "
				"space");
		else if (v[0] % CFG_PAGE_SIZE)
			cfg_err(c, node, "dtb-window", "guest 0x%llx is not 4 KiB aligned",
				(unsigned long long)v[0]);
	}
	p->no_auto_start = cfg_read_flag(c, node, "no-auto-start");
	p->no_dma_disable = cfg_read_flag(c, node, "no-dma-disable");
	p->defer_dma_disable = cfg_read_flag(c, node, "defer-dma-disable");
	p->guest_debug_disable = cfg_read_flag(c, node, "guest-debug-disable");
	cfg_read_flag(c, node, "mpic-direct-eoi");
	parse_device_ranges(c, node);
	if (p->no_dma_disable && p->defer_dma_disable)
		cfg_err(c, node, "defer-dma-disable",
			"cannot go with no-dma-disable (DMA that is "
			"never disabled cannot have its disable deferred)");
	if (cfg_read_u32(c, node, "watchdog-timeout", &p->watchdog_ms, false) > 0 &&
	    (!p->watchdog_ms || p->watchdog_ms > CFG_WATCHDOG_MAX_MS))
		cfg_err(c, node, "watchdog-timeout", "%u ms is outside 1..%u ms", p->watchdog_ms,
			CFG_WATCHDOG_MAX_MS);
	parse_watchdog_action(c, node, p);
}

static void parse_part_child(struct cfg_ctx *c, int child, int idx)
{
	struct cfg_partition *p = &c->cfg->part[idx];
	const char *name = fdt_get_name(c->fdt, child, NULL);
	bool plain = !fdt_getprop(c->fdt, child, "compatible", NULL);

	/* node-update is recognised by its name: its properties (a "compatible" among them,
	 * e.g. the guest root's "fsl,P4080DS-hv" as in Topaz) are values for the guest tree,
	 * not a node type of the config */
	if (!strcmp(name, "node-update") && p->node_update < 0) {
		p->node_update = child;
		cfg_parse_node_update(c, child);
	} else if (plain && !strcmp(name, "aliases") && p->aliases < 0) {
		p->aliases = child;
		parse_aliases(c, child, p->node);
	} else if (cfg_has_compat(c, child, "guest-phys-mem-area")) {
		parse_gpma(c, child, idx);
	} else if (cfg_has_compat(c, child, "byte-channel")) {
		cfg_parse_byte_channel(c, child, idx);
	} else if (cfg_has_compat(c, child, "send-doorbell")) {
		parse_dbell_end(c, child, idx, true);
	} else if (cfg_has_compat(c, child, "receive-doorbell")) {
		parse_dbell_end(c, child, idx, false);
	} else if (cfg_has_compat(c, child, "managed-partition")) {
		parse_manager(c, child, idx);
	} else if (cfg_has_compat(c, child, "gdb-stub")) {
		cfg_parse_gdb_stub(c, child, idx);
	} else if (cfg_has_compat(c, child, "error-manager")) {
		cfg_parse_error_manager(c, child, idx);
	} else if (plain && fdt_getprop(c->fdt, child, "device", NULL)) {
		cfg_parse_device(c, child, idx);
	} else if (!strcmp(name, "node-update")) {
		cfg_err(c, child, NULL, "a partition has at most one node-update");
	} else if (plain && !strcmp(name, "portal-devices")) {
		cfg_refuse_dpaa(c, child, NULL, "portal-devices (devices given QMan/BMan portals)");
	} else {
		unknown_child(c, child);
	}
}

void cfg_parse_partition(struct cfg_ctx *c, int node)
{
	struct cfg_partition *p;
	int idx = c->cfg->nr_parts, child;

	if (idx >= CFG_MAX_PARTITIONS) {
		cfg_err(c, node, NULL, "too many partitions (max %d)", CFG_MAX_PARTITIONS);
		return;
	}
	c->cfg->nr_parts++;
	p = &c->cfg->part[idx];
	p->node = node;
	p->node_update = -1;
	p->aliases = -1;
	parse_part_props(c, node, p);
	fdt_for_each_subnode(child, c->fdt, node) parse_part_child(c, child, idx);
}
