/* dma_selftest.c - bulkhead.selftest=dma: the PCI inbound-window fence against QEMU's edu
 * device, checked by the hypervisor itself (a guest that owns edu by PCI assignment checks it
 * from its side: partitions/dma). The edu is attached to the first partition's DMA domain as
 * an assigned function is, and its DMA engine (edu.rst:
 * source 0x80, destination 0x88, count 0x90, command 0x98; buffer at device address 0x40000;
 * each transfer takes 100 ms of virtual time) writes into memory while the test checks which
 * bytes land. One "dma-selftest: PASS|FAIL <what>" line per check, then a summary line.
 * QEMU: -device edu,dma_mask=0xffffffff (the default mask clips bus addresses to 28 bits). */
#include <stdbool.h>
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include <hv/platform.h>
#include <hv/handle.h>
#include <hv/iommu.h>
#include <hv/partition.h>
#include <hv/pci.h>
#include "pci/atmu.h"

#define EDU_ID         0x11e81234u /* device 0x11e8, vendor 0x1234 */
#define EDU_DMA_SRC    0x80
#define EDU_DMA_DST    0x88
#define EDU_DMA_CNT    0x90
#define EDU_DMA_CMD    0x98
#define EDU_CMD_START  0x1
#define EDU_CMD_TO_RAM 0x2     /* direction: edu buffer -> RAM */
#define EDU_BUF        0x40000 /* device address of edu's 4 KiB buffer */
#define EDU_BAR_SIZE   0x100000

#define PCI_COMMAND     0x04
#define PCI_CMD_MEM_BME 0x6 /* memory space + bus master */
#define PCI_BAR0        0x10

#define PCI_CAP_MSI 0x05
#define MSI_ENABLE  0x00010000u /* Message Control bit 0, in the cap's dword */

#define LEN  64   /* bytes per transfer */
#define MARK 0xEE /* what the target holds before a transfer */

/* Guest-physical offsets inside the first partition used as DMA targets. The same numbers
 * as host addresses are below the hypervisor's image, unused on both boot paths: a fence
 * that let DMA through untranslated (firmware's 1:1 inbound window) would hit them. */
#define G_PATTERN 0x00900000ull
#define G_TARGET  0x00800000ull
/* A bus address outside the first partition's memory: unused RAM in the demo config. */
#define OUTSIDE   0x0C000000ull

static uint8_t hv_victim[LEN] __attribute__((aligned(4096)));
static volatile uint8_t *edu;
static int passed, failed;

static void check(bool ok, const char *what)
{
	hv_printf("dma-selftest: %s %s\n", ok ? "PASS" : "FAIL", what);
	if (ok)
		passed++;
	else
		failed++;
}

static uint8_t *host(uint64_t hpa)
{
	return (uint8_t *)(uintptr_t)hpa;
}

static void edu_start(uint32_t src, uint32_t dst, uint32_t cmd)
{
	arch_write32(edu + EDU_DMA_SRC, src);
	arch_write32(edu + EDU_DMA_SRC + 4, 0);
	arch_write32(edu + EDU_DMA_DST, dst);
	arch_write32(edu + EDU_DMA_DST + 4, 0);
	arch_write32(edu + EDU_DMA_CNT, LEN);
	arch_write32(edu + EDU_DMA_CMD, cmd | EDU_CMD_START);
}

/* Wait for the transfer to finish: 1 s of time base at most (it needs 100 ms). */
static int edu_wait(void)
{
	uint64_t t0 = arch_time_now();

	while (arch_read32(edu + EDU_DMA_CMD) & EDU_CMD_START)
		if (arch_time_now() - t0 > arch_time_freq())
			return -HV_ETIMEDOUT;
	return 0;
}

static int edu_to_ram(uint64_t bus)
{
	edu_start(EDU_BUF, (uint32_t)bus, EDU_CMD_TO_RAM);
	return edu_wait();
}

