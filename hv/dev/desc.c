/* desc.c - descriptors of an assigned device-tree device: its reg entries translated
 * through the parents' ranges, its interrupts resolved through interrupt-parent, numbered
 * handles, and the BH_DEVICE_* answers built from them (include/bulkhead/device.h).
 * Shared by the hypervisor and bhctl: libfdt and libc only. */
#include <stdio.h>
#include <string.h>
#include <hv/device_desc.h>
#include <hv/err.h>
#include <hv/fdt_util.h>

#define MAX_PARENT_HOPS 16

/* MPIC interrupt sense (Linux's powerpc/fsl/mpic.txt binding, 2nd specifier cell). */
#define MPIC_SENSE_RISING  0
#define MPIC_SENSE_LOW     1
#define MPIC_SENSE_HIGH    2
#define MPIC_SENSE_FALLING 3

static int add_regions(const void *hw, struct dev_desc *d)
{
	int n = fdt_reg_count(hw, d->hw_node);

	if (n < 0)
		return n;
	if (n > DEV_MAX_REGIONS)
		return -HV_EFDT_NOSPACE;
	for (int i = 0; i < n; i++) {
		struct dev_region *r = &d->region[i];
		struct fdt_region fr;
		int err = fdt_reg_phys(hw, d->hw_node, i, &fr);

		if (err)
			return err;
		*r = (struct dev_region){ .phys = fr.addr,
					  .size = fr.size,
					  .guest = fr.addr,
					  .prop = BH_DT_PROP_REG,
					  .prop_index = (uint32_t)i };
		r->flags = BH_REGION_FLAG_READ | BH_REGION_FLAG_WRITE | BH_REGION_FLAG_PHYS_VALID;
		/* whole pages go straight through; a smaller region shares its page with other
		 * registers, so the hypervisor forwards accesses to it one by one */
		if (!((fr.addr | fr.size) & (DEV_PAGE_SIZE - 1)) && fr.size)
			r->flags |= BH_REGION_FLAG_MMAP;
	}
	d->nr_regions = (unsigned int)n;
	return 0;
}

/* The interrupt parent of node: its own or an ancestor's interrupt-parent phandle. */
static int irq_parent(const void *hw, int node)
{
	for (int hops = 0; node >= 0 && hops < MAX_PARENT_HOPS; hops++) {
		int len;
		const fdt32_t *ph = fdt_getprop(hw, node, "interrupt-parent", &len);

		if (ph && len == 4)
			return hv_err_fdt(fdt_node_offset_by_phandle(hw, fdt32_to_cpu(*ph)));
		node = fdt_parent_offset(hw, node);
	}
	return -HV_EFDT_NOTFOUND;
}

static uint32_t sense_flags(uint32_t sense)
{
	switch (sense) {
	case MPIC_SENSE_LOW:
		return BH_IRQ_FLAG_LEVEL | BH_IRQ_FLAG_ACTIVE_LOW;
	case MPIC_SENSE_HIGH:
		return BH_IRQ_FLAG_LEVEL;
	case MPIC_SENSE_FALLING:
		return BH_IRQ_FLAG_ACTIVE_LOW;
	default:
		return 0;
	}
}

/* interrupts = <spec...>, each #interrupt-cells of the parent controller long. Only a direct
 * interrupt controller is resolved here (an interrupt-map nexus in between is refused). */
int dev_desc_node_irqs(const void *hw, struct dev_desc *d)
{
	int len, ctrl, cells;
	const fdt32_t *p = fdt_getprop(hw, d->hw_node, "interrupts", &len);

	if (!p)
		return 0;
	ctrl = irq_parent(hw, d->hw_node);
	if (ctrl < 0 || !fdt_getprop(hw, ctrl, "interrupt-controller", NULL))
		return -HV_EFDT_BADVALUE;
	cells = (int)fdt_get_u32(hw, ctrl, "#interrupt-cells", 0);
	if (cells < 1 || cells > 4 || len % (4 * cells))
		return -HV_EFDT_BADNCELLS;
	if (len / (4 * cells) > DEV_MAX_IRQS)
		return -HV_EFDT_NOSPACE;
	for (int i = 0; i < len / (4 * cells); i++) {
		struct dev_irq *q = &d->irq[i];
		const fdt32_t *spec = p + i * cells;

		*q = (struct dev_irq){ .ctrl = ctrl,
				       .src = fdt32_to_cpu(spec[0]),
				       .sense = cells > 1 ? fdt32_to_cpu(spec[1]) : 0,
				       .node = d->hw_node,
				       .prop = BH_DT_PROP_INTERRUPTS,
				       .prop_index = (uint32_t)i };
		q->flags = sense_flags(q->sense) | BH_IRQ_FLAG_MASKABLE;
		q->count = 1;
	}
	d->nr_irqs = (unsigned int)(len / (4 * cells));
	return 0;
}

