/* test_fdt_util.c - hv/fdt/util.c: cells, reg parsing, translation through ranges, path and
 * alias resolution, stdout-path. Trees are built in memory with libfdt's sequential writer. */
#include <string.h>
#include <hv/fdt_util.h>
#include "unit.h"

static char buf[16384];

static void u32s(const char *name, const uint32_t *v, int n)
{
	fdt32_t c[16];

	for (int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	fdt_property(buf, name, c, n * 4);
}
#define PROP(name, ...) \
	u32s(name, (const uint32_t[]){ __VA_ARGS__ }, sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)

/* A board like QEMU ppce500: soc bus at 0xf_e000_0000, a nested bus inside it, aliases,
 * chosen/stdout-path with options, and a few malformed nodes. */
static void *board(void)
{
	fdt_create(buf, sizeof(buf));
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	PROP("#address-cells", 2);
	PROP("#size-cells", 2);
	fdt_begin_node(buf, "soc@fe0000000");
	fdt_property(buf, "compatible", "fsl,immr\0simple-bus", 20);
	PROP("#address-cells", 1);
	PROP("#size-cells", 1);
	PROP("ranges", 0x0, 0xf, 0xe0000000, 0x100000);
	fdt_begin_node(buf, "serial@4500");
	PROP("reg", 0x4500, 0x100, 0x4600, 0x100);
	fdt_end_node(buf);
	fdt_begin_node(buf, "inner@10000");
	PROP("#address-cells", 1);
	PROP("#size-cells", 1);
	PROP("ranges", 0x0, 0x10000, 0x1000, 0x8000, 0x30000, 0x1000);
	fdt_begin_node(buf, "dev@20");
	PROP("reg", 0x20, 0x10);
	fdt_end_node(buf);
	fdt_begin_node(buf, "dev@8000");
	PROP("reg", 0x8000, 0x10);
	fdt_end_node(buf);
	fdt_begin_node(buf, "far@5000");
	PROP("reg", 0x5000, 0x10);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "bad-reg");
	PROP("reg", 0x1, 0x2, 0x3);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "flat"); /* empty ranges: identity */
	PROP("#address-cells", 2);
	PROP("#size-cells", 1);
	fdt_property(buf, "ranges", NULL, 0);
	fdt_begin_node(buf, "x@1234");
	PROP("reg", 0x1, 0x1234, 0x10);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "nobus"); /* no ranges: not memory-mapped */
	PROP("#address-cells", 1);
	PROP("#size-cells", 1);
	fdt_begin_node(buf, "y@10");
	PROP("reg", 0x10, 0x4);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "badranges"); /* ranges length not a multiple of the entry */
	PROP("#address-cells", 1);
	PROP("#size-cells", 1);
	PROP("ranges", 0x0, 0x0, 0x0);
	fdt_begin_node(buf, "z@0");
	PROP("reg", 0x0, 0x4);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "zerocells"); /* all cell counts 0 and a non-empty ranges */
	PROP("#address-cells", 0);
	PROP("#size-cells", 0);
	fdt_begin_node(buf, "bus");
	PROP("#address-cells", 0);
	PROP("#size-cells", 0);
	PROP("ranges", 0x1);
	fdt_begin_node(buf, "leaf");
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_begin_node(buf, "cells");
	PROP("#address-cells", 5);
	PROP("#size-cells", 3);
	PROP("width", 1, 2);
	PROP("speed", 115200);
	fdt_end_node(buf);
	fdt_begin_node(buf, "aliases");
	fdt_property_string(buf, "serial0", "/soc@fe0000000/serial@4500");
	fdt_property_string(buf, "inner", "/soc@fe0000000/inner@10000");
	fdt_property_string(buf, "rel", "inner/dev@20");
	fdt_property_string(buf, "loop1", "loop2");
	fdt_property_string(buf, "loop2", "loop1");
	fdt_end_node(buf);
	fdt_begin_node(buf, "chosen");
	fdt_property_string(buf, "stdout-path", "serial0:115200n8");
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_finish(buf);
	return buf;
}