/* Bytes of [p, p + LEN) that no longer hold MARK. */
static int landed(const uint8_t *p)
{
	int n = 0;

	for (int i = 0; i < LEN; i++)
		n += p[i] != MARK;
	return n;
}

static void mark(uint8_t *p)
{
	memset(p, MARK, LEN);
	arch_mb();
}

/* Where a DMA to bus address bus could land: the same host address (no translation) and,
 * if bus is inside p's memory, its translation. */
static void mark_bus(struct partition *p, uint64_t bus)
{
	uint64_t hpa;

	mark(host(bus));
	if (!gpa_to_hpa(p, bus, LEN, &hpa))
		mark(host(hpa));
}

/* Bytes landed at bus's untranslated host address; at its translation into p (*xl). */
static int landed_bus(struct partition *p, uint64_t bus, int *xl)
{
	uint64_t hpa;

	*xl = gpa_to_hpa(p, bus, LEN, &hpa) ? 0 : landed(host(hpa));
	return landed(host(bus));
}

/* Outbound window 1 over the controller's first 32-bit memory range, BAR0 of the edu at its
 * start, memory decoding and bus mastering on. Returns the edu's requester id or -HV_ENODEV. */
static int edu_setup(const void *fdt, int node)
{
	int len, rid = -HV_ENODEV, pna = fdt_child_addr_cells(fdt, fdt_parent_offset(fdt, node));
	const fdt32_t *rg = fdt_getprop(fdt, node, "ranges", &len);
	uint64_t bus, cpu, size;
	unsigned int log2 = 12;

	for (int dev = 0; dev < 32 && rid < 0; dev++)
		if (atmu_cfg_read32(node, (uint32_t)dev << 3, 0) == EDU_ID)
			rid = dev << 3;
	if (rid < 0 || !rg || len < (int)sizeof(fdt32_t) * (5 + pna) ||
	    (fdt32_to_cpu(rg[0]) & 0x03000000) != 0x02000000)
		return -HV_ENODEV;
	bus = fdt_read_cells(rg + 1, 2);
	cpu = fdt_read_cells(rg + 3, pna);
	size = fdt_read_cells(rg + 3 + pna, 2);
	while ((2ull << log2) <= size)
		log2++;
	atmu_outbound_set(node, cpu, bus, log2);
	atmu_cfg_write32(node, (uint32_t)rid, PCI_BAR0, (uint32_t)bus);
	atmu_cfg_write32(node, (uint32_t)rid, PCI_COMMAND,
			 atmu_cfg_read32(node, (uint32_t)rid, PCI_COMMAND) | PCI_CMD_MEM_BME);
	edu = arch_ioremap(cpu, EDU_BAR_SIZE);
	return edu ? rid : -HV_ENOMEM;
}

/* One transfer from edu's buffer to bus address bus; true when it finished and exactly
 * want_xl bytes landed at its translation into p and none at the untranslated address. */
static bool dma_lands(struct partition *p, uint64_t bus, int want_xl)
{
	int xl, raw, err;

	mark_bus(p, bus);
	err = edu_to_ram(bus);
	raw = landed_bus(p, bus, &xl);
	if (err || raw || xl != want_xl)
		hv_printf("dma-selftest: bus 0x%llx: error %d, %d bytes untranslated, %d "
			  "translated\n",
			  (unsigned long long)bus, err, raw, xl);
	return !err && !raw && xl == want_xl;
}

