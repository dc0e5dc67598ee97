/* device.c - devices assigned to partitions (the devices unit): built from the config when
 * the owner is created, MMIO mapped into it (whole pages straight through, cache-inhibited
 * and guarded; registers that share a page with someone else's are forwarded access by
 * access), the interrupts given to the virtual PIC, and the device nodes of the guest tree. */
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/device.h>
#include <hv/device_hcall.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include <hv/guest_tree.h>
#include <hv/iommu.h>
#include <hv/mutate.h>
#include <hv/pci.h>
#include <hv/vpci_host.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/vpic.h>

#define MAX_DEVICES   32
#define MAX_FWD_PAGES 16
#define FWD_WINDOWS   4

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0)        /* an hv code */
#define CLAIM_STATE_LEN  8 /* "standby" + NUL; "active" padded with NULs */
#define CLAIM_STATUS_LEN 9 /* "disabled" + NUL; "okay" padded with NULs */

/* A page of device registers a partition may only partly touch: accesses inside one of its
 * windows are forwarded to the hardware, anything else in the page faults the partition. */
struct fwd_page {
	struct partition *part;
	uint64_t page;        /* guest = host physical page address */
	volatile uint8_t *va; /* the hypervisor's mapping of that page */
	unsigned int nr;
	struct {
		uint32_t off, size;
		const struct hv_device *dev; /* open while dev->holder */
	} win[FWD_WINDOWS];
};

static struct hv_device devices[MAX_DEVICES];
static unsigned int nr_devices;
static struct fwd_page fwd_pages[MAX_FWD_PAGES];
static unsigned int nr_fwd_pages;
static const void *hw_tree;

/* The devices unit's slot: how creating the partition's devices went (0, or the first error:
 * the partition is built but every start refuses it, so that it never boots with half of its
 * devices). */
struct part_devices {
	int result;
};
static struct part_devices part_devices[PART_MAX];
extern const struct unit devices_unit;

const void *device_hw_tree(void)
{
	return hw_tree;
}

static int device_prereset(struct handle *h)
{
	/* Interrupts are masked by their own vpic handles, DMA fenced by the source handles. */
	return 0;
}

/* A restarted guest finds its PCI function as its first start did (assignment left memory
 * decoding on, bus mastering off and INTx enabled): the quiesce of the last stop set INTx
 * Disable, which a guest booting fresh does not expect to clear (Linux does not). Bus
 * mastering stays off until the guest enables it; its interrupt handle is masked. */
static void device_postreset(struct handle *h)
{
	struct hv_device *d = h->obj;

	if (d->desc.pci && d->holder) /* a standby owner's restart leaves the holder's alone */
		pci_function_reset(pci_function_ctx(&d->desc)); /* its controller: vpci unit */
}

static const struct handle_ops device_ops = {
	.prereset = device_prereset,
	.postreset = device_postreset,
};

struct hv_device *device_get(struct partition *p, unsigned long n)
{
	struct handle *h = handle_get(p, n, HANDLE_DEVICE);

	return h ? h->obj : NULL;
}

/* ---- forwarded registers ---- */

static bool fwd_inside(const struct fwd_page *f, uint64_t off, unsigned int size)
{
	for (unsigned int i = 0; i < f->nr; i++)
		if (off >= f->win[i].off &&
		    off + size <= (uint64_t)f->win[i].off + f->win[i].size &&
		    (f->win[i].dev->holder || hv_mutated("claim-standby-open")))
			return true;
	return false;
}

static int fwd_read(void *ctx, uint64_t off, unsigned int size, uint64_t *value)
{
	struct fwd_page *f = ctx;
	volatile uint8_t *a = f->va + off;

	if (!fwd_inside(f, off, size))
		return -HV_EFAULT;
	switch (size) {
	case 1:
		*value = arch_read8(a);
		break;
	case 4:
		*value = arch_read32(a);
		break;
	default:
		return -HV_EINVAL;
	}
	return 0;
}

