// SPDX-License-Identifier: GPL-2.0
/*
 * bhdev - Bulkhead's device descriptor ABI (include/bulkhead/device.h, docs/abi.md) read by a
 * Linux module: for every node of the guest tree with an fsl,hv-device-handle, the device, its
 * regions and its interrupt indexes, with the hardware-tree path and property each came from.
 * /sys/kernel/debug/bulkhead/devices shows them in the lines partitions/lsdev prints and
 * "bhctl devices" prints offline, so the three can be compared.
 *
 * The hypercalls go through Linux's own ePAPR hypercall stub (asm/epapr_hcalls.h, patched at
 * boot from /hypervisor/hcall-instructions); structures are passed by guest-physical address
 * (kmalloc'd, so virt_to_phys applies) and read back after each call.
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <asm/epapr_hcalls.h>
#include <bulkhead/device.h>
#include <bulkhead/hcall.h>

#define BHDEV_MAX_DEVICES 32
#define BHDEV_MAX_HANDLES 8
#define BHDEV_PATH_MAX    256

/* One call's buffers, in one kmalloc'd block (guest-physical addresses for the hypervisor). */
struct bhdev_buf {
	struct bh_device_info info;
	struct bh_region_info region;
	struct {
		struct bh_irq_info info;
		u32 handle[BHDEV_MAX_HANDLES];
	} irq;
	char path[BHDEV_PATH_MAX];
};

static struct dentry *bhdev_dir;

static unsigned long bh_call(unsigned long token, unsigned long a0, unsigned long a1,
			     unsigned long a2, unsigned long a3, unsigned long a4,
			     unsigned long *out)
{
	unsigned long in[8] = { a0, a1, a2, a3, a4 };

	return epapr_hypercall(in, out, token);
}

static const char *prop_name(u32 prop)
{
	static const char *const names[] = { "node", "reg", "ranges", "interrupts",
					     "interrupt-map" };

	return prop < ARRAY_SIZE(names) ? names[prop] : "?";
}

/* The path a region/irq came from into b->path ("?" on error); o[1] prop, o[2] its index. */
static void origin(struct seq_file *m, struct bhdev_buf *b, u32 h, u32 kind, u32 idx,
		   unsigned long *o)
{
	unsigned long st = bh_call(BH_DEVICE_GET_DT_PATH, h, kind, idx, virt_to_phys(b->path),
				   sizeof(b->path), o);

	if (st) {
		seq_printf(m, "bhdev: DEVICE_GET_DT_PATH(%u, %u, %u): error %lu\n", h, kind, idx,
			   st);
		strscpy(b->path, "?", sizeof(b->path));
		o[1] = ~0ul;
		o[2] = 0;
	}
	b->path[sizeof(b->path) - 1] = 0;
}

static void show_region(struct seq_file *m, struct bhdev_buf *b, u32 h, u32 i)
{
	struct bh_region_info *ri = &b->region;
	unsigned long o[8];
	unsigned long st;
	char fl[5];

	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	st = bh_call(BH_DEVICE_GET_REGION_INFO, h, i, virt_to_phys(ri), 0, 0, o);
	if (st) {
		seq_printf(m, "bhdev: DEVICE_GET_REGION_INFO(%u, %u): error %lu\n", h, i, st);
		return;
	}
	origin(m, b, h, BH_DT_KIND_REGION, i, o);
	fl[0] = ri->flags & BH_REGION_FLAG_READ ? 'r' : '-';
	fl[1] = ri->flags & BH_REGION_FLAG_WRITE ? 'w' : '-';
	fl[2] = ri->flags & BH_REGION_FLAG_MMAP ? 'm' : '-';
	fl[3] = ri->flags & BH_REGION_FLAG_PHYS_VALID ? 'p' : '-';
	fl[4] = 0;
	seq_printf(m, "  region %u: guest 0x%llx size 0x%llx phys 0x%llx flags %s from %s[%lu]\n",
		   i, ri->guest_addr, ri->size, ri->phys_addr, fl, prop_name(o[1]), o[2]);
}

