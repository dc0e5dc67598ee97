/* pci.c - PCI functions assigned to partitions. The hypervisor owns the host bridge: it
 * sizes and places each assigned function's BARs in the bridge's memory window (the bus has
 * nothing else on it the hypervisor uses), maps them into the owner at their CPU physical
 * address and shows the guest an emulated configuration space (PCI Local Bus Specification
 * 3.0, 6.1 header type 0, 6.2.5 base address registers, 6.7 capabilities list):
 *   - BARs are shadowed: reads give the address the hypervisor chose, the sizing protocol
 *     (write all ones, read the size mask) works, any other write is ignored;
 *   - command: only memory space, bus master and INTx disable reach the device, and bus master
 *     only while the function's DMA source is enabled (the guest's bit is recorded and
 *     shown back; pci_function_master() applies it when FH_DMA_ENABLE opens the fence): a
 *     function behind a fence that is open for another function cannot master meanwhile
 *     (issue 12, finding 3);
 *   - status: the capabilities-list bit reads 0 and 0x34 reads 0 (no capability exposed);
 *   - expansion ROM (0x30) reads 0; the device-specific area 0x40-0xff reads 0;
 *   - interrupt line (0x3c) is a guest scratch byte; everything else is read-only. */
#include <stdio.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/platform.h>
#include <hv/arch/boot.h>
#include <hv/mutate.h>
#include <hv/pci.h>
#include <hv/partition.h>

#define MAX_FUNCS 8
#define CFG_PAGE  0x1000u
/* Assigned functions' configuration spaces appear at arch_guest_pci_cfg_gpa (one page each,
 * device number * 8 + function; <hv/arch/boot.h>). */

#define PCI_VENDOR     0x00
#define PCI_COMMAND    0x04
#define PCI_BAR0       0x10
#define PCI_CAP_PTR    0x34
#define PCI_ROM        0x30
#define PCI_INT_LINE   0x3c
#define PCI_INT_PIN    0x3d
#define CMD_MEM        0x0002u
#define CMD_MASTER     0x0004u
#define CMD_INTX_DIS   0x0400u
#define CMD_GUEST_MASK (CMD_MEM | CMD_MASTER | CMD_INTX_DIS)
#define STATUS_CAP     0x00100000u /* in the dword at 0x04 */
#define CAP_PCIE       0x10
#define PCIE_DEVCAP    0x04        /* Device Capabilities, from the capability */
#define DEVCAP_FLR     0x10000000u /* bit 28: Function Level Reset capable */
#define PCIE_DEVCTL    0x08        /* Device Control (low half of the dword) */
#define DEVCTL_FLR     0x8000u     /* bit 15: Initiate Function Level Reset */
#define FLR_WAIT_MS    100         /* PCIe Base 3.0, 6.6.2: wait before using the function */
#define CAP_MSI        0x05
#define CAP_MSIX       0x11
#define MSI_ENABLE     0x00010000u /* Message Control bit 0, in the capability's dword */
#define MSIX_ENABLE    0x80000000u /* Message Control bit 15 */
#define MSIX_MASK      0x40000000u /* Message Control bit 14: Function Mask */
#define BAR_IO         0x1u
#define BAR_64         0x4u
#define BAR_TYPE_MASK  0x6u

/* One assigned function and what the guest has done to its config space. */
struct pci_func {
	struct partition *part;
	int bridge; /* host bridge node in the hardware tree */
	uint32_t bdf;
	uint32_t bar[6];      /* the values the hypervisor programmed */
	uint32_t bar_mask[6]; /* size masks (0: BAR absent or upper half) */
	bool sizing[6];       /* the guest wrote all ones */
	uint8_t int_line;
	bool guest_master;           /* the guest's Bus Master Enable, as it wrote it */
	bool dma_on;                 /* DMA source enabled: bus mastering may reach it */
	arch_spinlock_t cmd_lock;    /* command register: guest writes vs. DMA enable/quiesce */
	uint8_t pin;                 /* interrupt pin (1 = INTA), 0 = none */
	uint32_t id;                 /* device << 16 | vendor */
	struct dev_region region[6]; /* BARs as regions (size 0: absent) */
};

