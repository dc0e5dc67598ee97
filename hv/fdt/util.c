/* util.c - device-tree helpers on top of libfdt: cells, address translation, lookups. */
#include <stdbool.h>
#include <string.h>
#include <hv/err.h>
#include <hv/fdt_util.h>

#define MAX_TRANSLATE_DEPTH 16

uint64_t fdt_read_cells(const fdt32_t *cells, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(cells[i]);
	return v;
}

static int cells_prop(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return dflt;
	if (len != 4)
		return -HV_EFDT_BADNCELLS;
	return (int)fdt32_to_cpu(*p);
}

int fdt_child_addr_cells(const void *fdt, int node)
{
	int n = cells_prop(fdt, node, "#address-cells", 2);

	return (n < 0 || n > 3) ? -HV_EFDT_BADNCELLS : n;
}

int fdt_child_size_cells(const void *fdt, int node)
{
	int n = cells_prop(fdt, node, "#size-cells", 1);

	return (n < 0 || n > 2) ? -HV_EFDT_BADNCELLS : n;
}

/* One step up: translate addr from the children of bus to the children of bus's parent.
 * An empty "ranges" is an identity map; a missing one means the bus is not memory-mapped. */
static int translate_one(const void *fdt, int bus, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, bus);
	int cac = fdt_child_addr_cells(fdt, bus), csc = fdt_child_size_cells(fdt, bus);
	int pac = parent < 0 ? -1 : fdt_child_addr_cells(fdt, parent);
	int len;
	const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);

	if (parent < 0)
		return hv_err_fdt(parent);
	if (cac < 0 || csc < 0 || pac < 0)
		return -HV_EFDT_BADNCELLS;
	if (!r)
		return -HV_EFDT_NOTFOUND;
	if (len == 0)
		return 0;
	int stride = cac + pac + csc;

	if (!stride || cac > 2 || len % (4 * stride))
		return -HV_EFDT_BADVALUE;
	for (int i = 0; i < len / 4; i += stride) {
		uint64_t child = fdt_read_cells(r + i, cac);
		uint64_t par = fdt_read_cells(r + i + cac, pac);
		uint64_t size = fdt_read_cells(r + i + cac + pac, csc);

		if (*addr >= child && *addr - child < size) {
			*addr = par + (*addr - child);
			return 0;
		}
	}
	return -HV_EFDT_NOTFOUND;
}

int fdt_translate_addr(const void *fdt, int parent, uint64_t bus_addr, uint64_t *phys)
{
	int depth = 0;

	while (parent > 0) {
		int err = translate_one(fdt, parent, &bus_addr);

		if (err)
			return err;
		parent = fdt_parent_offset(fdt, parent);
		if (parent < 0)
			return hv_err_fdt(parent);
		if (++depth > MAX_TRANSLATE_DEPTH)
			return -HV_EFDT_BADSTRUCTURE;
	}
	*phys = bus_addr;
	return 0;
}

static int reg_layout(const void *fdt, int node, int *ac, int *sc)
{
	int parent = fdt_parent_offset(fdt, node);

	if (parent < 0)
		return hv_err_fdt(parent);
	*ac = fdt_child_addr_cells(fdt, parent);
	*sc = fdt_child_size_cells(fdt, parent);
	if (*ac < 0 || *sc < 0 || *ac > 2)
		return -HV_EFDT_BADNCELLS;
	return parent;
}

int fdt_reg_count(const void *fdt, int node)
{
	int ac, sc, len;
	const fdt32_t *reg;

	if (reg_layout(fdt, node, &ac, &sc) < 0)
		return -HV_EFDT_BADNCELLS;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return 0;
	if (ac + sc == 0 || len % (4 * (ac + sc)))
		return -HV_EFDT_BADVALUE;
	return len / (4 * (ac + sc));
}

int fdt_reg_phys(const void *fdt, int node, int index, struct fdt_region *out)
{
	int ac, sc;
	int parent = reg_layout(fdt, node, &ac, &sc);
	int n = fdt_reg_count(fdt, node);
	const fdt32_t *reg;

	if (parent < 0)
		return parent;
	if (n < 0)
		return n;
	if (index < 0 || index >= n)
		return -HV_EFDT_NOTFOUND;
	reg = (const fdt32_t *)fdt_getprop(fdt, node, "reg", NULL) + index * (ac + sc);
	out->size = fdt_read_cells(reg + ac, sc);
	return fdt_translate_addr(fdt, parent, fdt_read_cells(reg, ac), &out->addr);
}

#define MAX_ALIAS_HOPS 8

/* libfdt follows an alias whose value is another alias recursively, without a limit: refuse
 * cycles and long chains before handing it a path. */
static bool alias_chain_ok(const void *fdt, const char *p, int len)
{
	for (int hops = 0; hops < MAX_ALIAS_HOPS; hops++) {
		const char *slash;

		if (!p || !len || *p == '/')
			return true;
		slash = memchr(p, '/', (size_t)len);
		p = fdt_get_alias_namelen(fdt, p, slash ? (int)(slash - p) : len);
		len = p ? (int)strlen(p) : 0;
	}
	return false;
}

int fdt_resolve_path(const void *fdt, const char *path)
{
	if (!path || !*path)
		return -HV_EFDT_BADPATH;
	if (path[0] == '/')
		return hv_err_fdt(fdt_path_offset(fdt, path));
	if (!alias_chain_ok(fdt, path, (int)strlen(path)))
		return -HV_EFDT_BADPATH;
	/* libfdt resolves a leading alias itself ("serial0" or "serial0/child"). */
	return hv_err_fdt(fdt_path_offset(fdt, path));
}

int fdt_stdout_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *p;
	int len;

	if (chosen < 0)
		return hv_err_fdt(chosen);
	p = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!p)
		p = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!p)
		return -HV_EFDT_NOTFOUND;
	if (len < 1 || p[len - 1] != '\0')
		return -HV_EFDT_BADVALUE;
	const char *colon = strchr(p, ':');

	if (!alias_chain_ok(fdt, p, colon ? (int)(colon - p) : (int)strlen(p)))
		return -HV_EFDT_BADPATH;
	return hv_err_fdt(colon ? fdt_path_offset_namelen(fdt, p, (int)(colon - p))
				: fdt_path_offset(fdt, p));
}

int fdt_reg_is_port_io(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node), len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	return parent >= 0 && fdt_node_is_compatible(fdt, parent, "isa") &&
	       fdt_child_addr_cells(fdt, parent) == 2 && reg && len >= 8 &&
	       fdt32_to_cpu(reg[0]) == 1;
}

int fdt_node_is_compatible(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

uint32_t fdt_get_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return (p && len == 4) ? fdt32_to_cpu(*p) : dflt;
}
