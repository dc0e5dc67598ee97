/* devices.c - pass 3 for device assignments: assignable, once, not nested, translatable. */
#include <stdio.h>
#include <string.h>
#include <hv/device_desc.h>
#include <hv/fdt_util.h>
#include "priv.h"

/* Why the hardware node cannot be given to owner, or NULL. */
static const char *not_assignable(struct cfg_ctx *c, int hw_node, const char *path, int owner)
{
	const char *type = fdt_getprop(c->hw, hw_node, "device_type", NULL);

	if (hw_node == 0)
		return "is the root of the hardware tree, not a device";
	if ((type && !strcmp(type, "cpu")) || !strncmp(path, "/cpus", 5))
		return "is a CPU; give CPUs with the partition's cpus property";
	if (type && !strcmp(type, "memory"))
		return "is RAM; give memory with phys-mem-area and guest-phys-mem-area";
	if (!strcmp(path, "/chosen") || !strcmp(path, "/aliases"))
		return "is not a device";
	if (owner != CFG_OWNER_HV && fdt_getprop(c->hw, hw_node, "interrupt-controller", NULL))
		return "is the interrupt controller and cannot be assigned to a partition "
		       "(the hypervisor virtualises it)";
	return NULL;
}

static void owner_desc(const struct hv_config *cfg, int owner, char *buf, size_t len)
{
	if (owner == CFG_OWNER_HV)
		snprintf(buf, len, "the hypervisor");
	else
		snprintf(buf, len, "partition \"%s\"", cfg->part[owner].label);
}

/* Is path a strict descendant of anc? */
static bool path_inside(const char *path, const char *anc)
{
	size_t n = strlen(anc);

	if (!strcmp(anc, "/"))
		return path[1] != '\0';
	return !strncmp(path, anc, n) && path[n] == '/';
}

static void check_pair(struct cfg_ctx *c, int i, int j)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_device *d = &cfg->device[i], *o = &cfg->device[j];
	char who[64];

	owner_desc(cfg, o->owner, who, sizeof(who));
	/* issue 5: different functions of one PCI host bridge go to different owners */
	if (d->hw_node == o->hw_node && d->pci_function >= 0 && o->pci_function >= 0 &&
	    d->pci_function != o->pci_function)
		return;
	if (d->hw_node == o->hw_node && cfg_claimable_pair(d, o))
		return; /* failover: claim.c checks the group */
	if (d->hw_node == o->hw_node) {
		if (o->owner == CFG_OWNER_HV || d->owner == CFG_OWNER_HV)
			cfg_err(c, d->node, "device", "%s is owned by the hypervisor (%s)",
				c->devpath[i],
				cfg_path(c, o->owner == CFG_OWNER_HV ? o->node : d->node));
		else
			cfg_err(c, d->node, "device", "%s is already assigned to %s (%s)",
				c->devpath[i], who, cfg_path(c, o->node));
	} else if (path_inside(c->devpath[i], c->devpath[j])) {
		cfg_err(c, d->node, "device", "%s is inside %s, which is assigned to %s (%s)",
			c->devpath[i], c->devpath[j], who, cfg_path(c, o->node));
	} else if (path_inside(c->devpath[j], c->devpath[i])) {
		cfg_err(c, d->node, "device", "%s contains %s, which is assigned to %s (%s)",
			c->devpath[i], c->devpath[j], who, cfg_path(c, o->node));
	}
}

static void check_regs(struct cfg_ctx *c, int i)
{
	struct cfg_device *d = &c->cfg->device[i];
	int n = fdt_reg_count(c->hw, d->hw_node);
	struct fdt_region r;

	if (n < 0) {
		cfg_err(c, d->node, "device", "%s has a malformed reg property", c->devpath[i]);
		return;
	}
	if (fdt_reg_is_port_io(c->hw, d->hw_node))
		return; /* port I/O (an x86 legacy UART): no CPU address */
	for (int k = 0; k < n; k++) {
		int err = fdt_reg_phys(c->hw, d->hw_node, k, &r);

		if (err) {
			cfg_err(c, d->node, "device",
				"reg entry %d of %s cannot be translated to a "
				"CPU address (libfdt: %s)",
				k, c->devpath[i], hv_strerror(err));
			return;
		}
	}
}

/* A partition sees its devices at their physical addresses (as in Topaz), so its guest memory
 * must leave their registers free. */
