/* vpci_host.c - the PCI host controller a partition's own OS sees: an emulated Freescale PCI
 * controller (the register layout of "fsl,mpc8540-pci", MPC8544E reference manual chapter
 * "PCI/PCI-X Controller"), so that an unmodified Linux binds its stock fsl_pci driver and then
 * stock device drivers (nvme, ...) to the functions assigned to the partition.
 *
 * The hypervisor keeps the real controller (hv/pci/pci.c, arch/powerpc/pci/atmu.c). The guest's
 * page of controller registers is emulated, one trap per access:
 *   - CFG_ADDR (0x000) is stored; CFG_DATA (0x004-0x007) reaches, on bus 0 only, the emulated
 *     configuration space hv/pci/pci.c shows for the partition's own functions (BARs shadowed,
 *     command register filtered, capabilities hidden), or devfn 0, a host bridge header made
 *     up here (Linux reads it to tell host from agent mode and sizes its PCSRBAR); any other
 *     devfn or bus reads all ones and ignores writes, as an empty slot does;
 *   - every other register (outbound/inbound ATMU windows, error registers) is a plain shadow:
 *     what the guest writes it reads back, and nothing reaches the hardware. The outbound
 *     window is the hypervisor's (bus = the BAR addresses hv/pci/pci.c chose, mapped 1:1 into
 *     the partition); the inbound windows are the DMA fence of hv/dma/iommu.c, opened over the
 *     partition's memory with bus address = guest physical address, which is what Linux asks
 *     for (an inbound window from bus 0 over its memory) - so its DMA addresses work
 *     untranslated and nothing it writes here can widen the fence. */
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/pci.h>
#include <hv/vpci_host.h>

#define CFG_ADDR     0x000
#define CFG_DATA     0x004
#define CFG_ENABLE   0x80000000u
#define CFG_BUS(a)   (((a) >> 16) & 0xff)
#define CFG_DEVFN(a) (((a) >> 8) & 0xff)
#define CFG_REG(a)   (((a)&0xfc) | (((a) >> 16) & 0xf00))

/* The made-up host bridge at devfn 0: Freescale vendor id, class "processor, PowerPC"
 * (0x0b20, which Linux's fixup_hide_host_resource_fsl hides from resource assignment), header
 * type 0, programming interface 0 (host mode), BAR0 a 1 MiB memory BAR (PCSRBAR). */
#define HB_ID        0x00301957u /* device 0x0030, vendor 0x1957 */
#define HB_CLASS     0x0b200000u /* class code << 8, revision 0 */
#define HB_BAR0_MASK 0xfff00000u

/* One partition's emulated controller. lock guards cfg_addr and the pair of accesses a
 * configuration cycle makes (CFG_ADDR then CFG_DATA from any vCPU); lock order: this lock,
 * then a function's cmd_lock, then the controller's cfg_lock (docs/security.md). */
struct vpci_host {
	struct partition *part;
	arch_spinlock_t lock;
	uint32_t cfg_addr;
	uint32_t hb_bar0, hb_cmd;       /* host bridge header: BAR0 and command/status */
	uint8_t shadow[VPCI_HOST_SIZE]; /* every other register, big-endian as written */
};

static struct vpci_host hosts[PART_MAX]; /* the vPCI unit's slots */
extern const struct unit vpci_unit;

static void host_lock(struct vpci_host *h)
{
	while (!arch_spin_trylock(&h->lock))
		arch_cpu_relax();
}

/* Little-endian dword reg of the made-up host bridge. */
static uint32_t hb_read(const struct vpci_host *h, unsigned int reg)
{
	switch (reg) {
	case 0x00:
		return HB_ID;
	case 0x04:
		return h->hb_cmd;
	case 0x08:
		return HB_CLASS;
	case 0x10:
		return h->hb_bar0;
	default:
		return 0;
	}
}