/* ---- PCI functions ---- */

/* interrupt-map of bridge (IEEE 1275 PCI binding, ePAPR 2.4.3): child unit address (3 cells,
 * phys.hi = bdf << 8) and pin, masked with interrupt-map-mask, select the parent controller
 * and its specifier. */
int dev_desc_pci_intx(const void *hw, struct dev_desc *d, uint32_t pin)
{
	int len, mlen, bridge = d->hw_node;
	const fdt32_t *map = fdt_getprop(hw, bridge, "interrupt-map", &len);
	const fdt32_t *mask = fdt_getprop(hw, bridge, "interrupt-map-mask", &mlen);
	uint32_t key[4] = { d->pci_bdf << 8, 0, 0, pin };
	struct dev_irq *q = &d->irq[BH_PCI_INTX_IRQ_INDEX];

	if (!map || !mask || mlen != 16 || len % 4)
		return -HV_EFDT_BADVALUE;
	for (int i = 0; i < 4; i++)
		key[i] &= fdt32_to_cpu(mask[i]);
	for (int at = 0, n = len / 4, k = 0; at + 5 <= n; k++) {
		int ctrl = fdt_node_offset_by_phandle(hw, fdt32_to_cpu(map[at + 4]));
		uint32_t pac = ctrl < 0 ? 0 : fdt_get_u32(hw, ctrl, "#address-cells", 0);
		uint32_t pic = ctrl < 0 ? 0 : fdt_get_u32(hw, ctrl, "#interrupt-cells", 0);
		bool hit = true;

		/* the cell counts are any u32 in a bad tree: bounded before they are added */
		if (ctrl < 0 || pic < 1 || pac > (uint32_t)n || pic > (uint32_t)n ||
		    at + 5 + (int)(pac + pic) > n)
			return -HV_EFDT_BADVALUE;
		for (int i = 0; i < 4; i++)
			hit &= fdt32_to_cpu(map[at + i]) == key[i];
		if (hit) {
			const fdt32_t *spec = map + at + 5 + pac;

			*q = (struct dev_irq){ .ctrl = ctrl,
					       .src = fdt32_to_cpu(spec[0]),
					       .sense = pic > 1 ? fdt32_to_cpu(spec[1]) : 0,
					       .node = bridge,
					       .prop = BH_DT_PROP_INTERRUPT_MAP,
					       .prop_index = (uint32_t)k,
					       .count = 1 };
			q->flags = sense_flags(q->sense) | BH_IRQ_FLAG_MASKABLE;
			return 0;
		}
		at += 5 + pac + pic;
	}
	return -HV_EFDT_NOTFOUND;
}

/* A system-bus device's DMA sources: the PAMU LIODNs its hardware node names (fsl,liodn, one
 * cell each; Topaz gives the guest one fsl,hv-dma-handle per cell). */
static int add_liodns(const void *hw, struct dev_desc *d)
{
	int len;
	const fdt32_t *v = fdt_getprop(hw, d->hw_node, "fsl,liodn", &len);

	if (!v)
		return 0;
	if (len <= 0 || len % 4)
		return -HV_EFDT_BADVALUE;
	if ((unsigned int)len / 4 > DEV_MAX_LIODNS)
		return -HV_EFDT_NOSPACE;
	d->nr_liodns = (unsigned int)len / 4;
	for (unsigned int i = 0; i < d->nr_liodns; i++)
		d->liodn[i] = fdt32_to_cpu(v[i]);
	return 0;
}

