/* test_pamu.c - arch/powerpc/iommu/pamu_core.c on the host: fitting DMA domains onto a PAMU primary
 * window and subwindows, the PAACE words, the enable sequence and access-violation decoding.
 *
 * Expected words are worked out by hand from the P4080 reference manual's PAMU chapter
 * ("Primary PAACE format", "Secondary PAACE format", "PAMU memory-mapped registers"):
 *   word 1 (primary)   WBAL[31:12] | WSE[11:6] | MW[5] | AP[4:3] | DD[2] | PT[1] | V[0]
 *   word 1 (secondary) LIODN[31:16] | ... same low bits
 *   word 2             to-host attributes, coherency required = 0x80
 *   word 3             WCE[7:4] | ATM[3:2] (01 = window translation) | OTM[1:0]
 *   word 4/5           TWBAH / TWBAL[31:12] | SWSE[11:6];  word 6 FSPI
 * window size = 2^(WSE+1) (4 KiB = 0xB), subwindow count = 2^(WCE+1), AP 3 = read+write. */
#include <string.h>
#include <libfdt.h>
#include <hv/err.h>
#include <hv/iommu.h>
#include "iommu/pamu_core.h"
#include "unit.h"

static struct iommu_domain dom(int n, const struct iommu_window *w)
{
	struct iommu_domain d = { .nr_windows = (unsigned int)n };

	memcpy(d.win, w, sizeof(*w) * (size_t)n);
	return d;
}

#define RW (IOMMU_READ | IOMMU_WRITE)

/* 64 MiB of guest memory at 0 backed at 0x1000_0000: one window, no subwindows. */
static void test_single_window(void)
{
	struct iommu_window w[] = { { 0, 0x10000000, 0x04000000, RW } };
	struct iommu_domain d = dom(1, w);
	struct pamu_plan p;
	struct paace e;

	CHECK_EQ(pamu_plan_domain(&d, 16, &p), 0);
	CHECK_EQ(p.base, 0);
	CHECK_EQ(p.log2size, 26);
	CHECK_EQ(p.nr_sub, 0);
	CHECK_EQ(p.hpa[0], 0x10000000);
	CHECK_EQ(p.ap[0], PAACE_AP_ALL);
	pamu_build_primary(&e, &p, 0);
	CHECK_EQ(e.w[0], 0);
	CHECK_EQ(e.w[1], 0x658); /* WSE 0x19 << 6 | AP 3 << 3, not valid */
	CHECK_EQ(e.w[2], 0x80);
	CHECK_EQ(e.w[3], 0x4);
	CHECK_EQ(e.w[4], 0);
	CHECK_EQ(e.w[5], 0x10000000);
	CHECK_EQ(e.w[6], 0);
	for (int i = 7; i < PAACE_WORDS; i++)
		CHECK_EQ(e.w[i], 0);
	pamu_entry_set_valid(&e, true);
	CHECK_EQ(e.w[1], 0x659);
	pamu_entry_set_valid(&e, false);
	CHECK_EQ(e.w[1], 0x658);
	CHECK_EQ(sizeof(struct paace), 64);
}

/* 2 GiB at guest 0x8000_0000 backed above 4 GiB: the high words carry bits 35:32. */
static void test_high_addresses(void)
{
	struct iommu_window w[] = { { 0x80000000, 0x800000000ull, 0x80000000, RW } };
	struct iommu_domain d = dom(1, w);
	struct pamu_plan p;
	struct paace e;

	CHECK_EQ(pamu_plan_domain(&d, 16, &p), 0);
	CHECK_EQ(p.log2size, 31);
	pamu_build_primary(&e, &p, 0);
	CHECK_EQ(e.w[0], 0);
	CHECK_EQ(e.w[1], 0x80000798); /* WBAL 0x80000 | WSE 0x1e << 6 | AP 3 */
	CHECK_EQ(e.w[4], 0x8);
	CHECK_EQ(e.w[5], 0);

	struct iommu_window w2[] = { { 0x100000000ull, 0x100000000ull, 0x1000, IOMMU_READ } };
	d = dom(1, w2);
	CHECK_EQ(pamu_plan_domain(&d, 16, &p), 0);
	pamu_build_primary(&e, &p, 0);
	CHECK_EQ(e.w[0], 1);
	CHECK_EQ(e.w[1], 0x2c8); /* WSE 0xb (4 KiB) << 6 | AP 1 (read) << 3 */
	CHECK_EQ(e.w[4], 1);
}

/* Two 16 MiB ranges with a hole: a 64 MiB window in four 16 MiB subwindows, 1 and 3 denied,
 * subwindow 2 read-only. */
