/* inventory.h - boot-time summary of the hardware tree. */
#ifndef HV_INVENTORY_H
#define HV_INVENTORY_H

/* Print board, CPUs, memory, CCSR, UARTs, PIC and PCI host bridges, one aligned line each. */
void inventory_show(const void *fdt);

#endif