static int build_pci(const void *hw, const fdt32_t *fn, struct dev_desc *d)
{
	d->pci = true;
	d->pci_bdf = (fdt32_to_cpu(fn[0]) & 0x1f) << 3 | (fdt32_to_cpu(fn[1]) & 7);
	d->flags = BH_DEVICE_FLAG_PCI;
	d->nr_regions = BH_PCI_NUM_REGIONS;
	for (unsigned int i = 0; i < BH_PCI_NUM_REGIONS; i++)
		d->region[i] = (struct dev_region){ .prop = BH_DT_PROP_NONE, .prop_index = i };
	d->nr_irqs = 3; /* INTx, MSI, MSI-X: MSI and MSI-X are not offered (count 0) */
	for (unsigned int i = 0; i < 3; i++)
		d->irq[i] = (struct dev_irq){ .node = d->hw_node,
					      .prop = BH_DT_PROP_NONE,
					      .prop_index = i };
	if (dev_desc_pci_intx(hw, d, 1))
		d->irq[BH_PCI_INTX_IRQ_INDEX].count = 0; /* no INTx routing known */
	return 0;
}

int dev_desc_build(const void *hw, const void *cfg_fdt, const struct hv_config *cfg, int index,
		   struct dev_desc *d)
{
	const struct cfg_device *cd = &cfg->device[index];
	const fdt32_t *fn;
	int err, len;

	memset(d, 0, sizeof(*d));
	d->cfg_index = index;
	d->hw_node = cd->hw_node;
	d->owner = cd->owner;
	d->flags = BH_DEVICE_FLAG_DT;
	if (cd->hw_node < 0)
		return -HV_EFDT_NOTFOUND;
	fn = fdt_getprop(cfg_fdt, cd->node, "pci-function", &len);
	if (fn)
		return len == 8 ? build_pci(hw, fn, d) : -HV_EFDT_BADVALUE;
	err = add_regions(hw, d);
	if (!err)
		err = add_liodns(hw, d);
	return err ? err : dev_desc_node_irqs(hw, d);
}

uint32_t dev_desc_number(struct dev_desc *d, uint32_t first)
{
	d->handle = first++;
	for (unsigned int i = 0; i < d->nr_irqs; i++)
		if (d->irq[i].count)
			d->irq[i].handle = first++;
	d->dma_handle = first;
	first += d->pci ? 1 : d->nr_liodns;
	return first;
}

uint32_t dev_desc_first_handle(const struct hv_config *cfg, int part)
{
	uint32_t n = 0;

	for (int i = 0; i < cfg->nr_bcs; i++)
		n += cfg->bc[i].owner == part;
	return n;
}

void dev_desc_info(const struct dev_desc *d, struct bh_device_info *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->flags = d->flags;
	out->num_regions = d->nr_regions;
	out->num_irqs = d->nr_irqs;
}

int dev_desc_region(const struct dev_desc *d, uint32_t index, struct bh_region_info *out)
{
	const struct dev_region *r = &d->region[index];

	if (index >= d->nr_regions)
		return -HV_ENOENT;
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->flags = r->flags;
	out->index = index;
	out->guest_addr = r->guest;
	out->size = r->size;
	out->phys_addr = (r->flags & BH_REGION_FLAG_PHYS_VALID) ? r->phys : 0;
	return 0;
}

int dev_desc_irq(const struct dev_desc *d, uint32_t index, struct bh_irq_info *out,
		 uint32_t *handles, uint32_t max_handles)
{
	if (index >= d->nr_irqs)
		return -HV_ENOENT;
	memset(out, 0, sizeof(*out));
	out->argsz = (uint32_t)(sizeof(*out) + d->irq[index].count * sizeof(uint32_t));
	out->flags = d->irq[index].flags;
	out->index = index;
	out->count = d->irq[index].count;
	if (max_handles && out->count)
		handles[0] = d->irq[index].handle;
	return 0;
}

int dev_desc_dt_path(const void *hw, const struct dev_desc *d, uint32_t kind, uint32_t index,
		     char *buf, size_t len, size_t *needed, uint32_t *prop, uint32_t *pidx)
{
	char path[256];
	int node = d->hw_node;

	switch (kind) {
	case BH_DT_KIND_DEVICE:
		*prop = BH_DT_PROP_NONE;
		*pidx = 0;
		break;
	case BH_DT_KIND_REGION:
		if (index >= d->nr_regions)
			return -HV_ENOENT;
		*prop = d->region[index].prop;
		*pidx = d->region[index].prop_index;
		break;
	case BH_DT_KIND_IRQ:
		if (index >= d->nr_irqs)
			return -HV_ENOENT;
		node = d->irq[index].node;
		*prop = d->irq[index].prop;
		*pidx = d->irq[index].prop_index;
		break;
	default:
		return -HV_EINVAL;
	}
	if (fdt_get_path(hw, node, path, sizeof(path)) < 0)
		return -HV_EINVAL;
	*needed = strlen(path) + 1;
	if (len && len < *needed)
		return -HV_EOVERFLOW;
	if (len)
		memcpy(buf, path, *needed);
	return 0;
}

