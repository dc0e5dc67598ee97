/* atmu.c - DMA fence of a Freescale PCI/PCIe host controller: its inbound ATMU windows.
 *
 * An inbound window maps a range of PCI bus addresses onto local memory; a bus-master access
 * outside every enabled window is not forwarded to memory. With no PAMU (QEMU ppce500,
 * MPC85xx parts) this is the only DMA fence, and it is per controller, not per device: every
 * function below the controller reaches the same windows. So the windows of a controller are
 * open for at most one domain at a time, only while at least one of that domain's sources on
 * the controller is enabled, and they cover exactly the domain's windows (bus address =
 * guest physical address, translated to the partition's host memory).
 *
 * Registers (MPC8544E reference manual, chapter "PCI/PCI-X Controller" and chapter "PCI
 * Express Interface Controller", sections "Inbound ATMU registers"; Linux and QEMU agree on
 * the offsets): three inbound windows at controller offsets 0xDA0, 0xDC0, 0xDE0, each with
 * PITAR (+0x00, local address >> 12), PIWBAR (+0x08, PCI base >> 12), PIWBEAR (+0x0C, PCI base
 * bits 63:44), PIWAR (+0x10, attributes: EN, prefetch, target, read/write snoop, size).
 * Config cycles: CFG_ADDR (+0x000) and CFG_DATA (+0x004, little-endian data). */
#include <stdbool.h>
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include <hv/platform.h>
#include <hv/iommu.h>
#include <hv/mutate.h>
#include "pci/atmu.h"

#define ATMU_MAX_CTLS       4
#define ATMU_NR_INBOUND     3
#define ATMU_INBOUND_BASE   0xDA0
#define ATMU_INBOUND_STRIDE 0x20
#define PITAR               0x00
#define PIWBAR              0x08
#define PIWBEAR             0x0C
#define PIWAR               0x10

/* PIWAR fields (reference manual, "PCI inbound window attributes registers"). */
#define PIWAR_EN          0x80000000u /* window enabled */
#define PIWAR_PF          0x20000000u /* prefetchable */
#define PIWAR_TGI_LOCAL   0x00f00000u /* target interface: local memory */
#define PIWAR_READ_SNOOP  0x00050000u /* read transaction type: snoop */
#define PIWAR_WRITE_SNOOP 0x00005000u /* write transaction type: snoop */
#define PIWAR_IWS_MIN     11          /* window size 2^(IWS+1): 4 KiB */

#define CFG_ADDR   0x000
#define CFG_DATA   0x004
#define CFG_ENABLE 0x80000000u

static const char *const compatibles[] = {
	"fsl,mpc8540-pci",     "fsl,mpc8548-pcie",    "fsl,mpc8641-pcie",    "fsl,qoriq-pcie",
	"fsl,qoriq-pcie-v2.1", "fsl,qoriq-pcie-v2.2", "fsl,qoriq-pcie-v2.4", "fsl,qoriq-pcie-v3.0",
};

/* One naturally aligned power-of-two piece of a domain: one inbound window. */
struct atmu_win {
	uint64_t bus, local;
	unsigned int log2size;
};

/* One host controller and the fence state of its bus. */
struct atmu_ctl {
	int node;                         /* hardware tree offset */
	volatile uint8_t *regs;           /* 4 KiB of controller registers */
	const struct iommu_domain *owner; /* domain whose windows are open, or NULL */
	unsigned int enabled;             /* enabled sources of owner on this controller */
	arch_spinlock_t cfg_lock;         /* CFG_ADDR/CFG_DATA pair */
};

static struct atmu_ctl ctls[ATMU_MAX_CTLS];
static unsigned int nr_ctls;
static const void *hw_fdt; /* the tree the controllers were found in */

static volatile uint8_t *inbound(struct atmu_ctl *c, unsigned int i, unsigned int reg)
{
	return c->regs + ATMU_INBOUND_BASE + i * ATMU_INBOUND_STRIDE + reg;
}

/* Close every inbound window; the read-back makes sure the controller has taken the
 * writes before we return (the stores are ordered by mbar, completed by the load). */
static void fence(struct atmu_ctl *c)
{
	for (unsigned int i = 0; i < ATMU_NR_INBOUND; i++)
		arch_write32(inbound(c, i, PIWAR), 0);
	for (unsigned int i = 0; i < ATMU_NR_INBOUND; i++)
		(void)arch_read32(inbound(c, i, PIWAR));
}

/* Split d into naturally aligned power-of-two windows (aligned on the bus side and on the
 * local side). Returns the number needed (may exceed max: then only max are written). */