static int fwd_write(void *ctx, uint64_t off, unsigned int size, uint64_t value)
{
	struct fwd_page *f = ctx;
	volatile uint8_t *a = f->va + off;

	if (!fwd_inside(f, off, size))
		return -HV_EFAULT;
	switch (size) {
	case 1:
		arch_write8(a, (uint8_t)value);
		break;
	case 4:
		arch_write32(a, (uint32_t)value);
		break;
	default:
		return -HV_EINVAL;
	}
	return 0;
}

static const struct mmio_ops fwd_ops = { .read = fwd_read, .write = fwd_write };

static struct fwd_page *fwd_page_get(struct partition *p, uint64_t page)
{
	struct fwd_page *f;

	for (unsigned int i = 0; i < nr_fwd_pages; i++)
		if (fwd_pages[i].part == p && fwd_pages[i].page == page)
			return &fwd_pages[i];
	if (nr_fwd_pages == MAX_FWD_PAGES)
		return NULL;
	f = &fwd_pages[nr_fwd_pages];
	*f = (struct fwd_page){ .part = p, .page = page };
	f->va = arch_ioremap(page, DEV_PAGE_SIZE);
	if (!f->va || partition_map_emulated(p, page, DEV_PAGE_SIZE, &fwd_ops, f))
		return NULL;
	nr_fwd_pages++;
	return f;
}

static int map_forwarded(struct partition *p, const struct dev_region *r, const struct hv_device *d)
{
	uint64_t page = r->phys & ~(DEV_PAGE_SIZE - 1);
	struct fwd_page *f;

	if (r->phys + r->size > page + DEV_PAGE_SIZE)
		return -HV_EINVAL; /* straddles a page boundary: not supported */
	f = fwd_page_get(p, page);
	if (!f || f->nr == FWD_WINDOWS)
		return -HV_ENOSPC;
	f->win[f->nr].off = (uint32_t)(r->phys - page);
	f->win[f->nr].size = (uint32_t)r->size;
	f->win[f->nr].dev = d;
	f->nr++;
	return 0;
}

/* ---- instantiation ---- */

static int map_regions(struct hv_device *d)
{
	for (unsigned int i = 0; i < d->desc.nr_regions; i++) {
		const struct dev_region *r = &d->desc.region[i];
		int err = (r->flags & BH_REGION_FLAG_MMAP)
				  ? partition_map_device(d->part, r->guest, r->phys, r->size)
				  : map_forwarded(d->part, r, d);

		if (!err && (r->flags & BH_REGION_FLAG_MMAP) && !d->holder &&
		    !hv_mutated("claim-standby-open"))
			err = partition_region_set(d->part, r->guest, false);

		if (err) {
			hv_printf("partition %s: cannot map region %u of a device (0x%llx, 0x%llx "
				  "bytes): error %d\n",
				  d->part->name, i, (unsigned long long)r->phys,
				  (unsigned long long)r->size, err);
			return err;
		}
	}
	return 0;
}

/* A standby owner's BARs: mapped, closed until a claim opens them (set_holder()). */
static int close_bars(struct hv_device *d)
{
	for (unsigned int i = 0; i < BH_PCI_CONFIG_REGION_INDEX; i++) {
		const struct dev_region *r = &d->desc.region[i];
		int err = r->size && (r->flags & BH_REGION_FLAG_MMAP)
				  ? partition_region_set(d->part, r->guest, false)
				  : 0;

		if (err)
			return err;
	}
	return 0;
}

/* map-ranges (Topaz): every window of the bus device's "ranges", translated to CPU physical
 * through its parents, mapped into the partition at its physical address (as its registers
 * are). Each entry is <child-address parent-address size>; the parent address is what is
 * translated (a PCI controller's 3-cell child address is not needed). */