static void test_subwindows(void)
{
	struct iommu_window w[] = { { 0, 0x20000000, 0x01000000, RW },
				    { 0x02000000, 0x31000000, 0x01000000, IOMMU_READ } };
	struct iommu_domain d = dom(2, w);
	struct pamu_plan p;
	struct paace e, s[3];

	CHECK_EQ(pamu_plan_domain(&d, 16, &p), 0);
	CHECK_EQ(p.base, 0);
	CHECK_EQ(p.log2size, 26);
	CHECK_EQ(p.nr_sub, 4);
	CHECK_EQ(p.hpa[0], 0x20000000);
	CHECK_EQ(p.ap[1], PAACE_AP_DENIED);
	CHECK_EQ(p.hpa[2], 0x31000000);
	CHECK_EQ(p.ap[2], PAACE_AP_READ);
	CHECK_EQ(p.ap[3], PAACE_AP_DENIED);
	pamu_build_primary(&e, &p, 0x40);
	CHECK_EQ(e.w[1], 0x678);      /* WSE 0x19 | MW | AP 3 */
	CHECK_EQ(e.w[3], 0x14);       /* WCE 1 (4 subwindows) | ATM window */
	CHECK_EQ(e.w[5], 0x200005c0); /* TWBAL | SWSE 0x17 (16 MiB) */
	CHECK_EQ(e.w[6], 0x40);
	for (unsigned int i = 1; i < 4; i++)
		pamu_build_secondary(&s[i - 1], 0x55, &p, i);
	CHECK_EQ(s[0].w[0], 0);
	CHECK_EQ(s[0].w[1], 0x00550002); /* LIODN | PT, AP denied, not valid */
	CHECK_EQ(s[0].w[2], 0x80);
	CHECK_EQ(s[0].w[5], 0x5c0);
	CHECK_EQ(s[1].w[1], 0x0055000b); /* LIODN | AP 1 | PT | V */
	CHECK_EQ(s[1].w[3], 0x4);
	CHECK_EQ(s[1].w[4], 0);
	CHECK_EQ(s[1].w[5], 0x310005c0);
	CHECK_EQ(s[1].w[6], 0);
	CHECK_EQ(s[2].w[1], 0x00550002);
	/* the same domain on a PAMU that allows only 2 subwindows does not fit */
	CHECK_EQ(pamu_plan_domain(&d, 2, &p), -HV_ENOSPC);
}

/* A window whose host side is only 1 MiB aligned: two 1 MiB subwindows. */
static void test_unaligned_translation(void)
{
	struct iommu_window w[] = { { 0, 0x00100000, 0x00200000, RW } };
	struct iommu_domain d = dom(1, w);
	struct pamu_plan p;

	CHECK_EQ(pamu_plan_domain(&d, 16, &p), 0);
	CHECK_EQ(p.log2size, 21);
	CHECK_EQ(p.nr_sub, 2);
	CHECK_EQ(p.hpa[0], 0x00100000);
	CHECK_EQ(p.hpa[1], 0x00200000);
	CHECK_EQ(p.ap[0], PAACE_AP_ALL);
	CHECK_EQ(p.ap[1], PAACE_AP_ALL);
}

/* What cannot be expressed exactly is refused, never widened. */
static void test_refused(void)
{
	struct iommu_window w1[] = { { 0, 0x10000000, 0x3000, RW } };
	struct iommu_window w2[] = { { 0, 0x10000000, 0x11000, RW } };
	struct iommu_domain d = dom(0, w1);
	struct pamu_plan p;

	CHECK_EQ(pamu_plan_domain(&d, 16, &p), -HV_EINVAL); /* empty */
	d = dom(1, w1);                                     /* 12 KiB: 4 x 4 KiB, 1 denied */
	CHECK_EQ(pamu_plan_domain(&d, 16, &p), 0);
	CHECK_EQ(p.nr_sub, 4);
	CHECK_EQ(p.ap[3], PAACE_AP_DENIED);
	d = dom(1, w2); /* 68 KiB: would need 32 */
	CHECK_EQ(pamu_plan_domain(&d, 16, &p), -HV_ENOSPC);
}

/* ---- registers ---- */

static uint32_t regs[0x1000 / 4];
static struct {
	unsigned int off;
	uint32_t v;
} writes[64];
static int nr_writes;

static uint32_t rd(void *ctx, unsigned int off)
{
	return regs[off / 4];
}

static void wr(void *ctx, unsigned int off, uint32_t v)
{
	if (nr_writes < 64)
		writes[nr_writes++] = (typeof(writes[0])){ off, v };
}

static const struct pamu_io io = { .read = rd, .write = wr };

