/* edu - drives QEMU's "edu" PCI device (QEMU docs/specs/edu.rst) assigned to the partition,
 * found through the device ABI only: the function's node under /hv-pci gives the device
 * handle; BH_DEVICE_GET_REGION_INFO gives the emulated configuration space (region 7) and
 * BAR0 (region 0); BH_DEVICE_GET_IRQ_INFO index 0 the INTx handle for the virtual PIC.
 * Checks, one "PASS:"/"FAIL:" line each: the IDs in config space, the BAR sizing protocol,
 * the hidden ROM and capabilities, edu's identification and liveness registers, two
 * factorials, an interrupt raised through edu's interrupt-raise register and one at the end
 * of a factorial, each taken with EV_INT_IACK and ended with EV_INT_EOI. Exits 0 if all
 * passed. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/device.h>

#define EDU_ID         0x00 /* 0x010000ed */
#define EDU_LIVE       0x04 /* reads back the complement */
#define EDU_FACT       0x08
#define EDU_STATUS     0x20 /* bit 0 computing, bit 7 interrupt when done */
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE  0x60
#define EDU_IRQ_ACK    0x64
#define STATUS_BUSY    0x01
#define STATUS_IRQ     0x80
#define FACT_IRQ       0x00000001u /* edu's interrupt status bit for "factorial done" */
#define TIMEOUT_US     2000000

static volatile uint32_t *bar0;
static volatile uint8_t *cfg;
static uint32_t irq_handle;
static volatile uint32_t irqs_taken, last_status;

static uint32_t cfg_rd32(unsigned int off)
{
	return guest_cfg_rd32(cfg, off);
}

static void cfg_wr32(unsigned int off, uint32_t v)
{
	guest_cfg_wr32(cfg, off, v);
}

static void external(void)
{
	uint32_t vec;

	if (ev_int_iack(&vec) != EV_SUCCESS || vec == 0xffff)
		return;
	if (vec == irq_handle) {
		last_status = bar0[EDU_IRQ_STATUS / 4];
		bar0[EDU_IRQ_ACK / 4] = last_status;
		irqs_taken++;
	}
	ev_int_eoi(vec);
}

static int find_function(void)
{
	const void *fdt = guest_boot.fdt;
	int node = fdt_node_offset_by_compatible(fdt, -1, "bulkhead,pci-function"), len;
	const fdt32_t *h = node < 0 ? NULL : fdt_getprop(fdt, node, "fsl,hv-device-handle", &len);

	return h && len == 4 ? (int)fdt32_to_cpu(*h) : -1;
}

static void *map_region(uint32_t h, uint32_t idx, struct bh_region_info *ri)
{
	ri->argsz = sizeof(*ri);
	if (bh_device_get_region_info(h, idx, ri) != EV_SUCCESS || !ri->size)
		return NULL;
	return guest_ioremap(ri->guest_addr, ri->size < 0x1000 ? 0x1000 : 0x1000, 1);
}

static void check_config(void)
{
	uint32_t bar, size;

	guest_check(cfg_rd32(0) == 0x11e81234, "config space: vendor 1234 device 11e8", "0x%08lx",
		    (unsigned long)cfg_rd32(0));
	bar = cfg_rd32(0x10);
	cfg_wr32(0x10, 0xffffffff);
	size = cfg_rd32(0x10);
	cfg_wr32(0x10, 0x12345000); /* an attempt to move the BAR */
	guest_check(size == 0xfff00000, "BAR0 sizing protocol: 1 MiB", "0x%08lx",
		    (unsigned long)size);
	guest_check(cfg_rd32(0x10) == bar, "BAR0 cannot be moved", "0x%08lx",
		    (unsigned long)cfg_rd32(0x10));
	guest_check(cfg_rd32(0x30) == 0 && cfg_rd32(0x34) == 0 && !(cfg_rd32(0x04) & 0x100000),
		    "expansion ROM and capabilities hidden", "0x%08lx 0x%08lx",
		    (unsigned long)cfg_rd32(0x30), (unsigned long)cfg_rd32(0x34));
}

