/* fdt_util.h - device-tree helpers on top of libfdt: cells, address translation, lookups.
 * Shared by the hypervisor and the host tools (compiled against libfdt on both sides).
 * Errors are hv codes (hv/err.h): libfdt's own through hv_err_fdt(), those found here as
 * the matching -HV_EFDT_* code, so hv_strerror() prints libfdt's message for both. */
#ifndef HV_FDT_UTIL_H
#define HV_FDT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <libfdt.h>
#include <hv/err.h>

/* A translated bus region: CPU physical address and size. */
struct fdt_region {
	uint64_t addr;
	uint64_t size;
};

/* Iterate over every node whose "compatible" list contains compat. */
#define fdt_for_each_compatible(fdt, node, compat)                                     \
	for ((node) = fdt_node_offset_by_compatible((fdt), -1, (compat)); (node) >= 0; \
	     (node) = fdt_node_offset_by_compatible((fdt), (node), (compat)))

/* In a function returning a status: return at once on an error of libfdt call x, converted
 * to an hv code (the libfdt boundary: libfdt's negative values never leave such a function). */
#define FDT_TRY(x)                             \
	do {                                   \
		int _e = (x);                  \
		if (_e < 0)                    \
			return hv_err_fdt(_e); \
	} while (0)

/* Read n (1 or 2) big-endian cells as one number; n == 0 gives 0. */
uint64_t fdt_read_cells(const fdt32_t *cells, int n);

/* #address-cells / #size-cells that apply to the children of node (ePAPR defaults 2 / 1). */
int fdt_child_addr_cells(const void *fdt, int node);
int fdt_child_size_cells(const void *fdt, int node);

/* Translate a bus address seen by the children of parent up to a CPU physical address,
 * through every "ranges" on the way to the root. -HV_EFDT_NOTFOUND if a bus has no
 * window for it, -HV_EFDT_BADVALUE on malformed ranges. */
int fdt_translate_addr(const void *fdt, int parent, uint64_t bus_addr, uint64_t *phys);

/* Entry index of node's "reg", translated to CPU physical. -HV_EFDT_NOTFOUND when there is no
 * such entry, -HV_EFDT_BADNCELLS/-HV_EFDT_BADVALUE on malformed properties. */
int fdt_reg_phys(const void *fdt, int node, int index, struct fdt_region *out);

/* Number of entries in node's "reg" (0 when absent), -HV_EFDT_* on malformed cells or length. */
int fdt_reg_count(const void *fdt, int node);

/* Resolve "/full/path" or an alias name (optionally followed by "/rest") to a node offset, or
 * a -HV_EFDT_* code. */
int fdt_resolve_path(const void *fdt, const char *path_or_alias);

/* Path of the node that /chosen/stdout-path (or linux,stdout-path) names, options after ':'
 * stripped; node offset or a -HV_EFDT_* code. */
int fdt_stdout_node(const void *fdt);

/* Number of strings in a stringlist property and whether it contains str. */
int fdt_node_is_compatible(const void *fdt, int node, const char *compat);

/* True when node sits on an ISA bus (parent compatible "isa") and its first reg entry is in
 * I/O space (ISA binding: reg = <space address size>, space 1): port I/O, which has no CPU
 * (memory) address to translate to (x86 legacy devices, dts/qemu-q35). */
int fdt_reg_is_port_io(const void *fdt, int node);

/* Value of a u32 property, or dflt when absent or not 4 bytes. */
uint32_t fdt_get_u32(const void *fdt, int node, const char *name, uint32_t dflt);

#endif