/* One owner's mapping of a function's configuration space page (the emulated region's
 * context): several when the function is claimable; only the holder's (f->part) is live,
 * a standby owner's reads all ones and ignores writes, as an empty slot does. */
struct pci_view {
	struct pci_func *f;
	struct partition *p;
};

/* Bus addresses handed out from a bridge's memory window (bump allocator). */
struct pci_window {
	int bridge;
	uint64_t cpu, bus, size, next;
};

static struct pci_func funcs[MAX_FUNCS];
static unsigned int nr_funcs;
static struct pci_view views[MAX_FUNCS * 2];
static unsigned int nr_views;
static struct pci_window windows[2];
static unsigned int nr_windows;

/* The platform's host bridge whose hardware node is bridge (the device layer names bridges by
 * the node the config's device path resolves to), or NULL. */
static const struct plat_pci *bridge_of(int bridge)
{
	return platform_pci_by_ref(hv_platform, bridge);
}

/* The bridge's 32-bit memory window from its ranges (phys.hi space code 2, PCI 2.1 binding)
 * and the outbound window opened over it. */
static struct pci_window *window_of(const void *hw, int bridge)
{
	const struct plat_pci *br = platform_pci_by_ref(hv_platform, bridge);

	for (unsigned int i = 0; i < nr_windows; i++)
		if (windows[i].bridge == bridge)
			return &windows[i];
	if (!br || nr_windows == 2)
		return NULL;
	for (unsigned int at = 0; at < br->nr_windows; at++) {
		const struct plat_pci_window *pw = &br->window[at];
		struct pci_window *w = &windows[nr_windows];

		if (pw->space != PLAT_PCI_MEM32)
			continue;
		*w = (struct pci_window){
			.bridge = bridge, .bus = pw->bus, .cpu = pw->cpu, .size = pw->size
		};
		w->next = w->bus;
		if (pci_arch_outbound(br, w->cpu, w->bus, w->size))
			return NULL;
		nr_windows++;
		return w;
	}
	return NULL;
}

static uint32_t cfg_rd(const struct pci_func *f, unsigned int reg)
{
	return pci_arch_cfg_read32(bridge_of(f->bridge), f->bdf, reg);
}

static void cfg_wr(const struct pci_func *f, unsigned int reg, uint32_t v)
{
	pci_arch_cfg_write32(bridge_of(f->bridge), f->bdf, reg, v);
}

/* 6.2.5.1: write all ones, read back, restore; memory BARs only (I/O BARs stay absent). */
static int place_bars(struct pci_func *f, struct pci_window *w)
{
	for (unsigned int i = 0; i < 6; i++) {
		unsigned int reg = PCI_BAR0 + 4 * i;
		uint32_t orig = cfg_rd(f, reg), sz;
		uint64_t size, bus;
		struct dev_region *r = &f->region[i];

		cfg_wr(f, reg, ~0u);
		sz = cfg_rd(f, reg);
		cfg_wr(f, reg, orig);
		if (!sz || (sz & BAR_IO) || !(sz & ~0xfu))
			continue;
		size = (uint64_t)(~(sz & ~0xfu)) + 1;
		size &= 0xffffffffull;
		if (size < DEV_PAGE_SIZE)
			size = DEV_PAGE_SIZE; /* keep every BAR in pages of its own */
		bus = (w->next + size - 1) & ~(size - 1);
		if (bus + size > w->bus + w->size)
			return -HV_ENOSPC;
		w->next = bus + size;
		f->bar[i] = (uint32_t)bus | (sz & 0xfu);
		f->bar_mask[i] = sz & ~0xfu;
		cfg_wr(f, reg, f->bar[i]);
		if ((sz & BAR_TYPE_MASK) == BAR_64 && i < 5) {
			cfg_wr(f, reg + 4, 0);
			i++; /* the upper half: reads as 0, not a region */
		}
		*r = (struct dev_region){ .phys = w->cpu + (bus - w->bus),
					  .size = size,
					  .prop = BH_DT_PROP_NONE,
					  .prop_index = i };
		r->guest = r->phys;
		r->flags = BH_REGION_FLAG_READ | BH_REGION_FLAG_WRITE | BH_REGION_FLAG_MMAP |
			   BH_REGION_FLAG_PHYS_VALID;
	}
	return 0;
}