static int map_ranges(struct hv_device *d, const void *hw)
{
	int node = d->desc.hw_node, parent = fdt_parent_offset(hw, node), len;
	int ca = fdt_child_addr_cells(hw, node), pa = fdt_child_addr_cells(hw, parent);
	int sc = fdt_child_size_cells(hw, node), n = ca + pa + sc;
	const fdt32_t *r = fdt_getprop(hw, node, "ranges", &len);

	if (!r || parent < 0 || ca > 3 || pa < 1 || pa > 2 || sc < 1 || sc > 2 || len % (4 * n))
		return r ? -HV_EINVAL : 0; /* no ranges: nothing to map */
	for (int i = 0; i < len / 4; i += n) {
		uint64_t bus = fdt_read_cells(r + i + ca, pa); /* in the parent's space */
		uint64_t size = fdt_read_cells(r + i + ca + pa, sc), phys;
		int err = fdt_translate_addr(hw, parent, bus, &phys);

		if (!err)
			err = partition_map_device(d->part, phys, phys, (size + 0xfff) & ~0xfffull);
		if (err) {
			hv_printf("partition %s: map-ranges: window %d of %s (0x%llx, 0x%llx "
				  "bytes) cannot be mapped: error %d\n",
				  d->part->name, i / n, fdt_get_name(hw, node, NULL),
				  (unsigned long long)bus, (unsigned long long)size, err);
			return -HV_EINVAL;
		}
	}
	return 0;
}

/* The attach arguments every DMA source of d shares: its config dma-window (and sub-windows),
 * the DMA switches, and whether d's owner holds it (a standby owner's sources stay out of the
 * hardware until a claim moves them: iommu_source_move()). */
static struct iommu_attach_args dma_args(const struct hv_device *d)
{
	return (struct iommu_attach_args){
		.window_gpa = d->dma_window.base,
		.window_size = d->dma_window.size,
		.sub = d->dma_sub,
		.nr_sub = d->nr_dma_sub,
		.no_dma_disable = d->no_dma_disable,
		.defer_dma_disable = d->defer_dma_disable,
		.no_dma = d->no_dma,
		.standby = !d->holder,
	};
}

/* A PCI function's DMA source (issue 6's IOMMU layer): attached disabled unless the config
 * says no-dma-disable, restricted to its config dma-window if it has one; its quiesce turns
 * bus mastering and MSI off first. */
static int add_dma_source(struct hv_device *d)
{
	struct iommu_attach_args a = dma_args(d);
	int h;

	a.kind = IOMMU_SRC_PCI;
	a.id = d->desc.pci_bdf;
	a.unit = d->desc.hw_node;
	a.mask = pci_function_quiesce;
	a.master = pci_function_master;
	a.ctx = pci_function_ctx(&d->desc);
	h = iommu_device_attach_args(d->part, &a);
	if (h < 0)
		return h;
	d->desc.dma_handle = (uint32_t)h;
	return 0;
}

/* A system-bus device's DMA sources: one per LIODN of its node (fsl,liodn), behind the PAMU
 * (one table: unit -1). No mask hook: the device has no bus-master switch of its own; the
 * PAMU entry is the fence. Handles follow each other (dev_desc_number()). */
static int add_liodn_sources(struct hv_device *d)
{
	struct iommu_attach_args a = dma_args(d);

	a.kind = IOMMU_SRC_LIODN;
	a.unit = -1;
	for (unsigned int i = 0; i < d->desc.nr_liodns; i++) {
		int h;

		a.id = d->desc.liodn[i];
		h = iommu_device_attach_args(d->part, &a);
		if (h < 0)
			return h;
		if (i == 0)
			d->desc.dma_handle = (uint32_t)h;
	}
	return 0;
}

/* Handles come in config order: the device's own, then one per interrupt (the numbering
 * dev_desc_number() computes, which bhctl shows offline). */
static int add_handles(struct hv_device *d)
{
	int h = handle_add(d->part, &d->handle);

	if (h < 0)
		return h;
	d->desc.handle = (uint32_t)h;
	for (unsigned int i = 0; i < d->desc.nr_irqs; i++) {
		const struct dev_irq *q = &d->desc.irq[i];
		int ih = !q->count   ? 0
			 : d->holder ? vpic_irq_create(d->part, q)
				     : vpic_irq_create_dormant(d->part, q);

		if (ih < 0)
			return ih;
		d->desc.irq[i].handle = (uint32_t)ih;
	}
	return d->desc.pci ? add_dma_source(d) : add_liodn_sources(d);
}

/* The device's dma-window and, when it has sub-windows, the ranges its dma-subwindow nodes
 * describe (the window's other slots stay unreachable). */