static uint32_t factorial(uint32_t n)
{
	uint64_t end = guest_tb() + guest_us_to_tb(TIMEOUT_US);

	bar0[EDU_FACT / 4] = n;
	while ((bar0[EDU_STATUS / 4] & STATUS_BUSY) && guest_tb() < end)
		;
	return bar0[EDU_FACT / 4];
}

static int wait_irqs(uint32_t n)
{
	uint64_t end = guest_tb() + guest_us_to_tb(TIMEOUT_US);

	while (irqs_taken < n && guest_tb() < end)
		;
	return irqs_taken >= n;
}

static void check_interrupts(uint32_t h)
{
	struct {
		struct bh_irq_info info;
		uint32_t handle[2];
	} q = { .info.argsz = sizeof(q) };

	if (bh_device_get_irq_info(h, BH_PCI_INTX_IRQ_INDEX, &q.info, NULL) != EV_SUCCESS ||
	    !q.info.count) {
		guest_check(0, "INTx handle", "none");
		return;
	}
	irq_handle = q.handle[0];
	/* As a driver's probe does: the device keeps its state across a partition restart */
	bar0[EDU_STATUS / 4] = 0;
	bar0[EDU_IRQ_ACK / 4] = bar0[EDU_IRQ_STATUS / 4];
	guest_set_irq_handler(external);
	ev_int_set_config(irq_handle, 0x2, 8, 0);
	ev_int_set_mask(irq_handle, 0);
	guest_irq_enable();
	bar0[EDU_IRQ_RAISE / 4] = 0x1234;
	guest_check(wait_irqs(1) && last_status == 0x1234, "interrupt raised by edu arrives",
		    "%lu taken, status 0x%lx", (unsigned long)irqs_taken,
		    (unsigned long)last_status);
	bar0[EDU_STATUS / 4] = STATUS_IRQ;
	bar0[EDU_FACT / 4] = 6;
	guest_check(wait_irqs(2) && last_status == FACT_IRQ && bar0[EDU_FACT / 4] == 720,
		    "factorial-done interrupt arrives", "%lu taken, status 0x%lx",
		    (unsigned long)irqs_taken, (unsigned long)last_status);
	printf("edu: %lu interrupts through the virtual PIC\n", (unsigned long)irqs_taken);
}

int main(void)
{
	int h = find_function();
	struct bh_device_info di = { .argsz = sizeof(di) };
	struct bh_region_info ri;

	if (h < 0 || bh_device_get_info((uint32_t)h, &di) != EV_SUCCESS) {
		printf("edu: no PCI function was given to this partition\n");
		return 1;
	}
	guest_check(di.flags & BH_DEVICE_FLAG_PCI && di.num_regions == 8 && di.num_irqs == 3,
		    "a PCI function: 8 regions, 3 irq indexes", "flags 0x%lx",
		    (unsigned long)di.flags);
	cfg = map_region((uint32_t)h, BH_PCI_CONFIG_REGION_INDEX, &ri);
	bar0 = map_region((uint32_t)h, 0, &ri);
	if (!cfg || !bar0) {
		printf("edu: regions missing\n");
		return 1;
	}
	printf("edu: BAR0 at 0x%llx, %llu KiB\n", (unsigned long long)ri.guest_addr,
	       (unsigned long long)(ri.size >> 10));
	check_config();
	guest_check(bar0[EDU_ID / 4] == 0x010000ed, "identification register", "0x%08lx",
		    (unsigned long)bar0[EDU_ID / 4]);
	bar0[EDU_LIVE / 4] = 0x12345678;
	guest_check(bar0[EDU_LIVE / 4] == 0xedcba987, "liveness register", "0x%08lx",
		    (unsigned long)bar0[EDU_LIVE / 4]);
	guest_check(factorial(5) == 120, "5! = 120", "%lu", (unsigned long)bar0[EDU_FACT / 4]);
	guest_check(factorial(10) == 3628800, "10! = 3628800", "%lu",
		    (unsigned long)bar0[EDU_FACT / 4]);
	check_interrupts((uint32_t)h);
	guest_finish("edu");
}