static int atmu_plan(const struct iommu_domain *d, struct atmu_win *w, int max)
{
	int n = 0;

	for (unsigned int i = 0; i < d->nr_windows; i++) {
		uint64_t g = d->win[i].gpa, h = d->win[i].hpa, left = d->win[i].size;

		while (left) {
			unsigned int l = 63;

			while ((1ull << l) > left || (g & ((1ull << l) - 1)) ||
			       (h & ((1ull << l) - 1)))
				l--;
			if (n < max)
				w[n] = (struct atmu_win){ .bus = g, .local = h, .log2size = l };
			n++;
			g += 1ull << l;
			h += 1ull << l;
			left -= 1ull << l;
		}
	}
	return n;
}

/* Test image only ("fence-identity"): one more window, bus address = host address over the
 * 256 MiB block holding local, as firmware leaves a window over RAM: the DMA of a partition
 * then reaches the other partitions' memory there at their host addresses. */
static void open_identity(struct atmu_ctl *c, unsigned int i, uint64_t local)
{
	uint64_t base = local & ~((1ull << 28) - 1);

	arch_write32(inbound(c, i, PITAR), (uint32_t)(base >> 12));
	arch_write32(inbound(c, i, PIWBAR), (uint32_t)(base >> 12));
	arch_write32(inbound(c, i, PIWBEAR), (uint32_t)(base >> 44));
	arch_write32(inbound(c, i, PIWAR), PIWAR_EN | PIWAR_PF | PIWAR_TGI_LOCAL |
						   PIWAR_READ_SNOOP | PIWAR_WRITE_SNOOP | (28 - 1));
}

/* Program the windows of d, each written while disabled and enabled last. */
static int open_windows(struct atmu_ctl *c, const struct iommu_domain *d)
{
	struct atmu_win w[ATMU_NR_INBOUND];
	int n = atmu_plan(d, w, ATMU_NR_INBOUND);

	if (n > ATMU_NR_INBOUND)
		return -HV_ENOSPC;
	fence(c);
	for (int i = 0; i < n; i++) {
		if (w[i].log2size < PIWAR_IWS_MIN + 1)
			return -HV_EINVAL;
		arch_write32(inbound(c, i, PITAR), (uint32_t)(w[i].local >> 12));
		arch_write32(inbound(c, i, PIWBAR), (uint32_t)(w[i].bus >> 12));
		arch_write32(inbound(c, i, PIWBEAR), (uint32_t)(w[i].bus >> 44));
		arch_write32(inbound(c, i, PIWAR), PIWAR_EN | PIWAR_PF | PIWAR_TGI_LOCAL |
							   PIWAR_READ_SNOOP | PIWAR_WRITE_SNOOP |
							   (w[i].log2size - 1));
	}
	if (n < ATMU_NR_INBOUND && n && hv_mutated("fence-identity"))
		open_identity(c, (unsigned int)n, w[0].local);
	(void)arch_read32(inbound(c, 0, PIWAR));
	return 0;
}

/* Hardware tree offset of controller i, or -1. */
int atmu_ctl_node(unsigned int i)
{
	return i < nr_ctls ? ctls[i].node : -1;
}

/* The controller at node or, for a PCI function's node, the one above it. */
static struct atmu_ctl *ctl_of_node(int node)
{
	for (; node >= 0; node = hw_fdt ? fdt_parent_offset(hw_fdt, node) : -1)
		for (unsigned int i = 0; i < nr_ctls; i++)
			if (ctls[i].node == node)
				return &ctls[i];
	return NULL;
}

/* ---- config cycles (the wait step and the self-test) ---- */

static uint32_t swab32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static uint32_t cfg_addr(uint32_t rid, unsigned int reg)
{
	return CFG_ENABLE | (rid << 8) | (reg & 0xfc);
}

uint32_t atmu_cfg_read32(int node, uint32_t rid, unsigned int reg)
{
	struct atmu_ctl *c = ctl_of_node(node);
	uint32_t v;

	if (!c)
		return 0xffffffffu;
	while (!arch_spin_trylock(&c->cfg_lock))
		arch_cpu_relax();
	arch_write32(c->regs + CFG_ADDR, cfg_addr(rid, reg));
	v = swab32(arch_read32(c->regs + CFG_DATA));
	arch_spin_unlock(&c->cfg_lock);
	return v;
}