static void test_cells(void *fdt)
{
	fdt32_t c[3] = { cpu_to_fdt32(0xf), cpu_to_fdt32(0xe0000000), cpu_to_fdt32(7) };
	int soc = fdt_path_offset(fdt, "/soc@fe0000000"), cells = fdt_path_offset(fdt, "/cells");

	CHECK_EQ(fdt_read_cells(c, 0), 0);
	CHECK_EQ(fdt_read_cells(c, 1), 0xf);
	CHECK_EQ(fdt_read_cells(c, 2), 0xfe0000000ull);
	CHECK_EQ(fdt_child_addr_cells(fdt, 0), 2);
	CHECK_EQ(fdt_child_size_cells(fdt, soc), 1);
	CHECK_EQ(fdt_child_addr_cells(fdt, fdt_path_offset(fdt, "/chosen")), 2); /* default */
	CHECK_EQ(fdt_child_size_cells(fdt, fdt_path_offset(fdt, "/chosen")), 1); /* default */
	CHECK_EQ(fdt_child_addr_cells(fdt, cells), -HV_EFDT_BADNCELLS);
	CHECK_EQ(fdt_child_size_cells(fdt, cells), -HV_EFDT_BADNCELLS);
	CHECK_EQ(fdt_get_u32(fdt, cells, "speed", 9), 115200);
	CHECK_EQ(fdt_get_u32(fdt, cells, "width", 9), 9); /* wrong length */
	CHECK_EQ(fdt_get_u32(fdt, cells, "missing", 9), 9);
	CHECK(fdt_node_is_compatible(fdt, soc, "simple-bus"));
	CHECK(!fdt_node_is_compatible(fdt, soc, "simple"));
}

static void test_reg(void *fdt)
{
	int serial = fdt_path_offset(fdt, "/soc@fe0000000/serial@4500");
	struct fdt_region r;

	CHECK_EQ(fdt_reg_count(fdt, serial), 2);
	CHECK_EQ(fdt_reg_phys(fdt, serial, 0, &r), 0);
	CHECK_EQ(r.addr, 0xfe0004500ull);
	CHECK_EQ(r.size, 0x100);
	CHECK_EQ(fdt_reg_phys(fdt, serial, 1, &r), 0);
	CHECK_EQ(r.addr, 0xfe0004600ull);
	CHECK_EQ(fdt_reg_phys(fdt, serial, 2, &r), -HV_EFDT_NOTFOUND);
	CHECK_EQ(fdt_reg_phys(fdt, serial, -1, &r), -HV_EFDT_NOTFOUND);
	CHECK_EQ(fdt_reg_count(fdt, fdt_path_offset(fdt, "/soc@fe0000000/bad-reg")),
		 -HV_EFDT_BADVALUE);
	CHECK_EQ(fdt_reg_count(fdt, fdt_path_offset(fdt, "/chosen")), 0);
}