static void check_guest_overlap(struct cfg_ctx *c, int i)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_device *d = &cfg->device[i];
	struct fdt_region r;

	for (int k = 0; !fdt_reg_phys(c->hw, d->hw_node, k, &r); k++) {
		struct cfg_range regs = { r.addr, r.size };

		for (int g = 0; g < cfg->nr_gpmas; g++) {
			struct cfg_gpma *m = &cfg->gpma[g];
			struct cfg_range gr = { m->guest, config_gpma_size(cfg, g) };

			if (m->part != d->owner || m->pma < 0 || !cfg_ranges_overlap(&gr, &regs))
				continue;
			cfg_err(c, m->node, "guest-addr",
				"guest 0x%llx-0x%llx covers the registers "
				"of %s (0x%llx-0x%llx), which the partition sees at their physical "
				"address",
				(unsigned long long)gr.base, (unsigned long long)cfg_range_end(&gr),
				c->devpath[i], (unsigned long long)regs.base,
				(unsigned long long)cfg_range_end(&regs));
		}
	}
}

/* issue 12, finding 3: a PCI host bridge's DMA fence (its inbound windows) is one for the
 * whole bus: it cannot tell the requesters behind it apart (an IOMMU with per-requester
 * tables, such as VT-d, can). Two functions that may master behind one bridge must then
 * belong to one partition; a function marked no-dma never masters and may go elsewhere. */
static void refuse_shared_fence(struct cfg_ctx *c, int i, int j)
{
	const struct hv_config *cfg = c->cfg;
	const struct cfg_device *d = &cfg->device[i], *o = &cfg->device[j];

	cfg_err(c, d->node, "pci-function",
		"%02x.%d (partition \"%s\") and %02x.%d (partition "
		"\"%s\", %s) are both bus masters behind %s, whose DMA fence cannot tell their "
		"requests apart (PAMU and VT-d can): either could reach the other's memory; give "
		"both to one partition or mark the one that does no DMA no-dma",
		d->pci_function >> 3, d->pci_function & 7, cfg->part[d->owner].label,
		o->pci_function >> 3, o->pci_function & 7, cfg->part[o->owner].label,
		cfg_path(c, o->node), c->devpath[i]);
}

static void check_dma_fences(struct cfg_ctx *c)
{
	const struct hv_config *cfg = c->cfg;

	for (int i = 0; i < cfg->nr_devices; i++) {
		const struct cfg_device *d = &cfg->device[i];

		if (d->no_dma && d->pci_function < 0)
			cfg_err(c, d->node, "no-dma", "only for a PCI function (pci-function)");
		if (d->no_dma && d->no_dma_disable)
			cfg_err(c, d->node, "no-dma", "cannot go with no-dma-disable");
		for (int j = 0; j < i && d->pci_function >= 0 && !d->no_dma; j++) {
			const struct cfg_device *o = &cfg->device[j];

			if (o->hw_node != d->hw_node || d->hw_node < 0 || o->pci_function < 0 ||
			    o->no_dma || o->owner == d->owner || o->owner == CFG_OWNER_HV ||
			    d->owner == CFG_OWNER_HV || cfg_claimable_pair(d, o))
				continue; /* a claimable function's owners hold it one at a time */
			refuse_shared_fence(c, i, j);
		}
	}
}

/* ---- interrupt sources two partitions would share (issue 12, finding 2) ----
 * A controller source has one mask, one priority and one destination: two partitions whose
 * devices raise the same source would mask, re-route and (at a stop) silence each other's
 * interrupts. Such a configuration is refused; devices sharing a line must go to one
 * partition. The hypervisor takes no device interrupts (its console is polled), so a source
 * shared with a hypervisor-owned device is the partition's alone. A PCI function is checked
 * with its INTA routing, as its descriptor is built offline (docs/devices.md). */
/* The controller sources device i raises, as its descriptor would have them (dev/desc.c):
 * into out->irq[first..first+n), returning n (0 when they do not resolve; the descriptor
 * build at partition start reports that). */
static int dev_srcs(struct cfg_ctx *c, int i, struct dev_desc *out, int *first)
{
	const struct cfg_device *d = &c->cfg->device[i];

	*out = (struct dev_desc){ .hw_node = d->hw_node,
				  .pci = d->pci_function >= 0,
				  .pci_bdf = d->pci_function >= 0 ? (uint32_t)d->pci_function : 0 };
	if (out->pci) {
		*first = BH_PCI_INTX_IRQ_INDEX;
		return dev_desc_pci_intx(c->hw, out, 1) ? 0 : 1;
	}
	*first = 0;
	return dev_desc_node_irqs(c->hw, out) ? 0 : (int)out->nr_irqs;
}

