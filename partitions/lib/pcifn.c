/* pcifn.c - the first PCI function given to the partition, as its drivers find it through the
 * device ABI only (docs/abi.md): the handle in its bulkhead,pci-function node, BAR0 mapped
 * uncached (its first 4 KiB) and its INTx handle for the virtual PIC. */
#include <libfdt.h>
#include <guest/device.h>

int guest_pci_function(struct guest_pci_fn *fn)
{
	int node = fdt_node_offset_by_compatible(guest_boot.fdt, -1, "bulkhead,pci-function");
	uint32_t h = node < 0 ? ~0u : guest_fdt_u32(node, "fsl,hv-device-handle", ~0u);
	struct bh_region_info ri = { .argsz = sizeof(ri) };
	struct {
		struct bh_irq_info info;
		uint32_t handle[2];
	} q = { .info.argsz = sizeof(q) };

	if (h == ~0u || bh_device_get_region_info(h, 0, &ri) != EV_SUCCESS || !ri.size ||
	    bh_device_get_irq_info(h, BH_PCI_INTX_IRQ_INDEX, &q.info, NULL) != EV_SUCCESS ||
	    !q.info.count)
		return -1;
	fn->handle = h;
	fn->bar0 = guest_ioremap(ri.guest_addr, 0x1000, 1);
	fn->intx = q.handle[0];
	return 0;
}