/* ---- emulated configuration space ---- */

/* The 32-bit little-endian register at reg as the guest is allowed to see it. */
static uint32_t guest_view(struct pci_func *f, unsigned int reg)
{
	if (reg >= 0x40)
		return 0;
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 24) {
		unsigned int i = (reg - PCI_BAR0) / 4;

		return f->sizing[i] ? f->bar_mask[i] | (f->bar[i] & 0xfu) : f->bar[i];
	}
	switch (reg) {
	case PCI_ROM:
	case PCI_CAP_PTR:
		return 0;
	case PCI_COMMAND:
		return (cfg_rd(f, reg) & ~STATUS_CAP & ~CMD_MASTER) |
		       (f->guest_master ? CMD_MASTER : 0);
	case PCI_INT_LINE:
		return (cfg_rd(f, reg) & ~0xffu) | f->int_line;
	default:
		return cfg_rd(f, reg);
	}
}

static void cmd_lock(struct pci_func *f)
{
	while (!arch_spin_trylock(&f->cmd_lock))
		arch_cpu_relax();
}

/* Under cmd_lock: the device's command register with bus mastering as the guest wants it if
 * the function's DMA source allows it (the test image's "bus-master" lets it through). */
static void apply_command(struct pci_func *f, uint32_t guest_bits)
{
	uint32_t cur = cfg_rd(f, PCI_COMMAND) & 0xffff;
	bool master = f->guest_master && (f->dma_on || hv_mutated("bus-master"));

	guest_bits = (guest_bits & CMD_GUEST_MASK & ~CMD_MASTER) | (master ? CMD_MASTER : 0);
	cfg_wr(f, PCI_COMMAND, (cur & ~CMD_GUEST_MASK) | guest_bits);
}

/* A guest write of the command register: only the bytes it wrote change. */
static void store_command(struct pci_func *f, uint32_t v, uint32_t bytes)
{
	uint32_t cur;

	cmd_lock(f);
	cur = (cfg_rd(f, PCI_COMMAND) & 0xffff & ~CMD_MASTER) | (f->guest_master ? CMD_MASTER : 0);
	v = (cur & ~bytes) | (v & bytes);
	f->guest_master = v & CMD_MASTER;
	apply_command(f, v);
	arch_spin_unlock(&f->cmd_lock);
}

static void guest_store(struct pci_func *f, unsigned int reg, uint32_t v, uint32_t bytes)
{
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 24) {
		unsigned int i = (reg - PCI_BAR0) / 4;

		f->sizing[i] = bytes == 0xffffffffu && (v | 0xfu) == 0xffffffffu;
	} else if (reg == PCI_COMMAND && (bytes & 0xffff)) {
		store_command(f, v, bytes);
	} else if (reg == PCI_INT_LINE && (bytes & 0xff)) {
		f->int_line = (uint8_t)v;
	}
}

/* MMIO value = the bytes at offset read big-endian; config registers are little-endian. */
static int cfg_read(void *ctx, uint64_t off, unsigned int size, uint64_t *value)
{
	uint32_t le = guest_view(ctx, (unsigned int)off & ~3u), v = 0;

	if (off >= CFG_PAGE || (off & (size - 1)))
		return -HV_EINVAL;
	for (unsigned int b = 0; b < size; b++)
		v = (v << 8) | ((le >> (8 * (((unsigned int)off & 3) + b))) & 0xff);
	*value = v;
	return 0;
}

static int cfg_write(void *ctx, uint64_t off, unsigned int size, uint64_t value)
{
	uint32_t le = 0, bytes = 0;

	if (off >= CFG_PAGE || (off & (size - 1)))
		return -HV_EINVAL;
	for (unsigned int b = 0; b < size; b++) {
		unsigned int shift = 8 * (((unsigned int)off & 3) + b);

		le |= (uint32_t)((value >> (8 * (size - 1 - b))) & 0xff) << shift;
		bytes |= 0xffu << shift;
	}
	guest_store(ctx, (unsigned int)off & ~3u, le, bytes);
	return 0;
}

