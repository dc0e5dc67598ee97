/* blob.c - blob-level checks: a tree must be a whole, well-formed FDT before it is read. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <hv/err.h>
#include "priv.h"

#define FDT_V17_HEADER_SIZE 40u

/* Walk every tag of the structure block: nesting balanced, names and property-name offsets
 * inside their blocks. (libfdt's fdt_check_full is not in the kernel's copy used by the target.)
 * 0, or a -HV_EFDT_* code (hv_err_fdt()). */
static int check_structure(const void *fdt)
{
	int offset, next = 0, depth = -1, len;
	const char *name;

	for (;;) {
		uint32_t tag;

		offset = next;
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0)
			return hv_err_fdt(next);
		switch (tag) {
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == -1 ? 0 : -HV_EFDT_TRUNCATED;
		case FDT_BEGIN_NODE:
			if (++depth > 0 && !fdt_get_name(fdt, offset, &len))
				return hv_err_fdt(len);
			break;
		case FDT_END_NODE:
			if (--depth < -1)
				return -HV_EFDT_BADSTRUCTURE;
			break;
		case FDT_PROP:
			if (depth < 0)
				return -HV_EFDT_BADSTRUCTURE;
			if (!fdt_getprop_by_offset(fdt, offset, &name, &len))
				return hv_err_fdt(len);
			if (!name)
				return -HV_EFDT_BADOFFSET;
			break;
		default:
			return -HV_EFDT_BADSTRUCTURE;
		}
	}
}

/* Why a blob is unusable, or NULL. buf holds the formatted reason. */
static const char *blob_problem(const void *blob, size_t max, char *buf, size_t len)
{
	const struct fdt_header *h = blob;
	uint32_t total, ver, last, off_st, sz_st, off_str, sz_str, off_rsv;
	int err;

	if (max < FDT_V17_HEADER_SIZE) {
		snprintf(buf, len, "truncated: %lu bytes is less than an FDT header (40 bytes)",
			 (unsigned long)max);
		return buf;
	}
	if (fdt32_to_cpu(h->magic) != FDT_MAGIC) {
		snprintf(buf, len,
			 "bad magic 0x%08x (expected 0xd00dfeed): not a flattened "
			 "device tree",
			 fdt32_to_cpu(h->magic));
		return buf;
	}
	ver = fdt32_to_cpu(h->version);
	last = fdt32_to_cpu(h->last_comp_version);
	if (ver < 16 || last > 17) {
		snprintf(buf, len,
			 "unsupported FDT version %u (last compatible %u); Bulkhead "
			 "reads versions 16 and 17",
			 ver, last);
		return buf;
	}
	total = fdt32_to_cpu(h->totalsize);
	if (total > max) {
		snprintf(buf, len,
			 "truncated: header totalsize is %u bytes but only %lu are "
			 "available",
			 total, (unsigned long)max);
		return buf;
	}
	if (total < FDT_V17_HEADER_SIZE) {
		snprintf(buf, len, "header totalsize %u is smaller than the header itself", total);
		return buf;
	}
	off_rsv = fdt32_to_cpu(h->off_mem_rsvmap);
	off_st = fdt32_to_cpu(h->off_dt_struct);
	sz_st = fdt32_to_cpu(h->size_dt_struct);
	off_str = fdt32_to_cpu(h->off_dt_strings);
	sz_str = fdt32_to_cpu(h->size_dt_strings);
	if ((uintptr_t)blob % 4 || off_st % 4 || off_rsv % 8) {
		snprintf(buf, len, "misaligned: %s is not %d-byte aligned",
			 (uintptr_t)blob % 4 ? "the blob's address"
			 : off_st % 4        ? "the structure block offset"
					     : "the memory reservation block offset",
			 off_rsv % 8 && !(off_st % 4) && !((uintptr_t)blob % 4) ? 8 : 4);
		return buf;
	}
	if (off_rsv < FDT_V17_HEADER_SIZE || off_rsv > total) {
		snprintf(buf, len,
			 "memory reservation block offset %u is outside the blob "
			 "(totalsize %u)",
			 off_rsv, total);
		return buf;
	}
	if (off_st > total || sz_st > total - off_st) {
		snprintf(buf, len,
			 "structure block (offset %u, %u bytes) extends past totalsize "
			 "%u",
			 off_st, sz_st, total);
		return buf;
	}
	if (off_str > total || sz_str > total - off_str) {
		snprintf(buf, len, "strings block (offset %u, %u bytes) extends past totalsize %u",
			 off_str, sz_str, total);
		return buf;
	}
	err = hv_err_fdt(fdt_check_header(blob));
	if (!err)
		err = check_structure(blob);
	if (err) {
		snprintf(buf, len, "malformed device tree (libfdt: %s)", hv_strerror(err));
		return buf;
	}
	return NULL;
}

int cfg_check_blob_as(struct cfg_ctx *c, const void *blob, size_t max_size, const char *path)
{
	if (!blob_problem(blob, max_size, c->msg, sizeof(c->msg)))
		return 0;
	c->errors++;
	if (c->report)
		c->report(c->rctx, path, NULL, c->msg);
	return 1;
}

int config_check_blob(const void *blob, size_t max_size, config_report_fn report, void *ctx)
{
	char buf[256];

	if (!blob_problem(blob, max_size, buf, sizeof(buf)))
		return 0;
	if (report)
		report(ctx, "/", NULL, buf);
	return 1;
}
