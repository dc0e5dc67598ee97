/* vpci_host.h - the PCI host controller a partition's own OS sees (hv/pci/vpci_host.c): an
 * emulated Freescale PCI controller (fsl,mpc8540-pci register layout) whose bus 0 shows only
 * the partition's assigned functions, for stock drivers such as Linux's fsl_pci. */
#ifndef HV_VPCI_HOST_H
#define HV_VPCI_HOST_H

#include <stdint.h>

struct partition;

/* Guest-physical page of the emulated controller registers (QEMU ppce500's own address of
 * pci@fe0008000, so a guest tree reads like the board's). */
#define VPCI_HOST_GPA  0xfe0008000ull
#define VPCI_HOST_SIZE 0x1000u

/* One assigned function as the guest tree's interrupt-map names it. */
struct vpci_intx {
	uint32_t devfn;         /* device << 3 | function on bus 0 */
	uint32_t pin;           /* 1 = INTA .. 4 = INTD */
	uint32_t handle, sense; /* hv-pic specifier */
};

/* Map the emulated controller into p (once, at its first PCI function's setup). 0 or a
 * negative error from partition_map_emulated. */
int vpci_host_map(struct partition *p);

/* Add the controller node to the guest tree fdt: memory window [cpu, cpu + size) = bus
 * [bus, ...), INTx through the hv-pic pic for the n functions of intx. 0 or a libfdt error. */
int vpci_host_tree(void *fdt, int pic, uint64_t cpu, uint64_t bus, uint64_t size,
		   const struct vpci_intx *intx, unsigned int n);

#endif