static int view_read(void *ctx, uint64_t off, unsigned int size, uint64_t *value)
{
	const struct pci_view *w = ctx;

	if (w->f->part == w->p)
		return cfg_read(w->f, off, size, value);
	if (off >= CFG_PAGE || (off & (size - 1)))
		return -HV_EINVAL;
	*value = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
	return 0;
}

static int view_write(void *ctx, uint64_t off, unsigned int size, uint64_t value)
{
	const struct pci_view *w = ctx;

	if (w->f->part == w->p)
		return cfg_write(w->f, off, size, value);
	return off >= CFG_PAGE || (off & (size - 1)) ? -HV_EINVAL : 0;
}

static const struct mmio_ops cfg_ops = { .read = view_read, .write = view_write };

/* ---- setup ---- */

static int map_function(struct partition *p, struct pci_func *f, struct dev_desc *d)
{
	struct dev_region *c = &d->region[BH_PCI_CONFIG_REGION_INDEX];
	struct pci_view *w;
	int err;

	for (unsigned int i = 0; i < 6; i++) {
		const struct dev_region *r = &d->region[i];

		if (r->size && (err = partition_map_device(p, r->guest, r->phys, r->size)))
			return err;
	}
	c->guest = arch_guest_pci_cfg_gpa + (uint64_t)(f->bdf & 0xff) * CFG_PAGE;
	c->size = 256;
	c->flags = BH_REGION_FLAG_READ | BH_REGION_FLAG_WRITE;
	if (nr_views == sizeof(views) / sizeof(views[0]))
		return -HV_ENOSPC;
	w = &views[nr_views++];
	*w = (struct pci_view){ .f = f, .p = p };
	return partition_map_emulated(p, c->guest, CFG_PAGE, &cfg_ops, w);
}

static struct pci_func *find_func(int bridge, uint32_t bdf)
{
	for (unsigned int i = 0; i < nr_funcs; i++)
		if (funcs[i].bridge == bridge && funcs[i].bdf == bdf)
			return &funcs[i];
	return NULL;
}

static void print_bdf(const char *who, const char *what, uint32_t bdf)
{
	hv_printf("%s: %s %02lx:%02lx.%lu\n", who, what, (unsigned long)(bdf >> 8),
		  (unsigned long)((bdf >> 3) & 0x1f), (unsigned long)(bdf & 7));
}

int pci_function_probe(const void *hw, int bridge, uint32_t bdf)
{
	struct pci_window *w = window_of(hw, bridge);
	struct pci_func *f = find_func(bridge, bdf);
	int err;

	if (f)
		return 0;
	if (!w || nr_funcs == MAX_FUNCS)
		return -HV_ENOSPC;
	f = &funcs[nr_funcs];
	*f = (struct pci_func){ .bridge = bridge, .bdf = bdf };
	f->id = cfg_rd(f, PCI_VENDOR);
	if ((f->id & 0xffff) == 0xffff) {
		print_bdf("pci", "no function at", bdf);
		return -HV_ENODEV;
	}
	nr_funcs++;
	cfg_wr(f, PCI_COMMAND, 0); /* no decoding while BARs move */
	err = place_bars(f, w);
	if (err)
		return err;
	f->pin = (uint8_t)(cfg_rd(f, PCI_INT_LINE) >> 8);
	cfg_wr(f, PCI_COMMAND, CMD_MEM); /* the guest adds bus mastering */
	pci_msi_off(f->bridge, f->bdf);  /* firmware may have left MSI on */
	return 0;
}

/* Undo every probe (the config was refused): the functions stop decoding and bus mastering,
 * their BARs stay where they were placed, and the table is empty again. */
void pci_functions_release(void)
{
	for (unsigned int i = 0; i < nr_funcs; i++)
		cfg_wr(&funcs[i], PCI_COMMAND, 0);
	memset(funcs, 0, sizeof(funcs));
	nr_funcs = 0;
	nr_views = 0;
}