static void test_setup_sequence(void)
{
	struct pamu_tables t = { .ppaact = 0x123450000ull,
				 .ppaact_size = 0x10000,
				 .spaact = 0x00200000,
				 .spaact_size = 0x4000,
				 .omt = 0x00300000,
				 .omt_size = 0x400 };
	static const struct {
		unsigned int off;
		uint32_t v;
	} want[] = {
		{ 0x000, 0x1 },        { 0x004, 0x23450000 }, { 0x008, 0x1 }, { 0x00c, 0x23460000 },
		{ 0x010, 0 },          { 0x014, 0x00200000 }, { 0x018, 0 },   { 0x01c, 0x00204000 },
		{ 0x020, 0 },          { 0x024, 0x00300000 }, { 0x028, 0 },   { 0x02c, 0x00300400 },
		{ 0xc1c, 0x4 },        /* PICS: access-violation interrupt enabled */
		{ 0xc10, 0x40001011 }, /* PC: PE | OCE | SPCC | PPCC, last */
	};

	nr_writes = 0;
	pamu_hw_setup(&io, &t);
	CHECK_EQ(nr_writes, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_EQ(writes[i].off, want[i].off);
		CHECK_EQ(writes[i].v, want[i].v);
	}
}

static void test_max_subwindows(void)
{
	regs[PAMU_PC3 / 4] = 3u << 21; /* MWCE 3: 16 */
	CHECK_EQ(pamu_hw_max_subwindows(&io), 16);
	regs[PAMU_PC3 / 4] = 0; /* MWCE 0: 2 */
	CHECK_EQ(pamu_hw_max_subwindows(&io), 2);
	regs[PAMU_PC3 / 4] = 0xfu << 21; /* more than the entries can say: 16 */
	CHECK_EQ(pamu_hw_max_subwindows(&io), 16);
}

static void test_violation(void)
{
	struct pamu_violation v;

	memset(regs, 0, sizeof(regs));
	nr_writes = 0;
	CHECK_EQ(pamu_hw_take_violation(&io, &v), 0); /* nothing recorded */
	CHECK_EQ(nr_writes, 0);
	regs[PAMU_AVS1 / 4] = 0x00550201; /* LIODN 0x55, a LAV code, AV */
	regs[PAMU_AVS2 / 4] = 0x12;
	regs[PAMU_AVAH / 4] = 0x1;
	regs[PAMU_AVAL / 4] = 0x20000040;
	CHECK_EQ(pamu_hw_take_violation(&io, &v), 1);
	CHECK_EQ(v.liodn, 0x55);
	CHECK_EQ(v.addr, 0x120000040ull);
	CHECK_EQ(v.avs2, 0x12);
	CHECK_EQ(nr_writes, 2);
	CHECK_EQ(writes[0].off, PAMU_AVS1); /* write-one-to-clear what was read */
	CHECK_EQ(writes[0].v, 0x00550201);
	CHECK_EQ(writes[1].off, PAMU_PICS);
	CHECK_EQ(writes[1].v, 0xc); /* stat cleared, interrupt left enabled */
}

/* fsl,liodn as in a P4080 tree: one cell per DMA source; absent; malformed. */
static void test_liodns(void)
{
	static char buf[1024];
	uint32_t l[4];
	int dma, none, bad;

	fdt_create(buf, sizeof(buf));
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_begin_node(buf, "dma@100300");
	fdt_property_u32(buf, "fsl,liodn", 0x55);
	fdt_end_node(buf);
	fdt_begin_node(buf, "fman@400000");
	fdt_property(
		buf, "fsl,liodn",
		(const fdt32_t[]){ cpu_to_fdt32(0x3c), cpu_to_fdt32(0x3d), cpu_to_fdt32(0x3e) },
		12);
	fdt_end_node(buf);
	fdt_begin_node(buf, "uart@4500");
	fdt_end_node(buf);
	fdt_begin_node(buf, "broken");
	fdt_property(buf, "fsl,liodn", "abc", 3);
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_finish(buf);
	dma = fdt_path_offset(buf, "/dma@100300");
	none = fdt_path_offset(buf, "/uart@4500");
	bad = fdt_path_offset(buf, "/broken");
	CHECK_EQ(pamu_node_liodns(buf, dma, l, 4), 1);
	CHECK_EQ(l[0], 0x55);
	CHECK_EQ(pamu_node_liodns(buf, fdt_path_offset(buf, "/fman@400000"), l, 4), 3);
	CHECK_EQ(l[2], 0x3e);
	CHECK_EQ(pamu_node_liodns(buf, fdt_path_offset(buf, "/fman@400000"), l, 2), 2);
	CHECK_EQ(pamu_node_liodns(buf, none, l, 4), 0);
	CHECK_EQ(pamu_node_liodns(buf, bad, l, 4), -HV_EINVAL);
}

int main(void)
{
	test_liodns();
	test_single_window();
	test_high_addresses();
	test_subwindows();
	test_unaligned_translation();
	test_refused();
	test_setup_sequence();
	test_max_subwindows();
	test_violation();
	return unit_done("test_pamu");
}