static void hb_write(struct vpci_host *h, unsigned int reg, uint32_t le, uint32_t bytes)
{
	if (reg == 0x04)
		h->hb_cmd = (h->hb_cmd & ~bytes & 0xffff) | (le & bytes & 0x0147);
	else if (reg == 0x10)
		h->hb_bar0 = ((h->hb_bar0 & ~bytes) | (le & bytes)) & HB_BAR0_MASK;
}

/* A CFG_DATA access of size bytes at byte k (0-3) of the data register: the configuration
 * space at CFG_REG + k of the function CFG_ADDR names. MMIO values are the bytes at the offset
 * read big-endian; configuration registers are little-endian (the guest uses lwbrx/lhbrx). */
static int cfg_access(struct vpci_host *h, unsigned int k, unsigned int size, uint64_t *value,
		      bool store)
{
	uint32_t a = h->cfg_addr, devfn = CFG_DEVFN(a), reg = CFG_REG(a) + k, le, bytes = 0;
	void *f;

	if (!(a & CFG_ENABLE) || CFG_BUS(a) != 0 || reg >= 0x100) {
		if (!store)
			*value = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
		return 0;
	}
	if (devfn != 0) {
		f = pci_function_of(h->part, devfn);
		if (!f) {
			if (!store)
				*value = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
			return 0;
		}
		return store ? pci_guest_cfg_write(f, reg, size, *value)
			     : pci_guest_cfg_read(f, reg, size, value);
	}
	if (!store) {
		le = hb_read(h, reg & ~3u);
		*value = 0;
		for (unsigned int b = 0; b < size; b++)
			*value = (*value << 8) | ((le >> (8 * ((reg & 3) + b))) & 0xff);
		return 0;
	}
	le = 0;
	for (unsigned int b = 0; b < size; b++) {
		unsigned int shift = 8 * ((reg & 3) + b);

		le |= (uint32_t)((*value >> (8 * (size - 1 - b))) & 0xff) << shift;
		bytes |= 0xffu << shift;
	}
	hb_write(h, reg & ~3u, le, bytes);
	return 0;
}

static int shadow_access(struct vpci_host *h, uint64_t off, unsigned int size, uint64_t *value,
			 bool store)
{
	if (store) {
		for (unsigned int b = 0; b < size; b++)
			h->shadow[off + b] = (uint8_t)(*value >> (8 * (size - 1 - b)));
		if (off <= CFG_ADDR && off + size > CFG_ADDR)
			h->cfg_addr = (uint32_t)h->shadow[0] << 24 | (uint32_t)h->shadow[1] << 16 |
				      (uint32_t)h->shadow[2] << 8 | h->shadow[3];
		return 0;
	}
	*value = 0;
	for (unsigned int b = 0; b < size; b++)
		*value = (*value << 8) | h->shadow[off + b];
	return 0;
}

static int vpci_access(void *ctx, uint64_t off, unsigned int size, uint64_t *value, bool store)
{
	struct vpci_host *h = ctx;
	int err;

	if (off >= VPCI_HOST_SIZE || off + size > VPCI_HOST_SIZE || (off & (size - 1)))
		return -HV_EINVAL;
	host_lock(h);
	if (off >= CFG_DATA && off < CFG_DATA + 4)
		err = cfg_access(h, (unsigned int)(off - CFG_DATA), size, value, store);
	else
		err = shadow_access(h, off, size, value, store);
	arch_spin_unlock(&h->lock);
	return err;
}

static int vpci_read(void *ctx, uint64_t off, unsigned int size, uint64_t *value)
{
	return vpci_access(ctx, off, size, value, false);
}

static int vpci_write(void *ctx, uint64_t off, unsigned int size, uint64_t value)
{
	return vpci_access(ctx, off, size, &value, true);
}

static const struct mmio_ops vpci_ops = { .read = vpci_read, .write = vpci_write };

int vpci_host_map(struct partition *p)
{
	struct vpci_host *h = unit_slot(p, &vpci_unit);

	if (h->part)
		return 0;
	h->part = p;
	return partition_map_emulated(p, VPCI_HOST_GPA, VPCI_HOST_SIZE, &vpci_ops, h);
}

/* At each start (the vPCI unit's reset): the registers as at power-on (nothing of the last
 * run's programming). */
