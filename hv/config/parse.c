/* parse.c - config_load() and pass 1: the root, containers and the global node types. */
#include <string.h>
#include <stdlib.h>
#include <hv/fdt_util.h>
#include "priv.h"

static struct cfg_ctx the_ctx;   /* large: keep it off the hypervisor's small stacks */
static config_report_fn warn_fn; /* config_set_warning_handler() */
static void *warn_ctx;

void config_set_warning_handler(config_report_fn warn, void *ctx)
{
	warn_fn = warn;
	warn_ctx = ctx;
}

/* A child that no rule accepts. */
static void unknown_node(struct cfg_ctx *c, int node)
{
	const char *compat = fdt_getprop(c->fdt, node, "compatible", NULL);

	if (compat)
		cfg_err(c, node, "compatible",
			"node type \"%s\" is not supported here "
			"(see docs/config.md)",
			compat);
	else
		cfg_err(c, node, NULL,
			"unknown node (not supported by Bulkhead here, "
			"see docs/config.md)");
}

static void no_children(struct cfg_ctx *c, int node)
{
	int child;

	fdt_for_each_subnode(child, c->fdt, node) unknown_node(c, child);
}

/* Only node-update children are allowed (device, guest-phys-mem-area). */
int cfg_node_update_child(struct cfg_ctx *c, int node)
{
	int child, nu = -1;

	fdt_for_each_subnode(child, c->fdt, node)
	{
		bool is_update = !strcmp(fdt_get_name(c->fdt, child, NULL), "node-update");

		if (is_update && nu < 0) {
			nu = child;
			cfg_parse_node_update(c, child);
		} else if (is_update) {
			cfg_err(c, child, NULL, "at most one node-update per node");
		} else {
			unknown_node(c, child);
		}
	}
	return nu;
}

static bool valid_stringlist(const char *p, int len, int min)
{
	int n = 0;

	if (!p || len < 2 || p[len - 1])
		return false;
	for (int i = 0; i < len; i += (int)strlen(p + i) + 1, n++)
		if (!p[i])
			return false;
	return n >= min;
}

/* node-update: verbs applied to the guest's copy of a node; other properties are set as is. */
void cfg_parse_node_update(struct cfg_ctx *c, int node)
{
	static const char *const verbs[] = { "delete-prop", "delete-node", "prepend-stringlist" };
	int prop, child;

	fdt_for_each_property_offset(prop, c->fdt, node)
	{
		const char *name;
		int len;
		const char *val = fdt_getprop_by_offset(c->fdt, prop, &name, &len);

		if (!val || !name)
			continue;
		for (int i = 0; i < 3; i++) {
			if (strcmp(name, verbs[i]))
				continue;
			if (!valid_stringlist(val, len, i == 2 ? 2 : 1))
				cfg_err(c, node, name,
					i == 2 ? "must be \"property\", \"string\", ... (at least 2 strings)"
					       : "must be a list of non-empty strings");
		}
		if (!strcmp(name, "delete-subnodes") && len)
			cfg_err(c, node, name, "is a flag and takes no value");
	}
	fdt_for_each_subnode(child, c->fdt, node) cfg_parse_node_update(c, child);
}

/* node-update-phandle (Topaz): each property is one phandle naming a device assignment of the
 * config; the guest's copy of the device gets the property pointing at that device's node in
 * the guest tree (e.g. a PCI controller's fsl,msi = <&msi0>). */
void cfg_parse_node_update_phandle(struct cfg_ctx *c, int node)
{
	int prop, child;

	fdt_for_each_property_offset(prop, c->fdt, node)
	{
		const char *name;
		int len, target;
		const fdt32_t *v = fdt_getprop_by_offset(c->fdt, prop, &name, &len);

		if (!v || !name || !strcmp(name, "phandle") || !strcmp(name, "linux,phandle"))
			continue;
		target = len == 4 ? cfg_phandle_node(c, fdt32_to_cpu(*v)) : -1;
		if (len != 4)
			cfg_err(c, node, name, "must be one phandle (got %d bytes)", len);
		else if (target < 0)
			cfg_err(c, node, name, "phandle 0x%x does not refer to any node",
				fdt32_to_cpu(*v));
		else if (!fdt_getprop(c->fdt, target, "device", NULL))
			cfg_err(c, node, name, "%s is not a device assignment",
				cfg_path(c, target));
	}
	fdt_for_each_subnode(child, c->fdt, node) unknown_node(c, child);
}