static void show_irq(struct seq_file *m, struct bhdev_buf *b, u32 h, u32 i)
{
	struct bh_irq_info *q = &b->irq.info;
	unsigned long o[8];
	char hs[64] = "";
	unsigned long st;
	u32 k;

	memset(&b->irq, 0, sizeof(b->irq));
	q->argsz = sizeof(b->irq);
	st = bh_call(BH_DEVICE_GET_IRQ_INFO, h, i, virt_to_phys(q), 0, 0, o);
	if (st) {
		seq_printf(m, "bhdev: DEVICE_GET_IRQ_INFO(%u, %u): error %lu\n", h, i, st);
		return;
	}
	for (k = 0; k < q->count && k < BHDEV_MAX_HANDLES; k++)
		snprintf(hs + strlen(hs), sizeof(hs) - strlen(hs), "%s%u", k ? "," : "",
			 b->irq.handle[k]);
	origin(m, b, h, BH_DT_KIND_IRQ, i, o);
	seq_printf(m, "  irq %u: count %u handles %s flags %s%s%s from %s[%lu] of %s\n", i,
		   q->count, hs, q->flags & BH_IRQ_FLAG_LEVEL ? "level" : "edge",
		   q->flags & BH_IRQ_FLAG_ACTIVE_LOW ? ",active-low" : "",
		   q->flags & BH_IRQ_FLAG_MASKABLE ? ",maskable" : "", prop_name(o[1]), o[2],
		   b->path);
}

static void show_device(struct seq_file *m, struct bhdev_buf *b, u32 h)
{
	struct bh_device_info *di = &b->info;
	unsigned long o[8];
	unsigned long st;
	u32 i, nr_regions, nr_irqs;

	memset(di, 0, sizeof(*di));
	di->argsz = sizeof(*di);
	st = bh_call(BH_DEVICE_GET_INFO, h, virt_to_phys(di), 0, 0, 0, o);
	if (st) {
		seq_printf(m, "bhdev: DEVICE_GET_INFO(%u): error %lu\n", h, st);
		return;
	}
	/* copied before the next calls reuse the buffer; bounded by what a device can have */
	nr_regions = min_t(u32, di->num_regions, 64);
	nr_irqs = min_t(u32, di->num_irqs, 64);
	origin(m, b, h, BH_DT_KIND_DEVICE, 0, o);
	seq_printf(m, "device %u: %s (%s%s%s) regions %u irqs %u\n", h, b->path,
		   di->flags & BH_DEVICE_FLAG_PCI ? "pci" : "",
		   di->flags & BH_DEVICE_FLAG_DT ? "dt" : "",
		   di->flags & BH_DEVICE_FLAG_RESET ? ",reset" : "", nr_regions, nr_irqs);
	for (i = 0; i < nr_regions; i++)
		show_region(m, b, h, i);
	for (i = 0; i < nr_irqs; i++)
		show_irq(m, b, h, i);
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static int devices_show(struct seq_file *m, void *unused)
{
	struct device_node *np;
	struct bhdev_buf *b;
	u32 h[BHDEV_MAX_DEVICES];
	int n = 0, i;

	for_each_node_with_property(np, "fsl,hv-device-handle")
	{
		if (n < BHDEV_MAX_DEVICES &&
		    !of_property_read_u32(np, "fsl,hv-device-handle", &h[n]))
			n++;
	}
	sort(h, n, sizeof(h[0]), cmp_u32, NULL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		show_device(m, b, h[i]);
	seq_printf(m, "bhdev: %d device%s\n", n, n == 1 ? "" : "s");
	kfree(b);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devices);

static int __init bhdev_init(void)
{
	unsigned long o[8];

	/* only Bulkhead answers its own vendor's ABI_VERSION call (another hypervisor: EV_*) */
	if (!of_find_node_by_path("/hypervisor") || bh_call(BH_ABI_VERSION, 0, 0, 0, 0, 0, o)) {
		pr_info("bhdev: not running on Bulkhead\n");
		return -ENODEV;
	}
	bhdev_dir = debugfs_create_dir("bulkhead", NULL);
	debugfs_create_file("devices", 0444, bhdev_dir, NULL, &devices_fops);
	pr_info("bhdev: ABI %lu.%lu, /sys/kernel/debug/bulkhead/devices\n", o[0], o[1]);
	return 0;
}

static void __exit bhdev_exit(void)
{
	debugfs_remove_recursive(bhdev_dir);
}

module_init(bhdev_init);
module_exit(bhdev_exit);
MODULE_DESCRIPTION("Bulkhead device descriptor ABI");
MODULE_LICENSE("GPL");