static int vpci_reset(struct partition *p)
{
	struct vpci_host *h = unit_slot(p, &vpci_unit);

	if (!h->part)
		return 0;
	host_lock(h);
	h->cfg_addr = 0;
	h->hb_bar0 = 0;
	h->hb_cmd = 0;
	memset(h->shadow, 0, sizeof(h->shadow));
	arch_spin_unlock(&h->lock);
	return 0;
}

DEFINE_UNIT(vpci, .order = UNIT_ORDER_VPCI, UNIT_SLOTS(hosts), .reset = vpci_reset);

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0) /* an hv code */

/* The controller as a child of a simple-bus (Linux's CoreNet platform creates devices for
 * the root's simple-bus children only), with the properties of the PCI bus binding (IEEE
 * 1275 PCI 2.1): ranges for the 32-bit memory space only (no I/O space: I/O BARs are not
 * assigned), interrupt-map from each function's INTx pin to its hv-pic handle. */
int vpci_host_tree(void *fdt, int pic, uint64_t cpu, uint64_t bus, uint64_t size,
		   const struct vpci_intx *intx, unsigned int n)
{
	int sb, node;
	fdt32_t ranges[7] = { cpu_to_fdt32(0x02000000),    cpu_to_fdt32((uint32_t)(bus >> 32)),
			      cpu_to_fdt32((uint32_t)bus), cpu_to_fdt32((uint32_t)(cpu >> 32)),
			      cpu_to_fdt32((uint32_t)cpu), cpu_to_fdt32((uint32_t)(size >> 32)),
			      cpu_to_fdt32((uint32_t)size) };
	fdt32_t mask[4] = { cpu_to_fdt32(0xff00), 0, 0, cpu_to_fdt32(7) };

	sb = fdt_add_subnode(fdt, 0, "pci-bus");
	FDT_TRY(sb);
	FDT_TRY(fdt_setprop_string(fdt, sb, "compatible", "simple-bus"));
	FDT_TRY(fdt_setprop_u32(fdt, sb, "#address-cells", 2));
	FDT_TRY(fdt_setprop_u32(fdt, sb, "#size-cells", 2));
	FDT_TRY(fdt_setprop(fdt, sb, "ranges", NULL, 0));
	node = fdt_add_subnode(fdt, sb, "pci@fe0008000");
	FDT_TRY(node);
	FDT_TRY(fdt_setprop_string(fdt, node, "compatible", "fsl,mpc8540-pci"));
	FDT_TRY(fdt_setprop_string(fdt, node, "device_type", "pci"));
	FDT_TRY(fdt_setprop_u64(fdt, node, "reg", VPCI_HOST_GPA));
	FDT_TRY(fdt_appendprop_u64(fdt, node, "reg", VPCI_HOST_SIZE));
	FDT_TRY(fdt_setprop_u32(fdt, node, "#address-cells", 3));
	FDT_TRY(fdt_setprop_u32(fdt, node, "#size-cells", 2));
	FDT_TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 1));
	FDT_TRY(fdt_setprop_u32(fdt, node, "bus-range", 0));
	FDT_TRY(fdt_appendprop_u32(fdt, node, "bus-range", 0));
	FDT_TRY(fdt_setprop(fdt, node, "ranges", ranges, sizeof(ranges)));
	FDT_TRY(fdt_setprop(fdt, node, "interrupt-map-mask", mask, sizeof(mask)));
	FDT_TRY(fdt_setprop(fdt, node, "interrupt-map", NULL, 0));
	for (unsigned int i = 0; i < n; i++) {
		fdt32_t e[7] = { cpu_to_fdt32(intx[i].devfn << 8),
				 0,
				 0,
				 cpu_to_fdt32(intx[i].pin),
				 cpu_to_fdt32((uint32_t)pic),
				 cpu_to_fdt32(intx[i].handle),
				 cpu_to_fdt32(intx[i].sense) };

		FDT_TRY(fdt_appendprop(fdt, node, "interrupt-map", e, sizeof(e)));
	}
	return 0;
}
