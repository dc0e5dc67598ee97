/* dma_selftest.c - bulkhead.selftest=dma on x86 (test image only): the VT-d back end on
 * QEMU's edu device (1234:11e8, DMA engine between its buffer at bus address 0x40000 and a bus
 * address; the buffer is not in its BAR, it is filled by DMA). With partition 1 of the config as the domain: DMA of the attached but disabled
 * function lands nowhere, enabled it lands in the partition's memory at the guest-physical
 * address, disabled again (context entry cleared and invalidated) it lands nowhere, also for a
 * transfer started just before the disable (edu runs it 100 ms of virtual time later), and
 * the unit records the blocked writes. One PASS/FAIL line per check. */
#include <hv/err.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/arch/iommu.h>
#include <hv/arch/pci.h>
#include <hv/console.h>
#include <hv/iommu.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include "../x86.h"

#define EDU_ID      0x11e81234u
#define EDU_BUF     0x40000 /* the device's buffer, in its own address space */
#define EDU_SRC     0x80
#define EDU_DST     0x88
#define EDU_CNT     0x90
#define EDU_CMD     0x98
#define CMD_START   0x1
#define CMD_TO_RAM  0x2
#define PCI_COMMAND 0x04
#define CMD_MEM     0x2
#define CMD_MASTER  0x4
#define TARGET_GPA  0x200000 /* in the partition, below edu's 28-bit DMA mask */
#define LEN         64
#define FILL        0xaa

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

static void edu_wr64(unsigned int r, uint64_t v)
{
	*(volatile uint64_t *)(edu + r) = v;
}

static void dma_start(uint64_t src, uint64_t dst, bool to_ram)
{
	edu_wr64(EDU_SRC, src);
	edu_wr64(EDU_DST, dst);
	edu_wr64(EDU_CNT, LEN);
	edu_wr64(EDU_CMD, CMD_START | (to_ram ? CMD_TO_RAM : 0));
}

static void dma_wait(void)
{
	while (*(volatile uint64_t *)(edu + EDU_CMD) & CMD_START)
		arch_cpu_relax();
}

/* Bytes of the target that differ from FILL after a write of the device's buffer to it. */
static unsigned int landed(const uint8_t *t)
{
	unsigned int n = 0;

	for (int i = 0; i < LEN; i++)
		n += t[i] != FILL;
	return n;
}

static uint32_t find_edu(const struct plat_pci *br)
{
	for (uint32_t dev = 0; dev < 32; dev++)
		if (pci_arch_cfg_read32(br, dev << 3, 0) == EDU_ID)
			return dev << 3;
	return 0xffffffffu;
}

int iommu_arch_selftest(const struct platform *plat)
{
	static struct iommu_source src;
	const struct plat_pci *br = plat->nr_pci ? &plat->pci[0] : NULL;
	struct partition *p = partition_by_id(1);
	uint32_t bdf = br ? find_edu(br) : 0xffffffffu, bar;
	struct iommu_domain *d = p ? iommu_domain_of(p) : NULL;
	uint64_t hpa;
	uint8_t *t, pattern[LEN];
	unsigned int n;

	if (bdf == 0xffffffffu || !d || gpa_to_hpa(p, TARGET_GPA, LEN, &hpa)) {
		hv_printf("dma-selftest: FAIL needs -device edu, the VT-d unit and a partition\n");
		return -HV_ENODEV;
	}
	bar = pci_arch_cfg_read32(br, bdf, 0x10) & ~0xfu;
	edu = arch_ioremap(bar, 0x100000);
	pci_arch_cfg_write32(br, bdf, PCI_COMMAND,
			     pci_arch_cfg_read32(br, bdf, PCI_COMMAND) | CMD_MEM | CMD_MASTER);
	hv_printf("dma-selftest: edu at 00:%02x.%x, partition %s\n", bdf >> 3, bdf & 7, p->name);
	t = (uint8_t *)(uintptr_t)hpa;
	for (int i = 0; i < LEN; i++)
		pattern[i] = (uint8_t)(0x40 + i);

	src = (struct iommu_source){ .kind = IOMMU_SRC_PCI, .id = bdf, .unit = -1 };
	check(!iommu_attach(&src, d), "attached to the partition's domain");
	memset(t, FILL, LEN);
	dma_start(EDU_BUF, TARGET_GPA, true);
	dma_wait();
	check(landed(t) == 0, "attached, disabled: DMA lands nowhere");
	check(!iommu_enable(&src), "enabled");
	memcpy(t, pattern, LEN); /* the device's buffer gets the pattern by DMA from RAM */
	dma_start(TARGET_GPA, EDU_BUF, false);
	dma_wait();
	memset(t, FILL, LEN);
	dma_start(EDU_BUF, TARGET_GPA, true);
	dma_wait();
	check(!memcmp(t, pattern, LEN), "enabled: DMA reads and writes at the guest-physical "
					"address");
	memset(t, FILL, LEN);
	check(!iommu_disable(&src), "disabled");
	dma_start(EDU_BUF, TARGET_GPA, true);
	dma_wait();
	check(landed(t) == 0, "disabled again: DMA lands nowhere");
	/* in flight: started while enabled, executed by edu after the quiesce */
	check(!iommu_enable(&src), "enabled again");
	dma_start(EDU_BUF, TARGET_GPA, true); /* the unit's caches now hold the translation */
	dma_wait();
	memset(t, FILL, LEN);
	dma_start(EDU_BUF, TARGET_GPA, true);
	check(!iommu_quiesce(&src), "quiesced with a transfer in flight");
	dma_wait();
	n = landed(t);
	hv_printf("dma-selftest: in flight at quiesce: %u bytes landed\n", n);
	check(n == 0, "in flight at quiesce: 0 bytes landed");
	x86_vtd_poll();
	check(src.faults > 0, "the blocked writes were recorded");
	iommu_detach(&src);
	hv_printf("dma-selftest: %d passed, %d failed\n", passed, failed);
	return failed ? -HV_EIO : 0;
}
