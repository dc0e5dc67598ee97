/* util.c - error reporting and typed property readers for the config parser. */
#include <stdio.h>
#include <string.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include "priv.h"

static const char *node_path(const void *fdt, int node, char *buf, int len)
{
	if (node < 0 || fdt_get_path(fdt, node, buf, len) < 0)
		snprintf(buf, (size_t)len, "/");
	return buf;
}

const char *cfg_path(struct cfg_ctx *c, int node)
{
	char *buf = c->other[c->other_next];

	c->other_next ^= 1;
	return node_path(c->fdt, node, buf, sizeof(c->other[0]));
}

const char *cfg_hw_path(struct cfg_ctx *c, int node)
{
	return node_path(c->hw, node, c->hwpath, sizeof(c->hwpath));
}

void cfg_err(struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	node_path(c->fdt, node, c->path, sizeof(c->path));
	c->errors++;
	if (c->report)
		c->report(c->rctx, c->path, prop, c->msg);
}

void cfg_warn(struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	node_path(c->fdt, node, c->path, sizeof(c->path));
	if (c->warn)
		c->warn(c->wctx, c->path, prop, c->msg);
}

static bool in_list(const char *name, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/* Every property of node must be in allowed (phandle bookkeeping is always allowed). */
void cfg_check_props(struct cfg_ctx *c, int node, const char *const *allowed)
{
	static const char *const always[] = { "phandle", "linux,phandle", NULL };
	int prop;

	fdt_for_each_property_offset(prop, c->fdt, node)
	{
		const char *name;

		if (!fdt_getprop_by_offset(c->fdt, prop, &name, NULL) || !name)
			continue;
		if (in_list(name, always) || in_list(name, allowed))
			continue;
		cfg_err(c, node, name,
			"unknown property (not supported by Bulkhead, see docs/config.md)");
	}
}

int cfg_read_u64s(struct cfg_ctx *c, int node, const char *prop, uint64_t *v, int n,
		  const char *layout, bool required)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, prop, &len);

	if (!p) {
		if (required)
			cfg_err(c, node, prop, "missing required property %s", layout);
		return 0;
	}
	if (len != n * 8) {
		cfg_err(c, node, prop, "must be %s (%d cells), got %d bytes", layout, n * 2, len);
		return -HV_EINVAL;
	}
	for (int i = 0; i < n; i++)
		v[i] = fdt_read_cells(p + 2 * i, 2);
	return 1;
}

int cfg_read_u32(struct cfg_ctx *c, int node, const char *prop, uint32_t *v, bool required)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, prop, &len);

	if (!p) {
		if (required)
			cfg_err(c, node, prop, "missing required property <u32>");
		return 0;
	}
	if (len != 4) {
		cfg_err(c, node, prop, "must be one cell <u32>, got %d bytes", len);
		return -HV_EINVAL;
	}
	*v = fdt32_to_cpu(*p);
	return 1;
}

bool cfg_read_flag(struct cfg_ctx *c, int node, const char *prop)
{
	int len;

	if (!fdt_getprop(c->fdt, node, prop, &len))
		return false;
	if (len != 0)
		cfg_err(c, node, prop, "is a flag and takes no value (write \"%s;\")", prop);
	return true;
}

const char *cfg_read_string(struct cfg_ctx *c, int node, const char *prop, bool required)
{
	int len;
	const char *p = fdt_getprop(c->fdt, node, prop, &len);

	if (!p) {
		if (required)
			cfg_err(c, node, prop, "missing required property (a string)");
		return NULL;
	}
	if (len < 2 || p[len - 1] != '\0' || strlen(p) != (size_t)len - 1) {
		cfg_err(c, node, prop, "must be one non-empty string");
		return NULL;
	}
	return p;
}

int cfg_read_ref(struct cfg_ctx *c, int node, const char *prop, unsigned int kinds, int *slot,
		 int *kind_slot, bool required)
{
	int len, target;
	const fdt32_t *p = fdt_getprop(c->fdt, node, prop, &len);
	uint32_t ph;

	*slot = CFG_NONE;
	if (!p) {
		if (required)
			cfg_err(c, node, prop, "missing required property <&%s>",
				cfg_kind_name(kinds));
		return 0;
	}
	if (len != 4) {
		cfg_err(c, node, prop, "must be one phandle <&%s>, got %d bytes",
			cfg_kind_name(kinds), len);
		return -HV_EINVAL;
	}
	ph = fdt32_to_cpu(*p);
	target = (ph == 0 || ph == ~0u) ? -1 : cfg_phandle_node(c, ph);
	if (target < 0) {
		cfg_err(c, node, prop, "phandle 0x%x does not refer to any node", ph);
		return -HV_EINVAL;
	}
	if (c->nr_refs >= CFG_MAX_REFS) {
		cfg_err(c, node, prop, "too many phandle references (max %d)", CFG_MAX_REFS);
		return -HV_ENOSPC;
	}
	c->refs[c->nr_refs++] = (struct cfg_ref){ node, prop, target, kinds, slot, kind_slot };
	return 1;
}