static void set_dma_window(struct hv_device *d, const struct hv_config *cfg, int wi)
{
	const struct cfg_dma_window *w = &cfg->dma_window[wi];

	d->dma_window = w->guest;
	for (int i = 0;
	     w->subwindow_count && i < w->nr_subwindows && d->nr_dma_sub < CFG_MAX_SUBWIN_COUNT;
	     i++) {
		const struct cfg_subwindow *sw = &cfg->subwindow[w->first_subwindow + i];

		d->dma_sub[2 * d->nr_dma_sub] = sw->guest.base;
		d->dma_sub[2 * d->nr_dma_sub + 1] = sw->guest.size;
		d->nr_dma_sub++;
	}
}

static int create_one(struct partition *p, const void *hw, const void *cfg_fdt,
		      const struct hv_config *cfg, int index)
{
	struct hv_device *d;
	int err;

	if (nr_devices == MAX_DEVICES)
		return -HV_ENOSPC;
	d = &devices[nr_devices];
	memset(d, 0, sizeof(*d));
	d->part = p;
	d->handle = (struct handle){ .type = HANDLE_DEVICE, .ops = &device_ops, .obj = d };
	d->no_dma_disable =
		cfg->device[index].no_dma_disable || cfg->part[p->cfg_index].no_dma_disable;
	d->defer_dma_disable = cfg->part[p->cfg_index].defer_dma_disable;
	d->no_dma = cfg->device[index].no_dma;
	d->claimable = cfg->device[index].claimable;
	d->holder = d->claimable != CFG_CLAIM_STANDBY;
	if (cfg->device[index].dma_window >= 0)
		set_dma_window(d, cfg, cfg->device[index].dma_window);
	err = dev_desc_build(hw, cfg_fdt, cfg, index, &d->desc);
	if (err) {
		hv_printf("partition %s: device %s: %s\n", p->name, cfg->device[index].device,
			  hv_strerror(err));
		return -HV_EINVAL;
	}
	nr_devices++;
	err = d->desc.pci ? pci_function_setup(p, hw, &d->desc, d->holder) : map_regions(d);
	if (!err && d->desc.pci && !d->holder && !hv_mutated("claim-standby-open"))
		err = close_bars(d);
	if (!err && !d->desc.pci && cfg->device[index].map_ranges)
		err = map_ranges(d, hw);
	if (!err && d->desc.pci)
		err = vpci_host_map(p); /* the controller its own OS drives */
	return err ? err : add_handles(d);
}

/* The unit's init: every assigned PCI function, in config order, before any partition gets
 * one (BAR addresses then do not depend on the order partitions are built in). Failures are
 * reported when the owner starts. */
static int devices_init(const struct unit_env *env)
{
	const struct hv_config *cfg = env->cfg;

	hw_tree = env->hw_fdt;
	for (int k = 0; k < cfg->nr_devices; k++) {
		const struct cfg_device *cd = &cfg->device[k];

		if (cd->owner >= 0 && cd->pci_function >= 0 && cd->hw_node >= 0)
			pci_function_probe(hw_tree, cd->hw_node, (uint32_t)cd->pci_function);
	}
	return 0;
}

/* The config was refused: the functions probed at init are released. */
static void devices_exit(void)
{
	pci_functions_release();
}

/* The unit's create: p's devices in config order. A failure is kept in the slot, not
 * returned: the other partitions are built and start as before; p's starts are refused
 * (device_tree_add()). */
static int devices_create(struct partition *p, const struct unit_env *env)
{
	const struct hv_config *cfg = env->cfg;
	struct part_devices *s = unit_slot(p, &devices_unit);

	for (int k = 0; k < cfg->nr_devices && !s->result; k++)
		if (cfg->device[k].owner == p->cfg_index)
			s->result = create_one(p, hw_tree, env->cfg_fdt, cfg, k);
	return 0;
}

/* p's devices and forwarded pages are the last ones made (partitions are built, and unwound,
 * in order); their handles, sources and regions go with the units before this one. */
static void devices_destroy(struct partition *p)
{
	while (nr_devices && devices[nr_devices - 1].part == p)
		nr_devices--;
	while (nr_fwd_pages && fwd_pages[nr_fwd_pages - 1].part == p)
		nr_fwd_pages--;
}

