/* priv.h - internals shared by the config_*.c files (parser, resolver, validator). */
#ifndef HV_CONFIG_PRIV_H
#define HV_CONFIG_PRIV_H

#include <stdarg.h>
#include <libfdt.h>
#include <hv/config.h>

#define CFG_MAX_REFS     1024 /* phandle references waiting for pass 2 */
#define CFG_MAX_DEPTH    4    /* nesting of container nodes */
#define CFG_MAX_PHANDLES 2048 /* phandle index of the config tree (beyond: slow lookups) */

/* Entity kinds a phandle may be required to point at (bit mask). */
enum cfg_kind {
	K_PMA = 1 << 0,
	K_DMA_WINDOW = 1 << 1,
	K_DOORBELL = 1 << 2,
	K_MUX = 1 << 3,
	K_PARTITION = 1 << 4,
	K_BC = 1 << 5,
	K_DEVICE = 1 << 6,
	K_GPMA = 1 << 7,
};

/* A phandle property read in pass 1, resolved to an entity index in pass 2. */
struct cfg_ref {
	int from; /* config node holding the property */
	const char *prop;
	int target;         /* config node the phandle names */
	unsigned int kinds; /* what it may point at */
	int *slot;          /* gets the entity index */
	int *kind_slot;     /* gets the matching kind when several are allowed, or NULL */
};

/* Parser state; one static instance (the hypervisor stack is small). */
struct cfg_ctx {
	const void *hw;
	const void *fdt; /* the config tree */
	struct hv_config *cfg;
	config_report_fn report;
	void *rctx;
	config_report_fn warn; /* config_set_warning_handler(), may be NULL */
	void *wctx;
	int errors;
	int nr_refs;
	int hv_stdout, hv_stdout_kind; /* hv-config stdout, before it is sorted by kind */
	int hv_memory_node;
	int nr_phandles; /* -1: index overflowed, use libfdt's linear search */
	struct {
		uint32_t ph;
		int node;
	} phandles[CFG_MAX_PHANDLES];       /* sorted by ph */
	int bc_kind[CFG_MAX_BYTE_CHANNELS]; /* endpoint kind (K_BC/K_MUX), pass 2 */
	struct cfg_ref refs[CFG_MAX_REFS];
	char path[256];     /* path of the node an error is about */
	char other[2][256]; /* cfg_path(): other config nodes named in a message */
	int other_next;
	char devpath[CFG_MAX_DEVICES][160]; /* hardware path of each device, pass 3 */
	char hwpath[256];
	char msg[384];
};

/* config/util.c: reporting and property readers. Readers report their own errors. */
void cfg_err(struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cfg_warn(struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));        /* not counted as an error */
const char *cfg_path(struct cfg_ctx *c, int node);    /* two rotating buffers */
const char *cfg_hw_path(struct cfg_ctx *c, int node); /* hardware node path, in c->hwpath */
void cfg_check_props(struct cfg_ctx *c, int node, const char *const *allowed);
int cfg_read_u64s(struct cfg_ctx *c, int node, const char *prop, uint64_t *v, int n,
		  const char *layout, bool required);
int cfg_read_u32(struct cfg_ctx *c, int node, const char *prop, uint32_t *v, bool required);
bool cfg_read_flag(struct cfg_ctx *c, int node, const char *prop);
const char *cfg_read_string(struct cfg_ctx *c, int node, const char *prop, bool required);
int cfg_read_ref(struct cfg_ctx *c, int node, const char *prop, unsigned int kinds, int *slot,
		 int *kind_slot, bool required);
bool cfg_has_compat(struct cfg_ctx *c, int node, const char *compat);
void cfg_index_phandles(struct cfg_ctx *c);
int cfg_phandle_node(struct cfg_ctx *c, uint32_t ph);
bool cfg_ranges_overlap(const struct cfg_range *a, const struct cfg_range *b);
bool cfg_range_inside(const struct cfg_range *in, const struct cfg_range *out);
uint64_t cfg_range_end(const struct cfg_range *r); /* last byte, inclusive */
const char *cfg_kind_name(unsigned int kinds);

/* config/parse.c: pass 1 over the tree. */
void cfg_parse_tree(struct cfg_ctx *c);
void cfg_parse_node_update(struct cfg_ctx *c, int node);
int cfg_node_update_child(struct cfg_ctx *c, int node); /* returns its offset or -1 */

/* config/blob.c: header and structure checks, errors reported against path. */
int cfg_check_blob_as(struct cfg_ctx *c, const void *blob, size_t max_size, const char *path);

/* config/part.c: a partition node and its children. */
void cfg_parse_partition(struct cfg_ctx *c, int node);
int cfg_parse_device(struct cfg_ctx *c, int node, int owner);
void cfg_refuse_dpaa(struct cfg_ctx *c, int node, const char *prop, const char *what);
void cfg_parse_node_update_phandle(struct cfg_ctx *c, int node);
void cfg_parse_byte_channel(struct cfg_ctx *c, int node, int owner);

/* config/refs.c: pass 2, phandles to indexes. */
void cfg_resolve_refs(struct cfg_ctx *c);
int cfg_find_entity(struct cfg_ctx *c, int node, unsigned int kinds, unsigned int *kind);

/* config_hw.c / config/check.c / config/links.c: pass 3, cross-checks. */
void cfg_read_hw(struct cfg_ctx *c);
void cfg_check_memory(struct cfg_ctx *c);
void cfg_check_partitions(struct cfg_ctx *c);
void cfg_check_devices(struct cfg_ctx *c);
void cfg_check_links(struct cfg_ctx *c);

/* config/gdb.c: gdb-stub nodes (pass 1 parse, pass 3 check). */
void cfg_parse_gdb_stub(struct cfg_ctx *c, int node, int part);
void cfg_check_gdb_stubs(struct cfg_ctx *c);

/* config/claim.c: claimable and error-manager (pass 1 parse, pass 3 check). */
enum cfg_claim cfg_parse_claimable(struct cfg_ctx *c, int node);
void cfg_parse_error_manager(struct cfg_ctx *c, int node, int part);
void cfg_check_claims(struct cfg_ctx *c);
/* Two assignments of one device that may coexist: both claimable, in two partitions. */
bool cfg_claimable_pair(const struct cfg_device *d, const struct cfg_device *o);

#endif