/* One pass over the tree instead of a whole-tree search per phandle reference. */
void cfg_index_phandles(struct cfg_ctx *c)
{
	int node, n = 0;

	for (node = 0; node >= 0; node = fdt_next_node(c->fdt, node, NULL)) {
		uint32_t ph = fdt_get_phandle(c->fdt, node);
		int i;

		if (!ph)
			continue;
		if (n == CFG_MAX_PHANDLES) {
			c->nr_phandles = -1;
			return;
		}
		for (i = n++; i > 0 && c->phandles[i - 1].ph > ph; i--) /* insertion sort */
			c->phandles[i] = c->phandles[i - 1];
		c->phandles[i].ph = ph;
		c->phandles[i].node = node;
	}
	c->nr_phandles = n;
}

int cfg_phandle_node(struct cfg_ctx *c, uint32_t ph)
{
	int lo = 0, hi = c->nr_phandles;

	if (c->nr_phandles < 0)
		return hv_err_fdt(fdt_node_offset_by_phandle(c->fdt, ph));
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (c->phandles[mid].ph < ph)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nr_phandles && c->phandles[lo].ph == ph ? c->phandles[lo].node
							       : -HV_EFDT_NOTFOUND;
}

bool cfg_has_compat(struct cfg_ctx *c, int node, const char *compat)
{
	return fdt_node_check_compatible(c->fdt, node, compat) == 0;
}

uint64_t cfg_range_end(const struct cfg_range *r)
{
	return r->base + (r->size - 1);
}

bool cfg_ranges_overlap(const struct cfg_range *a, const struct cfg_range *b)
{
	if (!a->size || !b->size)
		return false;
	return a->base <= cfg_range_end(b) && b->base <= cfg_range_end(a);
}

bool cfg_range_inside(const struct cfg_range *in, const struct cfg_range *out)
{
	return in->size && out->size && in->base >= out->base &&
	       cfg_range_end(in) <= cfg_range_end(out);
}

/* Human name of a set of kinds, for messages ("phys-mem-area", "byte-channel", ...). */
const char *cfg_kind_name(unsigned int kinds)
{
	switch (kinds) {
	case K_PMA:
		return "phys-mem-area";
	case K_DMA_WINDOW:
		return "dma-window";
	case K_DOORBELL:
		return "doorbell";
	case K_MUX:
		return "byte-channel-mux";
	case K_PARTITION:
		return "partition";
	case K_BC:
		return "byte-channel";
	case K_DEVICE:
		return "device";
	case K_BC | K_MUX:
		return "byte-channel or byte-channel-mux";
	case K_BC | K_DEVICE:
		return "byte-channel or hypervisor device";
	case K_BC | K_DEVICE | K_GPMA:
		return "byte-channel, device or guest-phys-mem-area";
	default:
		return "node";
	}
}

const char *config_owner_name(const struct hv_config *cfg, int owner)
{
	if (owner == CFG_OWNER_HV)
		return "hypervisor";
	if (owner < 0 || owner >= cfg->nr_parts)
		return "?";
	return cfg->part[owner].label;
}

uint64_t config_gpma_size(const struct hv_config *cfg, int gpma)
{
	int pma = cfg->gpma[gpma].pma;

	return (pma >= 0 && pma < cfg->nr_pmas) ? cfg->pma[pma].phys.size : 0;
}

/* "0-3,6": the CPUs of mask as ranges; "none" when it is empty. */
void config_format_cpus(uint64_t mask, char *buf, size_t len)
{
	size_t n = 0;

	snprintf(buf, len, "none");
	for (int i = 0; i < CFG_MAX_CPUS && n < len; i++) {
		int j = i;

		if (!(mask & (1ull << i)))
			continue;
		while (j + 1 < CFG_MAX_CPUS && (mask & (1ull << (j + 1))))
			j++;
		n += (size_t)snprintf(buf + n, len - n, j > i ? "%s%d-%d" : "%s%d", n ? "," : "", i,
				      j);
		i = j;
	}
}