DEFINE_UNIT(devices, .order = UNIT_ORDER_DEVICES, UNIT_SLOTS(part_devices), .init = devices_init,
	    .exit = devices_exit, .partition_create = devices_create, .destroy = devices_destroy);

/* ---- claimable devices ---- */

/* Values of equal length whoever holds the device, so that a claim can rewrite a built tree
 * in place (fdt_setprop_inplace(): no byte moves; a concurrent gdt reads a whole tree). */
static const char claim_state[2][CLAIM_STATE_LEN] = { "standby", "active" };
static const char claim_status[2][CLAIM_STATUS_LEN] = { "disabled", "okay" };

/* Topaz: a standby copy is disabled (a hardware status other than "ok..." is left as it is). */
static int claim_props(void *fdt, int node, bool holder)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	FDT_TRY(fdt_setprop(fdt, node, "fsl,hv-claimable", claim_state[holder], CLAIM_STATE_LEN));
	if (!st || !strncmp(st, "ok", 2))
		FDT_TRY(fdt_setprop(fdt, node, "status", claim_status[holder], CLAIM_STATUS_LEN));
	return 0;
}

/* d's node in its partition's kept tree (built at its first start), after a claim: what the
 * partition's next start boots with. */
static void claim_tree_update(const struct hv_device *d)
{
	void *fdt = d->part->tree;
	fdt32_t h = cpu_to_fdt32(d->desc.handle);
	int node, len;

	if (!fdt)
		return; /* built at its first start, from d->holder */
	node = fdt_node_offset_by_prop_value(fdt, -1, "fsl,hv-device-handle", &h, sizeof(h));
	if (node < 0)
		return;
	fdt_setprop_inplace(fdt, node, "fsl,hv-claimable", claim_state[d->holder], CLAIM_STATE_LEN);
	if (fdt_getprop(fdt, node, "status", &len) && len == CLAIM_STATUS_LEN)
		fdt_setprop_inplace(fdt, node, "status", claim_status[d->holder], CLAIM_STATUS_LEN);
}

struct hv_device *device_holder_of(const struct hv_device *d)
{
	for (unsigned int i = 0; i < nr_devices; i++)
		if (devices[i].desc.hw_node == d->desc.hw_node && devices[i].holder)
			return &devices[i];
	return NULL;
}

static void set_holder(struct hv_device *d, bool on)
{
	for (unsigned int i = 0; i < d->desc.nr_regions; i++)
		if (d->desc.region[i].flags & BH_REGION_FLAG_MMAP)
			partition_region_set(d->part, d->desc.region[i].guest, on);
	d->holder = on; /* forwarded windows follow it */
	arch_mb();
}

/* The DMA sources go first (the step that can fail: a back end that cannot attach the
 * claimer's domain); one that fails is given back with those moved before it, and the claim
 * fails with nothing else moved. */
static int move_dma(struct hv_device *from, struct hv_device *to)
{
	unsigned int n = from->desc.pci ? 1 : from->desc.nr_liodns, i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = iommu_source_move(iommu_source_get(from->part, from->desc.dma_handle + i),
					iommu_source_get(to->part, to->desc.dma_handle + i));
	if (err)
		while (--i > 0)
			iommu_source_move(
				iommu_source_get(to->part, to->desc.dma_handle + i - 1),
				iommu_source_get(from->part, from->desc.dma_handle + i - 1));
	return err;
}

int device_move_holder(struct hv_device *from, struct hv_device *to)
{
	int err = move_dma(from, to);

	if (err)
		return err;
	set_holder(from, false);
	for (unsigned int i = 0; i < to->desc.nr_irqs; i++) {
		struct vpic_irq *a = vpic_irq_get(from->part, from->desc.irq[i].handle);
		struct vpic_irq *b = vpic_irq_get(to->part, to->desc.irq[i].handle);

		if (a && b && !hv_mutated("claim-keep-irq"))
			vpic_irq_move(a, b);
	}
	if (to->desc.pci)
		pci_function_claim(pci_function_ctx(&to->desc), to->part);
	set_holder(to, true);
	claim_tree_update(from);
	claim_tree_update(to);
	return 0;
}