/* addr and size of a phys-mem-area; false (reported) unless both are present and valid. */
static bool pma_addr_size(struct cfg_ctx *c, int node, uint64_t *addr, uint64_t *size)
{
	bool ok = cfg_read_u64s(c, node, "addr", addr, 1, "<addr-hi addr-lo>", true) > 0;

	if (ok && *addr % CFG_PAGE_SIZE) {
		cfg_err(c, node, "addr",
			"0x%llx is not 4 KiB aligned (e500 TLB pages are "
			"4 KiB * 4^n: areas start and end on 4 KiB boundaries)",
			(unsigned long long)*addr);
		ok = false;
	}
	if (cfg_read_u64s(c, node, "size", size, 1, "<size-hi size-lo>", true) <= 0)
		return false;
	if (!*size) {
		cfg_err(c, node, "size", "must not be zero");
		return false;
	}
	if (*size % CFG_PAGE_SIZE) {
		cfg_err(c, node, "size",
			"0x%llx is not a multiple of 4 KiB (e500 TLB pages are "
			"4 KiB * 4^n)",
			(unsigned long long)*size);
		return false;
	}
	if (ok && *addr + (*size - 1) < *addr) {
		cfg_err(c, node, "size", "addr + size wraps past the 64-bit address space");
		return false;
	}
	return ok;
}