int pci_function_setup(struct partition *p, const void *hw, struct dev_desc *d, bool holder)
{
	int err = pci_function_probe(hw, d->hw_node, d->pci_bdf);
	struct pci_func *f = err ? NULL : find_func(d->hw_node, d->pci_bdf);
	char who[48];

	snprintf(who, sizeof(who), "partition %s", p->name);
	if (!f) {
		print_bdf(who, "cannot use PCI function", d->pci_bdf);
		return err ? err : -HV_ENODEV;
	}
	if (holder)
		f->part = p;
	memcpy(d->region, f->region, sizeof(f->region));
	err = map_function(p, f, d);
	if (err)
		return err;
	if (!f->pin || f->pin > 4 || dev_desc_pci_intx(hw, d, f->pin))
		d->irq[BH_PCI_INTX_IRQ_INDEX] =
			(struct dev_irq){ .node = d->hw_node, .prop = BH_DT_PROP_NONE };
	hv_printf("partition %s: PCI %04lx:%04lx at %02lx:%02lx.%lu\n", p->name,
		  (unsigned long)(f->id & 0xffff), (unsigned long)(f->id >> 16),
		  (unsigned long)(d->pci_bdf >> 8), (unsigned long)((d->pci_bdf >> 3) & 0x1f),
		  (unsigned long)(d->pci_bdf & 7));
	return 0;
}

/* PCI Local Bus 3.0, 6.7: the capabilities list starts at the pointer at 0x34; each entry's
 * dword holds its ID (bits 7:0) and the next pointer (15:8). At most 48 entries fit. */
int pci_cap_find(int bridge, uint32_t bdf, unsigned int id)
{
	uint32_t ptr;

	if (!(pci_arch_cfg_read32(bridge_of(bridge), bdf, PCI_COMMAND) & STATUS_CAP))
		return -HV_ENOENT;
	ptr = pci_arch_cfg_read32(bridge_of(bridge), bdf, PCI_CAP_PTR) & 0xfc;
	for (int n = 0; ptr >= 0x40 && n < 48; n++) {
		uint32_t v = pci_arch_cfg_read32(bridge_of(bridge), bdf, ptr);

		if ((v & 0xff) == id)
			return (int)ptr;
		ptr = (v >> 8) & 0xfc;
	}
	return -HV_ENOENT;
}

/* Capability id of function bdf, if it has one with an enable bit on: that bit cleared and
 * set_bits set (one dword write). 1 if it changed, else 0. */
static int cap_turn_off(int bridge, uint32_t bdf, unsigned int id, uint32_t enable,
			uint32_t set_bits)
{
	int cap = pci_cap_find(bridge, bdf, id);
	uint32_t v = cap < 0 ? 0 : pci_arch_cfg_read32(bridge_of(bridge), bdf, (unsigned int)cap);

	if (!(v & enable))
		return 0;
	pci_arch_cfg_write32(bridge_of(bridge), bdf, (unsigned int)cap, (v & ~enable) | set_bits);
	return 1;
}

/* 6.8.1.3 MSI Message Control bit 0 Enable; 6.8.2.3 MSI-X Message Control bit 15 Enable and
 * bit 14 Function Mask (Message Control is the upper half of the capability's dword). */
int pci_msi_off(int bridge, uint32_t bdf)
{
	return cap_turn_off(bridge, bdf, CAP_MSI, MSI_ENABLE, 0) +
	       cap_turn_off(bridge, bdf, CAP_MSIX, MSIX_ENABLE, MSIX_MASK);
}

/* Mask a function's DMA and interrupts before its partition's memory is taken back (issue
 * 6's quiesce calls it through the DMA source): bus mastering off (which also stops MSI
 * writes), INTx disabled, MSI/MSI-X turned off. */
void pci_function_quiesce(void *ctx)
{
	struct pci_func *f = ctx;

	cmd_lock(f);
	f->guest_master = false;
	cfg_wr(f, PCI_COMMAND, (cfg_rd(f, PCI_COMMAND) & 0xffff & ~CMD_MASTER) | CMD_INTX_DIS);
	arch_spin_unlock(&f->cmd_lock);
	pci_msi_off(f->bridge, f->bdf);
}