/* ---- guest tree ---- */

/* ePAPR hv-pic sense (Linux ehv_pic.c): 0 falling, 1 rising, 2 low level, 3 high level. */
static uint32_t hv_pic_sense(uint32_t flags)
{
	if (flags & BH_IRQ_FLAG_LEVEL)
		return flags & BH_IRQ_FLAG_ACTIVE_LOW ? 2 : 3;
	return flags & BH_IRQ_FLAG_ACTIVE_LOW ? 0 : 1;
}

static bool skip_prop(const char *name)
{
	static const char *const skip[] = { "interrupts", "interrupt-parent", "phandle",
					    "linux,phandle", "interrupts-extended" };

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(name, skip[i]))
			return true;
	return false;
}

/* Copy node's properties (and, recursively, its children) from hw into fdt at dst. */
static int copy_node(void *fdt, int dst, const void *hw, int node, bool top)
{
	int prop, child;

	fdt_for_each_property_offset(prop, hw, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(hw, prop, &name, &len);

		if (top && skip_prop(name))
			continue;
		FDT_TRY(fdt_setprop(fdt, dst, name, val, len));
	}
	fdt_for_each_subnode(child, hw, node)
	{
		int sub = fdt_add_subnode(fdt, dst, fdt_get_name(hw, child, NULL));

		FDT_TRY(sub);
		TRY(copy_node(fdt, sub, hw, child, false));
	}
	return 0;
}

/* The bus nodes above a device, with what a guest needs to translate its reg. */
static int parent_in_guest(void *fdt, const void *hw, int hw_parent)
{
	static const char *const keep[] = { "#address-cells", "#size-cells", "ranges",
					    "compatible",     "device_type", "bus-frequency",
					    "clock-frequency" };
	int gp, node;

	if (hw_parent <= 0)
		return 0;
	gp = parent_in_guest(fdt, hw, fdt_parent_offset(hw, hw_parent));
	TRY(gp);
	node = fdt_subnode_offset(fdt, gp, fdt_get_name(hw, hw_parent, NULL));
	if (node >= 0)
		return node;
	node = fdt_add_subnode(fdt, gp, fdt_get_name(hw, hw_parent, NULL));
	FDT_TRY(node);
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		int len;
		const void *v = fdt_getprop(hw, hw_parent, keep[i], &len);

		if (v)
			FDT_TRY(fdt_setprop(fdt, node, keep[i], v, len));
	}
	return node;
}

/* A PCI function: a child of the virtual host bridge /hv-pci, named after its device and
 * function number; the guest finds its BARs and config space through the device ABI. */
static int pci_node(void *fdt, const struct dev_desc *dd)
{
	char name[32];
	int vhb = fdt_subnode_offset(fdt, 0, "hv-pci"), node;

	if (vhb < 0) {
		vhb = fdt_add_subnode(fdt, 0, "hv-pci");
		FDT_TRY(vhb);
		FDT_TRY(fdt_setprop_string(fdt, vhb, "compatible", "bulkhead,virtual-pci-host"));
		FDT_TRY(fdt_setprop_u32(fdt, vhb, "#address-cells", 1));
		FDT_TRY(fdt_setprop_u32(fdt, vhb, "#size-cells", 0));
	}
	snprintf(name, sizeof(name), "function@%lx", (unsigned long)(dd->pci_bdf & 0xff));
	node = fdt_add_subnode(fdt, vhb, name);
	FDT_TRY(node);
	FDT_TRY(fdt_setprop_string(fdt, node, "compatible", "bulkhead,pci-function"));
	FDT_TRY(fdt_setprop_u32(fdt, node, "reg", dd->pci_bdf & 0xff));
	FDT_TRY(fdt_setprop_u32(fdt, node, "fsl,hv-dma-handle", dd->dma_handle));
	return node;
}