/* The checks, in the order a partition's life goes through them. */
static void run(struct iommu_source *s, struct partition *p0, struct partition *p1)
{
	uint64_t pat, tgt;
	int xl, raw, err;

	check(dma_lands(p0, G_TARGET, 0),
	      "disabled at start: DMA into the partition's memory lands nowhere");

	check(!iommu_enable(s), "DMA_ENABLE accepted");
	gpa_to_hpa(p0, G_PATTERN, LEN, &pat);
	gpa_to_hpa(p0, G_TARGET, LEN, &tgt);
	for (int i = 0; i < LEN; i++)
		host(pat)[i] = (uint8_t)(0x40 + i);
	arch_mb();
	edu_start((uint32_t)G_PATTERN, EDU_BUF, 0); /* RAM -> edu: the pattern */
	err = edu_wait();
	check(!err && dma_lands(p0, G_TARGET, LEN) && !memcmp(host(tgt), host(pat), LEN),
	      "enabled: DMA to a guest address lands in the partition's host memory");

	if (p1 && gpa_to_hpa(p0, p1->mem[0].hpa + 0x1000, LEN, &pat))
		check(dma_lands(p0, p1->mem[0].hpa + 0x1000, 0),
		      "enabled: DMA to another partition's memory does not land");
	check(dma_lands(p0, (uintptr_t)hv_victim,
			gpa_to_hpa(p0, (uintptr_t)hv_victim, LEN, &pat) ? 0 : LEN),
	      "enabled: DMA to the hypervisor's address does not land there");
	if (gpa_to_hpa(p0, OUTSIDE, LEN, &pat))
		check(dma_lands(p0, OUTSIDE, 0),
		      "enabled: DMA beyond the partition's memory lands nowhere");

	mark_bus(p0, G_TARGET);
	edu_start(EDU_BUF, (uint32_t)G_TARGET, EDU_CMD_TO_RAM); /* in flight ... */
	check(!iommu_quiesce(s), "quiesce while a DMA is in flight");
	err = edu_wait();
	raw = landed_bus(p0, G_TARGET, &xl);
	hv_printf("dma-selftest: in flight at quiesce: %d bytes landed\n", raw + xl);
	check(!err && !raw && !xl, "in flight at quiesce: 0 bytes landed");

	check(dma_lands(p0, G_TARGET, 0), "disabled again: DMA lands nowhere");
	check(!iommu_enable(s), "DMA_ENABLE again accepted");
	check(dma_lands(p0, G_TARGET, LEN), "enabled again: DMA lands");
	iommu_detach(s);
	check(dma_lands(p0, G_TARGET, 0), "detached: DMA lands nowhere");
}

/* Stands in for the device layer's mask hook (which clears Bus Master Enable): it only
 * counts. In QEMU a cleared Bus Master Enable stops the edu's DMA by itself, and this test
 * wants the fence alone to be what stops it. */
struct edu_ctx {
	int masked;
};

static void edu_mask(void *ctx)
{
	((struct edu_ctx *)ctx)->masked++;
}

/* Bench P3 (docs/dma.md), the part that exists today: time base ticks of the quiesce, the
 * scrub and the postreset of the reset just done, against a bare memset of the same memory
 * (bench/dma.sh runs this under -icount and prints the ratio). */
static void report_p3(struct partition *p, const uint64_t *t)
{
	uint64_t m0, m1, bytes = 0;

	m0 = arch_time_now();
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		if (p->mem[i].shared)
			continue;
		memset(host(p->mem[i].hpa), 0, (size_t)p->mem[i].size);
		bytes += p->mem[i].size;
	}
	m1 = arch_time_now();
	hv_printf(
		"dma-selftest: p3 quiesce %lu scrub %lu postreset %lu memset %lu ticks, %lu KiB\n",
		(unsigned long)(t[1] - t[0]), (unsigned long)(t[2] - t[1]),
		(unsigned long)(t[3] - t[2]), (unsigned long)(m1 - m0),
		(unsigned long)(bytes >> 10));
}

/* Partition reset with a DMA in flight, through the same calls partition_stop() and
 * partition_start() make: the handles' prereset (quiesce), then the scrub, then postreset.
 * The transfer's data must not appear after the scrub. Leaves the source attached to p0,
 * disabled, with its handle. */