/* PCIe Base 3.0, 6.6.2 Function Level Reset, when the function offers it (Device Capabilities
 * bit 28): Initiate FLR (Device Control bit 15), wait 100 ms, then put back the BARs the
 * hypervisor placed (an FLR clears them with the rest of the configuration space). The
 * function then holds nothing of its last guest: no queue addresses, no pending interrupt (a
 * level INTx a model leaves asserted across its own controller reset, e.g. QEMU's NVMe, would
 * otherwise storm into the next boot). Under cmd_lock. Returns whether it reset. */
static bool function_level_reset(struct pci_func *f)
{
	int cap = pci_cap_find(f->bridge, f->bdf, CAP_PCIE);
	uint64_t t0, wait = arch_time_freq() / 1000 * FLR_WAIT_MS;

	if (cap < 0 || !(cfg_rd(f, (unsigned int)cap + PCIE_DEVCAP) & DEVCAP_FLR))
		return false;
	cfg_wr(f, (unsigned int)cap + PCIE_DEVCTL,
	       (cfg_rd(f, (unsigned int)cap + PCIE_DEVCTL) & 0xffff) | DEVCTL_FLR);
	for (t0 = arch_time_now(); arch_time_now() - t0 < wait;)
		arch_cpu_relax();
	for (unsigned int i = 0; i < 6; i++)
		if (f->bar[i] || f->bar_mask[i])
			cfg_wr(f, PCI_BAR0 + 4 * i, f->bar[i]);
	return true;
}

/* A restarted guest finds its function as assignment left it: reset if it can be (FLR),
 * memory decoding on, bus mastering off (also as the guest sees it), INTx enabled again (the
 * quiesce disabled it), MSI/MSI-X off. */
void pci_function_reset(void *ctx)
{
	struct pci_func *f = ctx;

	cmd_lock(f);
	f->guest_master = false;
	f->int_line = 0;
	if (!hv_mutated("flr"))
		function_level_reset(f);
	cfg_wr(f, PCI_COMMAND, CMD_MEM);
	arch_spin_unlock(&f->cmd_lock);
	pci_msi_off(f->bridge, f->bdf);
}

void pci_function_claim(void *ctx, struct partition *p)
{
	struct pci_func *f = ctx;

	f->part = p;
	arch_mb();
	pci_function_reset(f);
}

/* The IOMMU layer's bus-master hook (under its hardware lock): the function's DMA source was
 * enabled (on, the fence is open for its domain) or is about to be disabled (off). */
void pci_function_master(void *ctx, bool on)
{
	struct pci_func *f = ctx;

	cmd_lock(f);
	f->dma_on = on;
	apply_command(f, cfg_rd(f, PCI_COMMAND));
	arch_spin_unlock(&f->cmd_lock);
}

void *pci_function_of(const struct partition *p, uint32_t devfn)
{
	for (unsigned int i = 0; i < nr_funcs; i++)
		if ((funcs[i].part == p || hv_mutated("vpci-foreign")) && funcs[i].bdf == devfn)
			return &funcs[i];
	return NULL;
}

int pci_guest_cfg_read(void *ctx, unsigned int reg, unsigned int size, uint64_t *value)
{
	return cfg_read(ctx, reg, size, value);
}

int pci_guest_cfg_write(void *ctx, unsigned int reg, unsigned int size, uint64_t value)
{
	return cfg_write(ctx, reg, size, value);
}

unsigned int pci_function_pin(const void *ctx)
{
	return ((const struct pci_func *)ctx)->pin;
}

int pci_function_window(const void *ctx, uint64_t *cpu, uint64_t *bus, uint64_t *size)
{
	const struct pci_func *f = ctx;

	for (unsigned int i = 0; i < nr_windows; i++) {
		if (windows[i].bridge == f->bridge) {
			*cpu = windows[i].cpu;
			*bus = windows[i].bus;
			*size = windows[i].size;
			return 0;
		}
	}
	return -HV_ENOENT;
}

void *pci_function_ctx(const struct dev_desc *d)
{
	for (unsigned int i = 0; i < nr_funcs; i++)
		if (funcs[i].bridge == d->hw_node && funcs[i].bdf == d->pci_bdf)
			return &funcs[i];
	return NULL;
}