static int add_device_node(void *fdt, const struct hv_device *d, const void *hw,
			   const void *cfg_fdt, const struct hv_config *cfg, int pic)
{
	const struct dev_desc *dd = &d->desc;
	int upd = cfg->device[dd->cfg_index].node_update, node, parent;

	if (dd->pci) {
		node = pci_node(fdt, dd);
	} else {
		parent = parent_in_guest(fdt, hw, fdt_parent_offset(hw, dd->hw_node));
		TRY(parent);
		node = fdt_add_subnode(fdt, parent, fdt_get_name(hw, dd->hw_node, NULL));
		FDT_TRY(node);
		TRY(copy_node(fdt, node, hw, dd->hw_node, true));
	}
	TRY(node);
	FDT_TRY(fdt_setprop_u32(fdt, node, "fsl,hv-device-handle", dd->handle));
	for (unsigned int i = 0; i < dd->nr_liodns; i++)
		FDT_TRY(fdt_appendprop_u32(fdt, node, "fsl,hv-dma-handle", dd->dma_handle + i));
	if (d->claimable != CFG_CLAIM_NONE)
		TRY(claim_props(fdt, node, d->holder));
	for (unsigned int i = 0; i < dd->nr_irqs; i++) {
		if (!dd->irq[i].count)
			continue;
		FDT_TRY(fdt_setprop_u32(fdt, node, "interrupt-parent", (uint32_t)pic));
		FDT_TRY(fdt_appendprop_u32(fdt, node, "interrupts", dd->irq[i].handle));
		FDT_TRY(fdt_appendprop_u32(fdt, node, "interrupts",
					   hv_pic_sense(dd->irq[i].flags)));
	}
	return upd >= 0 ? guest_tree_node_update(fdt, node, cfg_fdt, upd) : 0;
}

static void show_line(void *ctx, const char *line)
{
	hv_printf("%s\n", line);
}

void device_show(const struct partition *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_devices; i++) {
		if (devices[i].part != p)
			continue;
		dev_desc_print(hw_tree, &devices[i].desc, show_line, NULL);
		if (devices[i].claimable != CFG_CLAIM_NONE)
			hv_printf(
				"  claimable (%s in the config): %s\n",
				config_claim_name(devices[i].claimable),
				devices[i].holder
					? "held by this partition"
					: "on standby (FH_CLAIM_DEVICE takes it from a stopped holder)");
		n++;
	}
	hv_printf("partition %s: %u device%s, %lu bad device calls\n", p->name, n,
		  n == 1 ? "" : "s", (unsigned long)device_bad_calls(p));
}

/* The emulated PCI controller of hv/pci/vpci_host.c, when the partition has PCI functions: one
 * interrupt-map entry per function with an INTx handle. */
static int vpci_tree(void *fdt, const struct partition *p, int pic)
{
	struct vpci_intx intx[MAX_DEVICES];
	unsigned int n = 0;
	uint64_t cpu = 0, bus = 0, size = 0;
	bool any = false;

	for (unsigned int i = 0; i < nr_devices; i++) {
		const struct dev_desc *dd = &devices[i].desc;
		const struct dev_irq *q = &dd->irq[BH_PCI_INTX_IRQ_INDEX];
		void *f = dd->pci ? pci_function_ctx(dd) : NULL;

		if (devices[i].part != p || !f || pci_function_window(f, &cpu, &bus, &size))
			continue;
		any = true;
		if (q->count && pci_function_pin(f))
			intx[n++] = (struct vpci_intx){ .devfn = dd->pci_bdf & 0xff,
							.pin = pci_function_pin(f),
							.handle = q->handle,
							.sense = hv_pic_sense(q->flags) };
	}
	return any ? vpci_host_tree(fdt, pic, cpu, bus, size, intx, n) : 0;
}

int device_tree_add(void *fdt, const struct partition *p, const void *hw, const void *cfg_fdt,
		    const struct hv_config *cfg)
{
	int err = ((const struct part_devices *)unit_slot(p, &devices_unit))->result, pic;

	if (err) {
		hv_printf("partition %s: its devices cannot be set up (error %d)\n", p->name, err);
		return err;
	}
	pic = vpic_tree_node(fdt);
	TRY(pic);
	for (unsigned int i = 0; i < nr_devices; i++)
		if (devices[i].part == p)
			TRY(add_device_node(fdt, &devices[i], hw, cfg_fdt, cfg, pic));
	return vpci_tree(fdt, p, pic);
}