static void run_reset(struct partition *p0, int node, uint32_t rid)
{
	static struct edu_ctx ctx;
	struct iommu_source *s;
	uint64_t tgt, t[4];
	int h, err, pre, nonzero = 0;

	ctx = (struct edu_ctx){ 0 };
	struct iommu_attach_args a = {
		.kind = IOMMU_SRC_PCI, .id = rid, .unit = node, .mask = edu_mask, .ctx = &ctx
	};

	h = iommu_device_attach_args(p0, &a);
	s = h < 0 ? NULL : iommu_source_get(p0, (unsigned long)h);
	check(s && !s->enabled, "device attach: a handle, DMA disabled");
	if (!s || gpa_to_hpa(p0, G_TARGET, LEN, &tgt))
		return;
	hv_printf("dma-selftest: partition %s dma handle %d\n", p0->name, h);
	check(!iommu_enable(s), "DMA_ENABLE through the handle accepted");
	mark(host(tgt));
	edu_start(EDU_BUF, (uint32_t)G_TARGET, EDU_CMD_TO_RAM); /* in flight ... */
	t[0] = arch_time_now();
	pre = handles_prereset(p0); /* partition stop */
	t[1] = arch_time_now();
	guest_scrub(p0); /* partition start */
	t[2] = arch_time_now();
	handles_postreset(p0);
	t[3] = arch_time_now();
	err = edu_wait();
	for (int i = 0; i < LEN; i++)
		nonzero += host(tgt)[i] != 0;
	hv_printf("dma-selftest: reset with DMA in flight: %d bytes differ from the scrubbed "
		  "value\n",
		  nonzero);
	check(!err && !nonzero, "reset with DMA in flight: the target holds the scrubbed value");
	check(!pre && ctx.masked == 1 && !s->enabled, "reset: mask hook ran, DMA disabled again");
	report_p3(p0, t);
	s->mask = NULL;
}

/* The device layer's quiesce (pci_function_quiesce()) turns MSI off with pci_msi_off(): edu
 * has an MSI capability; turn it on behind the hypervisor's back and check it goes off. */
static void check_msi_off(int node, uint32_t rid)
{
	int cap = pci_cap_find(node, rid, PCI_CAP_MSI), n;

	if (cap < 0) {
		check(false, "quiesce turns MSI off (edu has no MSI capability?)");
		return;
	}
	atmu_cfg_write32(node, rid, (unsigned int)cap,
			 atmu_cfg_read32(node, rid, (unsigned int)cap) | MSI_ENABLE);
	n = pci_msi_off(node, rid);
	check(n == 1 && !(atmu_cfg_read32(node, rid, (unsigned int)cap) & MSI_ENABLE),
	      "quiesce turns MSI off");
}

int iommu_arch_selftest(const struct platform *plat)
{
	const void *fdt = plat->hw_tree;
	static struct iommu_source s;
	int node = atmu_ctl_node(0), rid, err;
	struct iommu_domain *d;

	passed = failed = 0;
	rid = node < 0 ? -HV_ENODEV : edu_setup(fdt, node);
	if (rid < 0 || nr_partitions < 1 || !(d = iommu_domain_of(&partitions[0]))) {
		hv_printf("dma-selftest: FAIL needs a PCI controller, -device edu and a partition "
			  "(error %d)\n",
			  rid);
		return 0;
	}
	hv_printf("dma-selftest: edu at 00:%02x.%x, partition %s\n", rid >> 3, rid & 7,
		  partitions[0].name);
	s = (struct iommu_source){ .kind = IOMMU_SRC_PCI, .id = (uint32_t)rid, .unit = node };
	err = iommu_attach(&s, d);
	check(!err, "attach to the partition's DMA domain");
	if (!err)
		run(&s, &partitions[0], nr_partitions > 1 ? &partitions[1] : NULL);
	run_reset(&partitions[0], node, (uint32_t)rid);
	check_msi_off(node, (uint32_t)rid);
	hv_printf("dma-selftest: %d passed, %d failed\n", passed, failed);
	return 1;
}