static void parse_pma(struct cfg_ctx *c, int node)
{
	static const char *const props[] = { "compatible",      "addr",     "size",
					     "bulkhead,shared", "zero-pma", NULL };
	uint64_t addr = 0, size = 0;
	struct cfg_pma *p;

	cfg_check_props(c, node, props);
	no_children(c, node);
	if (c->cfg->nr_pmas >= CFG_MAX_PMAS) {
		cfg_err(c, node, NULL, "too many phys-mem-areas (max %d)", CFG_MAX_PMAS);
		return;
	}
	p = &c->cfg->pma[c->cfg->nr_pmas++];
	p->node = node;
	p->shared = cfg_read_flag(c, node, "bulkhead,shared");
	p->zero = cfg_read_flag(c, node, "zero-pma");
	if (pma_addr_size(c, node, &addr, &size))
		p->phys = (struct cfg_range){ addr, size }; /* else size 0: skipped later */
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* A dma-subwindow child: its guest range must be one slot of the window (aligned to the slot
 * size, inside the window), at most the slot's size, a power of two of at least 4 KiB. */
static void parse_subwindow(struct cfg_ctx *c, int node, int wi)
{
	static const char *const props[] = { "compatible", "guest-addr", "size",
					     "pcie-msi-subwindow", NULL };
	struct cfg_dma_window *w = &c->cfg->dma_window[wi];
	uint64_t slot = w->subwindow_count ? w->guest.size / w->subwindow_count : 0;
	uint64_t addr = 0, size = slot;
	struct cfg_subwindow *sw;

	cfg_check_props(c, node, props);
	no_children(c, node);
	if (c->cfg->nr_subwindows >= CFG_MAX_SUBWINDOWS) {
		cfg_err(c, node, NULL, "too many dma-subwindows (max %d)", CFG_MAX_SUBWINDOWS);
		return;
	}
	sw = &c->cfg->subwindow[c->cfg->nr_subwindows++];
	sw->node = node;
	sw->window = wi;
	sw->pcie_msi = cfg_read_flag(c, node, "pcie-msi-subwindow");
	w->nr_subwindows++;
	if (cfg_read_u64s(c, node, "guest-addr", &addr, 1, "<addr-hi addr-lo>", true) <= 0)
		return;
	cfg_read_u64s(c, node, "size", &size, 1, "<size-hi size-lo>", false);
	sw->guest = (struct cfg_range){ addr, size };
	if (!slot || !w->guest.size)
		return; /* the window's own error is reported */
	if (addr < w->guest.base || addr - w->guest.base >= w->guest.size || addr % slot)
		cfg_err(c, node, "guest-addr",
			"0x%llx is not the start of one of the window's %u "
			"sub-windows (0x%llx bytes each from 0x%llx)",
			(unsigned long long)addr, w->subwindow_count, (unsigned long long)slot,
			(unsigned long long)w->guest.base);
	else if (!is_pow2(size) || size < CFG_PAGE_SIZE || size > slot)
		cfg_err(c, node, "size",
			"0x%llx is not a power of two from 4 KiB to the "
			"sub-window size 0x%llx",
			(unsigned long long)size, (unsigned long long)slot);
	for (int i = w->first_subwindow; i < c->cfg->nr_subwindows - 1; i++)
		if (c->cfg->subwindow[i].window == wi && c->cfg->subwindow[i].guest.base == addr)
			cfg_err(c, node, "guest-addr",
				"sub-window 0x%llx is already described "
				"by %s",
				(unsigned long long)addr, cfg_path(c, c->cfg->subwindow[i].node));
}

/* subwindow-count = <n>: n a power of two, 2..CFG_MAX_SUBWIN_COUNT; each slot is mapped only
 * when a dma-subwindow child describes it. Without it a dma-window has no children. */
static void parse_subwindows(struct cfg_ctx *c, int node, int wi)
{
	struct cfg_dma_window *w = &c->cfg->dma_window[wi];
	int child;

	w->first_subwindow = c->cfg->nr_subwindows;
	if (!fdt_getprop(c->fdt, node, "subwindow-count", NULL)) {
		no_children(c, node);
		return;
	}
	if (cfg_read_u32(c, node, "subwindow-count", &w->subwindow_count, false) <= 0)
		return;
	if (!is_pow2(w->subwindow_count) || w->subwindow_count < 2 ||
	    w->subwindow_count > CFG_MAX_SUBWIN_COUNT) {
		cfg_err(c, node, "subwindow-count", "%u is not a power of two from 2 to %d",
			w->subwindow_count, CFG_MAX_SUBWIN_COUNT);
		w->subwindow_count = 0;
		return;
	}
	if (w->guest.size && w->guest.size / w->subwindow_count < CFG_PAGE_SIZE)
		cfg_err(c, node, "subwindow-count",
			"%u sub-windows of a 0x%llx-byte window are "
			"smaller than 4 KiB",
			w->subwindow_count, (unsigned long long)w->guest.size);
	fdt_for_each_subnode(child, c->fdt, node)
	{
		if (cfg_has_compat(c, child, "dma-subwindow"))
			parse_subwindow(c, child, wi);
		else
			unknown_node(c, child);
	}
}

static void parse_dma_window(struct cfg_ctx *c, int node)
{
	static const char *const props[] = { "compatible", "guest-addr", "size", "subwindow-count",
					     NULL };
	uint64_t addr = 0, size = 0;
	struct cfg_dma_window *w;

	cfg_check_props(c, node, props);
	if (c->cfg->nr_dma_windows >= CFG_MAX_DMA_WINDOWS) {
		cfg_err(c, node, NULL, "too many dma-windows (max %d)", CFG_MAX_DMA_WINDOWS);
		return;
	}
	w = &c->cfg->dma_window[c->cfg->nr_dma_windows++];
	w->node = node;
	cfg_read_u64s(c, node, "guest-addr", &addr, 1, "<addr-hi addr-lo>", true);
	if (cfg_read_u64s(c, node, "size", &size, 1, "<size-hi size-lo>", true) > 0) {
		if (!is_pow2(size) || size < CFG_PAGE_SIZE)
			cfg_err(c, node, "size",
				"0x%llx is not a power of two of at least 4 KiB "
				"(IOMMU windows are 2^n bytes)",
				(unsigned long long)size);
		else if (addr & (size - 1))
			cfg_err(c, node, "guest-addr",
				"0x%llx is not aligned to the window size "
				"0x%llx",
				(unsigned long long)addr, (unsigned long long)size);
	}
	w->guest = (struct cfg_range){ addr, size };
	parse_subwindows(c, node, c->cfg->nr_dma_windows - 1);
}

static void parse_doorbell(struct cfg_ctx *c, int node)
{
	static const char *const props[] = { "compatible", NULL };

	cfg_check_props(c, node, props);
	no_children(c, node);
	if (c->cfg->nr_doorbells >= CFG_MAX_DOORBELLS) {
		cfg_err(c, node, NULL, "too many doorbells (max %d)", CFG_MAX_DOORBELLS);
		return;
	}
	c->cfg->doorbell[c->cfg->nr_doorbells++].node = node;
}

static void parse_mux(struct cfg_ctx *c, int node)
{
	static const char *const props[] = { "compatible", "endpoint", NULL };
	struct cfg_mux *m;

	cfg_check_props(c, node, props);
	no_children(c, node);
	if (c->cfg->nr_muxes >= CFG_MAX_MUXES) {
		cfg_err(c, node, NULL, "too many byte-channel-muxes (max %d)", CFG_MAX_MUXES);
		return;
	}
	m = &c->cfg->mux[c->cfg->nr_muxes++];
	m->node = node;
	cfg_read_ref(c, node, "endpoint", K_DEVICE, &m->device, NULL, true);
}

static void parse_hv_memory(struct cfg_ctx *c, int node)
{
	static const char *const props[] = { "compatible", "phys-mem", NULL };

	cfg_check_props(c, node, props);
	no_children(c, node);
	if (c->hv_memory_node >= 0) {
		cfg_err(c, node, NULL, "a second hv-memory (the first is %s)",
			cfg_path(c, c->hv_memory_node));
		return;
	}
	c->hv_memory_node = node;
	cfg_read_ref(c, node, "phys-mem", K_PMA, &c->cfg->hv.memory_pma, NULL, true);
}

static void parse_hv_config(struct cfg_ctx *c, int node)
{
	static const char *const props[] = { "compatible",
					     "stdout",
					     "watchdog-enable",
					     "legacy-interrupts",
					     "sysreset-on-partition-stop",
					     NULL };
	struct cfg_hv *hv = &c->cfg->hv;
	int child;

	if (hv->node >= 0) {
		cfg_err(c, node, NULL, "a second hv-config (the first is %s)",
			cfg_path(c, hv->node));
		return;
	}
	hv->node = node;
	cfg_check_props(c, node, props);
	hv->watchdog_enable = cfg_read_flag(c, node, "watchdog-enable");
	hv->sysreset_on_stop = cfg_read_flag(c, node, "sysreset-on-partition-stop");
	cfg_read_flag(c, node, "legacy-interrupts");
	cfg_read_ref(c, node, "stdout", K_BC | K_DEVICE, &c->hv_stdout, &c->hv_stdout_kind, false);
	fdt_for_each_subnode(child, c->fdt, node)
	{
		if (cfg_has_compat(c, child, "hv-memory"))
			parse_hv_memory(c, child);
		else if (cfg_has_compat(c, child, "byte-channel"))
			cfg_parse_byte_channel(c, child, CFG_OWNER_HV);
		else if (fdt_getprop(c->fdt, child, "device", NULL))
			cfg_parse_device(c, child, CFG_OWNER_HV);
		else
			unknown_node(c, child);
	}
	if (c->hv_memory_node < 0)
		cfg_err(c, node, NULL,
			"missing required child node hv-memory "
			"(compatible = \"hv-memory\"; phys-mem = <&area>)");
}

/* A node of the top level or of a container: dispatch on compatible. */
static void parse_node(struct cfg_ctx *c, int node, int depth)
{
	int child;

	if (cfg_has_compat(c, node, "phys-mem-area"))
		parse_pma(c, node);
	else if (cfg_has_compat(c, node, "dma-window"))
		parse_dma_window(c, node);
	else if (cfg_has_compat(c, node, "doorbell"))
		parse_doorbell(c, node);
	else if (cfg_has_compat(c, node, "byte-channel-mux"))
		parse_mux(c, node);
	else if (cfg_has_compat(c, node, "hv-config"))
		parse_hv_config(c, node);
	else if (cfg_has_compat(c, node, "partition"))
		cfg_parse_partition(c, node);
	else if (fdt_getprop(c->fdt, node, "compatible", NULL) ||
		 fdt_getprop(c->fdt, node, "device", NULL))
		unknown_node(c, node);
	else if (depth >= CFG_MAX_DEPTH)
		cfg_err(c, node, NULL, "containers nested deeper than %d levels", CFG_MAX_DEPTH);
	else {
		/* A container (phys-mem { }, dma-windows { }, ...): only groups nodes. */
		cfg_check_props(c, node, NULL);
		fdt_for_each_subnode(child, c->fdt, node) parse_node(c, child, depth + 1);
	}
}

/* Root compatible: "fsl,hv-config", optionally "bulkhead,config-<version>". */
static void parse_root(struct cfg_ctx *c)
{
	static const char *const props[] = { "compatible", NULL };
	static const char bh[] = "bulkhead,config-";
	int len, n = 0;
	const char *p = fdt_getprop(c->fdt, 0, "compatible", &len);
	bool fsl = false;

	cfg_check_props(c, 0, props);
	c->cfg->version = CFG_VERSION;
	for (int i = 0; p && len > 0 && !p[len - 1] && i < len; i += (int)strlen(p + i) + 1, n++) {
		if (!strcmp(p + i, "fsl,hv-config")) {
			fsl = true;
		} else if (!strncmp(p + i, bh, sizeof(bh) - 1)) {
			const char *v = p + i + sizeof(bh) - 1;

			c->cfg->version =
				strspn(v, "0123456789") == strlen(v) && *v && strlen(v) < 6
					? atoi(v)
					: -1;
			if (c->cfg->version != CFG_VERSION)
				cfg_err(c, 0, "compatible",
					"\"%s\": unsupported config version "
					"(this Bulkhead reads bulkhead,config-%d)",
					p + i, CFG_VERSION);
		} else {
			cfg_err(c, 0, "compatible", "\"%s\" is not a config tree compatible",
				p + i);
		}
	}
	if (!fsl)
		cfg_err(c, 0, "compatible",
			"must contain \"fsl,hv-config\" (this is not a "
			"config tree)");
}

void cfg_parse_tree(struct cfg_ctx *c)
{
	int child;

	parse_root(c);
	fdt_for_each_subnode(child, c->fdt, 0) parse_node(c, child, 1);
	if (c->cfg->hv.node < 0)
		cfg_err(c, 0, NULL, "missing required node hv-config (compatible = \"hv-config\")");
	if (!c->cfg->nr_parts)
		cfg_err(c, 0, NULL,
			"no partition defined (a node with compatible = \"partition\")");
}

static void init_model(struct hv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hv.node = -1;
	cfg->hv.memory_pma = CFG_NONE;
	cfg->hv.stdout_bc = CFG_NONE;
	cfg->hv.stdout_dev = CFG_NONE;
}

int config_load(const void *hw_fdt, const void *cfg_blob, size_t max_size, struct hv_config *out,
		config_report_fn report, void *ctx)
{
	struct cfg_ctx *c = &the_ctx;

	memset(c, 0, sizeof(*c));
	init_model(out);
	c->hw = hw_fdt;
	c->fdt = cfg_blob;
	c->cfg = out;
	c->report = report;
	c->rctx = ctx;
	c->warn = warn_fn;
	c->wctx = warn_ctx;
	c->hv_stdout = CFG_NONE;
	c->hv_memory_node = -1;
	if (cfg_check_blob_as(c, hw_fdt, (size_t)-1, "(hardware tree)") ||
	    cfg_check_blob_as(c, cfg_blob, max_size, "/"))
		return c->errors;
	cfg_read_hw(c);
	cfg_index_phandles(c);
	cfg_parse_tree(c);
	cfg_resolve_refs(c);
	cfg_check_memory(c);
	cfg_check_partitions(c);
	cfg_check_devices(c);
	cfg_check_claims(c);
	cfg_check_links(c);
	return c->errors;
}