const char *dev_desc_prop_name(uint32_t prop)
{
	static const char *const names[] = { "node", "reg", "ranges", "interrupts",
					     "interrupt-map" };

	return prop < sizeof(names) / sizeof(names[0]) ? names[prop] : "?";
}

/* ---- the text form (lsdev's lines; bhctl devices and the console print it) ---- */

static void path_of(const void *hw, const struct dev_desc *d, uint32_t kind, uint32_t idx,
		    char *buf, size_t len, uint32_t *prop, uint32_t *pidx)
{
	size_t needed;

	if (dev_desc_dt_path(hw, d, kind, idx, buf, len, &needed, prop, pidx))
		snprintf(buf, len, "?");
}

static void region_line(const void *hw, const struct dev_desc *d, uint32_t i, char *line,
			size_t len)
{
	struct bh_region_info ri = { 0 };
	char path[256];
	uint32_t prop = 0, pidx = 0, f;

	dev_desc_region(d, i, &ri);
	path_of(hw, d, BH_DT_KIND_REGION, i, path, sizeof(path), &prop, &pidx);
	f = ri.flags;
	snprintf(line, len,
		 "  region %lu: guest 0x%llx size 0x%llx phys 0x%llx flags %c%c%c%c "
		 "from %s[%lu]",
		 (unsigned long)i, (unsigned long long)ri.guest_addr, (unsigned long long)ri.size,
		 (unsigned long long)ri.phys_addr, f & BH_REGION_FLAG_READ ? 'r' : '-',
		 f & BH_REGION_FLAG_WRITE ? 'w' : '-', f & BH_REGION_FLAG_MMAP ? 'm' : '-',
		 f & BH_REGION_FLAG_PHYS_VALID ? 'p' : '-', dev_desc_prop_name(prop),
		 (unsigned long)pidx);
}

static void irq_line(const void *hw, const struct dev_desc *d, uint32_t i, char *line, size_t len)
{
	struct bh_irq_info qi = { 0 };
	uint32_t h[1] = { 0 }, prop = 0, pidx = 0;
	char path[256], hs[16] = "";

	dev_desc_irq(d, i, &qi, h, 1);
	if (qi.count)
		snprintf(hs, sizeof(hs), "%lu", (unsigned long)h[0]);
	path_of(hw, d, BH_DT_KIND_IRQ, i, path, sizeof(path), &prop, &pidx);
	snprintf(line, len, "  irq %lu: count %lu handles %s flags %s%s%s from %s[%lu] of %s",
		 (unsigned long)i, (unsigned long)qi.count, hs,
		 qi.flags & BH_IRQ_FLAG_LEVEL ? "level" : "edge",
		 qi.flags & BH_IRQ_FLAG_ACTIVE_LOW ? ",active-low" : "",
		 qi.flags & BH_IRQ_FLAG_MASKABLE ? ",maskable" : "", dev_desc_prop_name(prop),
		 (unsigned long)pidx, path);
}

void dev_desc_print(const void *hw, const struct dev_desc *d,
		    void (*out)(void *ctx, const char *line), void *ctx)
{
	struct bh_device_info di;
	char path[256], line[400];
	uint32_t prop, pidx;

	dev_desc_info(d, &di);
	path_of(hw, d, BH_DT_KIND_DEVICE, 0, path, sizeof(path), &prop, &pidx);
	snprintf(line, sizeof(line), "device %lu: %s (%s%s%s) regions %lu irqs %lu",
		 (unsigned long)d->handle, path, di.flags & BH_DEVICE_FLAG_PCI ? "pci" : "",
		 di.flags & BH_DEVICE_FLAG_DT ? "dt" : "",
		 di.flags & BH_DEVICE_FLAG_RESET ? ",reset" : "", (unsigned long)di.num_regions,
		 (unsigned long)di.num_irqs);
	out(ctx, line);
	for (uint32_t i = 0; i < di.num_regions; i++) {
		region_line(hw, d, i, line, sizeof(line));
		out(ctx, line);
	}
	for (uint32_t i = 0; i < di.num_irqs; i++) {
		irq_line(hw, d, i, line, sizeof(line));
		out(ctx, line);
	}
}
