/* inventory.h - boot-time summary of the platform. */
#ifndef HV_INVENTORY_H
#define HV_INVENTORY_H

struct platform;

/* Print board, CPUs, memory, register blocks, UARTs, PIC and PCI host bridges, one aligned
 * line each. */
void inventory_show(const struct platform *plat);

#endif
