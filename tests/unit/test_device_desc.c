/* test_device_desc.c - hv/dev/desc.c: the descriptors a partition gets for a device-tree
 * device (reg through ranges, interrupts through interrupt-parent, sub-page regions not
 * mappable) and a PCI function (interrupt-map lookup), handle numbering, and the ABI answers
 * (index and kind errors, DT-path size query and short buffer). Trees are built in memory. */
#include <string.h>
#include <libfdt.h>
#include <hv/device_desc.h>
#include <hv/err.h>
#include "unit.h"

static char hw[16384], cfgt[4096];

static void u32s(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t c[64];

	for (int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	fdt_property(fdt, name, c, n * 4);
}
#define PROP(fdt, name, ...)                               \
	u32s(fdt, name, (const uint32_t[]){ __VA_ARGS__ }, \
	     sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)

/* QEMU ppce500-like: soc bus, two UARTs on MPIC 42, a page-sized device on 47, the MPIC
 * (phandle 1; the page-sized device has two LIODNs), a PCI host bridge with an interrupt-map for devices 1 and 2. */
static void *board(void)
{
	fdt_create(hw, sizeof(hw));
	fdt_finish_reservemap(hw);
	fdt_begin_node(hw, "");
	PROP(hw, "#address-cells", 2);
	PROP(hw, "#size-cells", 2);
	fdt_begin_node(hw, "soc@fe0000000");
	PROP(hw, "#address-cells", 1);
	PROP(hw, "#size-cells", 1);
	PROP(hw, "ranges", 0x0, 0xf, 0xe0000000, 0x100000);
	PROP(hw, "interrupt-parent", 1);
	fdt_begin_node(hw, "serial@4600");
	PROP(hw, "reg", 0x4600, 0x100);
	PROP(hw, "interrupts", 42, 2);
	fdt_end_node(hw);
	fdt_begin_node(hw, "gpio@ff000");
	PROP(hw, "reg", 0xff000, 0x1000);
	PROP(hw, "interrupts", 47, 1, 48, 0);
	PROP(hw, "fsl,liodn", 0x10, 0x11); /* two DMA sources behind a PAMU (issue 15) */
	fdt_end_node(hw);
	fdt_begin_node(hw, "pic@40000");
	fdt_property(hw, "interrupt-controller", NULL, 0);
	PROP(hw, "#interrupt-cells", 2);
	PROP(hw, "#address-cells", 0);
	PROP(hw, "reg", 0x40000, 0x40000);
	PROP(hw, "phandle", 1);
	fdt_end_node(hw);
	fdt_end_node(hw);
	fdt_begin_node(hw, "pci@fe0008000");
	fdt_property_string(hw, "device_type", "pci");
	PROP(hw, "#address-cells", 3);
	PROP(hw, "#size-cells", 2);
	PROP(hw, "#interrupt-cells", 1);
	PROP(hw, "reg", 0xf, 0xe0008000, 0x0, 0x1000);
	PROP(hw, "interrupt-map-mask", 0xf800, 0, 0, 7);
	PROP(hw, "interrupt-map", 0x800, 0, 0, 1, 1, 2, 1, 0x1000, 0, 0, 1, 1, 3, 1, 0x1000, 0, 0,
	     2, 1, 4, 1);
	fdt_end_node(hw);
	fdt_end_node(hw);
	fdt_finish(hw);
	return hw;
}

/* Config tree: three assignment nodes; the last one names PCI function 2.0. */
static void *config_tree(void)
{
	fdt_create(cfgt, sizeof(cfgt));
	fdt_finish_reservemap(cfgt);
	fdt_begin_node(cfgt, "");
	fdt_begin_node(cfgt, "uart1");
	fdt_end_node(cfgt);
	fdt_begin_node(cfgt, "gpio");
	fdt_end_node(cfgt);
	fdt_begin_node(cfgt, "edu");
	PROP(cfgt, "pci-function", 2, 0);
	fdt_end_node(cfgt);
	fdt_end_node(cfgt);
	fdt_finish(cfgt);
	return cfgt;
}

static struct hv_config cfg;

static void setup(void)
{
	static const char *const paths[] = { "/soc@fe0000000/serial@4600",
					     "/soc@fe0000000/gpio@ff000", "/pci@fe0008000" };
	static const char *const names[] = { "/uart1", "/gpio", "/edu" };

	board();
	config_tree();
	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_devices = 3;
	cfg.nr_bcs = 2;
	cfg.bc[0].owner = 0; /* the console */
	cfg.bc[1].owner = 1; /* another partition's */
	for (int i = 0; i < 3; i++)
		cfg.device[i] = (struct cfg_device){ .node = fdt_path_offset(cfgt, names[i]),
						     .hw_node = fdt_path_offset(hw, paths[i]),
						     .owner = 0,
						     .pci_function = -1 };
}

static void test_dt_device(void)
{
	struct dev_desc d;
	struct bh_region_info ri;
	struct bh_irq_info qi;
	uint32_t h[1];

	CHECK_EQ(dev_desc_build(hw, cfgt, &cfg, 0, &d), 0);
	CHECK_EQ(d.flags, BH_DEVICE_FLAG_DT);
	CHECK_EQ(d.nr_regions, 1);
	CHECK_EQ(dev_desc_region(&d, 0, &ri), 0);
	CHECK_EQ(ri.guest_addr, 0xfe0004600ull);
	CHECK_EQ(ri.phys_addr, 0xfe0004600ull);
	CHECK_EQ(ri.size, 0x100);
	/* shares its page: readable and writable, but not mapped straight through */
	CHECK_EQ(ri.flags, BH_REGION_FLAG_READ | BH_REGION_FLAG_WRITE | BH_REGION_FLAG_PHYS_VALID);
	CHECK_EQ(dev_desc_region(&d, 1, &ri), -HV_ENOENT);
	CHECK_EQ(d.nr_irqs, 1);
	CHECK_EQ(d.irq[0].src, 42);
	CHECK_EQ(dev_desc_irq(&d, 0, &qi, h, 1), 0);
	CHECK_EQ(qi.count, 1);
	CHECK_EQ(qi.flags, BH_IRQ_FLAG_LEVEL | BH_IRQ_FLAG_MASKABLE);
	CHECK_EQ(dev_desc_irq(&d, 1, &qi, h, 1), -HV_ENOENT);
}

static void test_page_device_and_numbering(void)
{
	struct dev_desc a, b, c;
	uint32_t next;

	CHECK_EQ(dev_desc_build(hw, cfgt, &cfg, 0, &a), 0);
	CHECK_EQ(dev_desc_build(hw, cfgt, &cfg, 1, &b), 0);
	CHECK(b.region[0].flags & BH_REGION_FLAG_MMAP); /* a whole page */
	CHECK_EQ(b.nr_irqs, 2);
	CHECK_EQ(b.irq[0].flags, BH_IRQ_FLAG_LEVEL | BH_IRQ_FLAG_ACTIVE_LOW |
					 BH_IRQ_FLAG_MASKABLE); /* sense 1: low level */
	CHECK_EQ(b.irq[1].flags, BH_IRQ_FLAG_MASKABLE);         /* sense 0: rising edge */
	CHECK_EQ(b.nr_liodns, 2);
	CHECK_EQ(b.liodn[0], 0x10);
	CHECK_EQ(b.liodn[1], 0x11);
	CHECK_EQ(a.nr_liodns, 0);
	CHECK_EQ(dev_desc_build(hw, cfgt, &cfg, 2, &c), 0);
	/* the console channel is handle 0; then device, its irqs, its DMA sources (PCI: one;
	 * system bus: one per LIODN) */
	next = dev_desc_first_handle(&cfg, 0);
	CHECK_EQ(next, 1);
	next = dev_desc_number(&a, next);
	next = dev_desc_number(&b, next);
	next = dev_desc_number(&c, next);
	CHECK_EQ(a.handle, 1);
	CHECK_EQ(a.irq[0].handle, 2);
	CHECK_EQ(b.handle, 3);
	CHECK_EQ(b.irq[1].handle, 5);
	CHECK_EQ(b.dma_handle, 6); /* and 7 */
	CHECK_EQ(c.handle, 8);
	CHECK_EQ(c.irq[0].handle, 9);
	CHECK_EQ(c.dma_handle, 10);
	CHECK_EQ(next, 11);
}

static void test_pci_function(void)
{
	struct dev_desc d;
	struct bh_irq_info qi;
	uint32_t h[1];

	CHECK_EQ(dev_desc_build(hw, cfgt, &cfg, 2, &d), 0);
	CHECK(d.pci);
	CHECK_EQ(d.pci_bdf, 2 << 3);
	CHECK_EQ(d.flags, BH_DEVICE_FLAG_PCI);
	CHECK_EQ(d.nr_regions, BH_PCI_NUM_REGIONS);
	CHECK_EQ(d.nr_irqs, 3);
	CHECK_EQ(d.irq[0].src, 3); /* device 2 pin INTA -> MPIC 3 */
	CHECK_EQ(d.irq[0].prop, BH_DT_PROP_INTERRUPT_MAP);
	CHECK_EQ(d.irq[0].prop_index, 1);
	CHECK_EQ(dev_desc_pci_intx(hw, &d, 2), 0); /* pin INTB -> MPIC 4 */
	CHECK_EQ(d.irq[0].src, 4);
	CHECK_EQ(dev_desc_pci_intx(hw, &d, 3), -HV_EFDT_NOTFOUND);
	CHECK_EQ(dev_desc_irq(&d, BH_PCI_MSI_IRQ_INDEX, &qi, h, 1), 0);
	CHECK_EQ(qi.count, 0);
	CHECK_EQ(qi.argsz, sizeof(qi));
}

static void test_dt_path(void)
{
	struct dev_desc d;
	char buf[64];
	size_t needed = 0;
	uint32_t prop = 9, idx = 9;

	dev_desc_build(hw, cfgt, &cfg, 1, &d);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(dev_desc_dt_path(hw, &d, BH_DT_KIND_IRQ, 1, buf, 0, &needed, &prop, &idx), 0);
	CHECK_EQ(needed, strlen("/soc@fe0000000/gpio@ff000") + 1);
	CHECK_EQ(buf[0], 'x'); /* size query */
	CHECK_EQ(prop, BH_DT_PROP_INTERRUPTS);
	CHECK_EQ(idx, 1);
	CHECK_EQ(dev_desc_dt_path(hw, &d, BH_DT_KIND_REGION, 0, buf, needed - 1, &needed, &prop,
				  &idx),
		 -HV_EOVERFLOW);
	CHECK_EQ(buf[0], 'x'); /* never truncated */
	CHECK_EQ(dev_desc_dt_path(hw, &d, BH_DT_KIND_REGION, 0, buf, needed, &needed, &prop, &idx),
		 0);
	CHECK(!strcmp(buf, "/soc@fe0000000/gpio@ff000"));
	CHECK_EQ(prop, BH_DT_PROP_REG);
	CHECK_EQ(dev_desc_dt_path(hw, &d, BH_DT_KIND_REGION, 1, buf, 64, &needed, &prop, &idx),
		 -HV_ENOENT);
	CHECK_EQ(dev_desc_dt_path(hw, &d, 3, 0, buf, 64, &needed, &prop, &idx), -HV_EINVAL);
}

int main(void)
{
	setup();
	test_dt_device();
	test_page_device_and_numbering();
	test_pci_function();
	test_dt_path();
	return unit_done("test_device_desc");
}