static void test_translate(void *fdt)
{
	struct fdt_region r;
	uint64_t pa = 0;

	/* Two levels of ranges, second window of the inner bus. */
	CHECK_EQ(
		fdt_reg_phys(fdt, fdt_path_offset(fdt, "/soc@fe0000000/inner@10000/dev@20"), 0, &r),
		0);
	CHECK_EQ(r.addr, 0xfe0010020ull);
	CHECK_EQ(fdt_reg_phys(fdt, fdt_path_offset(fdt, "/soc@fe0000000/inner@10000/dev@8000"), 0,
			      &r),
		 0);
	CHECK_EQ(r.addr, 0xfe0030000ull);
	/* Between the inner bus's windows: no translation. */
	CHECK_EQ(fdt_reg_phys(fdt, fdt_path_offset(fdt, "/soc@fe0000000/inner@10000/far@5000"), 0,
			      &r),
		 -HV_EFDT_NOTFOUND);
	CHECK_EQ(fdt_reg_phys(fdt, fdt_path_offset(fdt, "/flat/x@1234"), 0, &r), 0);
	CHECK_EQ(r.addr, 0x100001234ull);
	CHECK_EQ(fdt_reg_phys(fdt, fdt_path_offset(fdt, "/nobus/y@10"), 0, &r), -HV_EFDT_NOTFOUND);
	CHECK_EQ(fdt_reg_phys(fdt, fdt_path_offset(fdt, "/badranges/z@0"), 0, &r),
		 -HV_EFDT_BADVALUE);
	CHECK_EQ(fdt_translate_addr(fdt, fdt_path_offset(fdt, "/soc@fe0000000"), 0xfffff, &pa), 0);
	CHECK_EQ(pa, 0xfe00fffffull);
	CHECK_EQ(fdt_translate_addr(fdt, fdt_path_offset(fdt, "/soc@fe0000000"), 0x100000, &pa),
		 -HV_EFDT_NOTFOUND);
	CHECK_EQ(fdt_translate_addr(fdt, 0, 0x1234, &pa), 0); /* root: identity */
	CHECK_EQ(pa, 0x1234);
	/* Zero-width ranges entries must be refused, not divide by zero. */
	CHECK(fdt_translate_addr(fdt, fdt_path_offset(fdt, "/zerocells/bus"), 0, &pa) < 0);
}

static void test_paths(void *fdt)
{
	int serial = fdt_path_offset(fdt, "/soc@fe0000000/serial@4500");

	CHECK(serial > 0);
	CHECK_EQ(fdt_resolve_path(fdt, "/soc@fe0000000/serial@4500"), serial);
	CHECK_EQ(fdt_resolve_path(fdt, "serial0"), serial);
	CHECK_EQ(fdt_resolve_path(fdt, "inner/dev@20"),
		 fdt_path_offset(fdt, "/soc@fe0000000/inner@10000/dev@20"));
	CHECK_EQ(fdt_resolve_path(fdt, "rel"),
		 fdt_path_offset(fdt, "/soc@fe0000000/inner@10000/dev@20"));
	CHECK(fdt_resolve_path(fdt, "serial9") < 0);
	CHECK(fdt_resolve_path(fdt, "/nowhere") < 0);
	CHECK_EQ(fdt_resolve_path(fdt, ""), -HV_EFDT_BADPATH);
	CHECK_EQ(fdt_resolve_path(fdt, NULL), -HV_EFDT_BADPATH);
	CHECK(fdt_resolve_path(fdt, "loop1") < 0); /* an alias cycle ends, it does not recurse */
	CHECK_EQ(fdt_stdout_node(fdt), serial);    /* "serial0:115200n8" */
}

static void test_stdout_variants(void)
{
	static const char *const paths[] = { "/soc@fe0000000/serial@4500", "serial0" };

	for (int i = 0; i < 3; i++) {
		void *fdt = board();
		int chosen = fdt_path_offset(fdt, "/chosen");
		int serial = fdt_path_offset(fdt, "/soc@fe0000000/serial@4500");

		fdt_open_into(fdt, fdt, sizeof(buf));
		fdt_delprop(fdt, chosen, "stdout-path");
		if (i < 2) {
			fdt_setprop_string(fdt, chosen, "linux,stdout-path", paths[i]);
			CHECK_EQ(fdt_stdout_node(fdt), serial);
		} else {
			CHECK_EQ(fdt_stdout_node(fdt), -HV_EFDT_NOTFOUND);
			fdt_setprop(fdt, chosen, "stdout-path", "abc", 3); /* no NUL */
			CHECK_EQ(fdt_stdout_node(fdt), -HV_EFDT_BADVALUE);
		}
	}
}

int main(void)
{
	void *fdt = board();

	CHECK_EQ(fdt_check_full(fdt, sizeof(buf)), 0);
	test_cells(fdt);
	test_reg(fdt);
	test_translate(fdt);
	test_paths(fdt);
	test_stdout_variants();
	return unit_done("test_fdt_util");
}