static void dev_name(struct cfg_ctx *c, int i, char *buf, size_t len)
{
	int fn = c->cfg->device[i].pci_function;

	if (fn >= 0)
		snprintf(buf, len, "%s function %02x.%x (INTA)", c->devpath[i], fn >> 3, fn & 7);
	else
		snprintf(buf, len, "%s", c->devpath[i]);
}

static bool same_device(const struct cfg_device *d, const struct cfg_device *o)
{
	return d->hw_node == o->hw_node && d->pci_function == o->pci_function;
}

static void check_shared_srcs(struct cfg_ctx *c, int i)
{
	struct hv_config *cfg = c->cfg;
	struct cfg_device *d = &cfg->device[i];
	static struct dev_desc da, db; /* the validator runs on one CPU, before any partition */
	char mine[200], theirs[200];
	int fa, fb, na = d->owner >= 0 ? dev_srcs(c, i, &da, &fa) : 0;

	for (int j = 0; j < i && na; j++) {
		struct cfg_device *o = &cfg->device[j];
		int nb = o->hw_node >= 0 && o->owner >= 0 && o->owner != d->owner &&
					 !same_device(d, o)
				 ? dev_srcs(c, j, &db, &fb)
				 : 0;

		for (int x = 0; x < na * nb; x++) {
			const struct dev_irq *p = &da.irq[fa + x / nb], *q = &db.irq[fb + x % nb];

			if (p->ctrl != q->ctrl || p->src != q->src)
				continue;
			dev_name(c, i, mine, sizeof(mine));
			dev_name(c, j, theirs, sizeof(theirs));
			cfg_err(c, d->node, "device",
				"%s and %s (%s) raise the same interrupt source "
				"%lu of %s; partitions \"%s\" and \"%s\" would mask and route each "
				"other's interrupt: give both to one partition",
				mine, theirs, cfg_path(c, o->node), (unsigned long)p->src,
				cfg_hw_path(c, p->ctrl), cfg->part[d->owner].label,
				cfg->part[o->owner].label);
			break;
		}
	}
}

/* A dma-window with sub-windows maps only the slots its dma-subwindow children describe: the
 * PAMU does that with one primary and up to 16 secondary entries. A tree without a PAMU
 * fences DMA with the PCI controller's inbound windows (QEMU ppce500: arch/powerpc/pci/atmu.c),
 * which cannot leave holes between the slots: refused there. */
static void check_subwindows(struct cfg_ctx *c, int i)
{
	const struct cfg_device *d = &c->cfg->device[i];

	if (d->dma_window < 0 || !c->cfg->dma_window[d->dma_window].subwindow_count ||
	    c->cfg->hw.has_pamu)
		return;
	cfg_err(c, d->node, "dma-window",
		"%s has sub-windows (subwindow-count), which need a "
		"PAMU IOMMU; this hardware tree has none (its DMA fence, the PCI controller's "
		"inbound windows, cannot map sub-windows)",
		cfg_path(c, c->cfg->dma_window[d->dma_window].node));
}

void cfg_check_devices(struct cfg_ctx *c)
{
	struct hv_config *cfg = c->cfg;

	for (int i = 0; i < cfg->nr_devices; i++) {
		struct cfg_device *d = &cfg->device[i];
		const char *why;

		if (d->hw_node < 0)
			continue;
		if (fdt_get_path(c->hw, d->hw_node, c->devpath[i], sizeof(c->devpath[i])) < 0)
			snprintf(c->devpath[i], sizeof(c->devpath[i]), "%s", d->device);
		why = not_assignable(c, d->hw_node, c->devpath[i], d->owner);
		if (why) {
			cfg_err(c, d->node, "device", "%s %s", c->devpath[i], why);
			d->hw_node = -1; /* keep it out of the pair checks */
			continue;
		}
		for (int j = 0; j < i; j++)
			if (cfg->device[j].hw_node >= 0)
				check_pair(c, i, j);
		check_regs(c, i);
		if (d->owner != CFG_OWNER_HV && d->pci_function < 0) /* (a function's BARs are
									 * placed at boot) */
			check_guest_overlap(c, i);
		check_shared_srcs(c, i);
		check_subwindows(c, i);
	}
	check_dma_fences(c);
}