void atmu_cfg_write32(int node, uint32_t rid, unsigned int reg, uint32_t v)
{
	struct atmu_ctl *c = ctl_of_node(node);

	if (!c)
		return;
	while (!arch_spin_trylock(&c->cfg_lock))
		arch_cpu_relax();
	arch_write32(c->regs + CFG_ADDR, cfg_addr(rid, reg));
	arch_write32(c->regs + CFG_DATA, swab32(v));
	(void)arch_read32(c->regs + CFG_DATA);
	arch_spin_unlock(&c->cfg_lock);
}

/* Outbound window 1: CPU [cpu, cpu + 2^log2) -> PCI bus address bus (memory read/write).
 * Used by the self-test to reach a function's BAR; POTAR, POTEAR, POWBAR, POWAR at 0xC20
 * (reference manual, "Outbound ATMU registers"). */
void atmu_outbound_set(int node, uint64_t cpu, uint64_t bus, unsigned int log2size)
{
	struct atmu_ctl *c = ctl_of_node(node);
	volatile uint8_t *w = c ? c->regs + 0xC20 : NULL;

	if (!w)
		return;
	arch_write32(w + 0x10, 0);
	arch_write32(w + 0x0, (uint32_t)(bus >> 12));
	arch_write32(w + 0x4, (uint32_t)(bus >> 44));
	arch_write32(w + 0x8, (uint32_t)(cpu >> 12));
	arch_write32(w + 0x10, 0x80044000u | (log2size - 1));
	(void)arch_read32(w + 0x10);
}

/* ---- back end operations (called by iommu_arch.c) ---- */

static bool is_pci_ctl(const void *fdt, int node)
{
	for (size_t i = 0; i < sizeof(compatibles) / sizeof(compatibles[0]); i++)
		if (fdt_node_is_compatible(fdt, node, compatibles[i]))
			return true;
	return false;
}

/* Find the controllers, map their registers and fence them: firmware (U-Boot) leaves an
 * inbound window over all of RAM, and every DMA source starts disabled. */
int atmu_probe(const struct platform *plat)
{
	const void *fdt = plat->hw_tree; /* controllers by compatible (arch-private) */
	int node;

	hw_fdt = fdt;
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0 && nr_ctls < ATMU_MAX_CTLS;
	     node = fdt_next_node(fdt, node, NULL)) {
		struct fdt_region r;
		struct atmu_ctl *c = &ctls[nr_ctls];

		if (!is_pci_ctl(fdt, node) || fdt_reg_phys(fdt, node, 0, &r))
			continue;
		c->regs = arch_ioremap(r.addr, 0x1000);
		if (!c->regs) {
			hv_printf("dma: %s: registers cannot be mapped\n",
				  fdt_get_name(fdt, node, NULL));
			continue;
		}
		c->node = node;
		fence(c);
		nr_ctls++;
		hv_printf("dma: %s: inbound windows closed (PCI DMA fence)\n",
			  fdt_get_name(fdt, node, NULL));
	}
	return (int)nr_ctls;
}

int atmu_attach(struct iommu_source *s)
{
	struct atmu_ctl *c = ctl_of_node(s->unit);
	struct atmu_win w[ATMU_NR_INBOUND];

	if (!c)
		return -HV_ENODEV;
	if (atmu_plan(s->dom, w, ATMU_NR_INBOUND) > ATMU_NR_INBOUND)
		return -HV_ENOSPC;
	s->arch = c;
	return 0;
}

int atmu_set_enabled(struct iommu_source *s, bool on)
{
	struct atmu_ctl *c = s->arch;
	int err;

	if (!c)
		return -HV_ENODEV;
	if (on) {
		if (c->enabled && c->owner != s->dom)
			return -HV_EBUSY; /* another partition's DMA is open on this bus */
		if (!c->enabled) {
			err = open_windows(c, s->dom);
			if (err) {
				fence(c);
				return err;
			}
			c->owner = s->dom;
		}
		c->enabled++;
		return 0;
	}
	if (s->enabled && c->enabled)
		c->enabled--;
	if (!c->enabled) {
		if (!hv_mutated("fence-close"))
			fence(c);
		c->owner = NULL;
	}
	return 0;
}

/* PCI ordering: a read completion does not pass posted writes going the same way, so once
 * a config read of the function has completed, every DMA write it posted before has reached
 * the controller (and met the closed windows, or landed before they closed). */
int atmu_wait_idle(struct iommu_source *s)
{
	struct atmu_ctl *c = s->arch;

	if (!c)
		return -HV_ENODEV;
	(void)atmu_cfg_read32(c->node, s->id, 0);
	return 0;
}

void atmu_detach(struct iommu_source *s)
{
	s->arch = NULL;
}
