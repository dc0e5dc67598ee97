/* pci.h - PCI functions assigned to partitions (hv/pci/pci.c): the hypervisor owns the host
 * bridge, enumerates bus 0, gives each assigned function bus addresses from the bridge's
 * memory window, maps its BARs into the owner and emulates its configuration space (BARs
 * shadowed, command register and capabilities filtered, expansion ROM hidden).
 *
 * The configuration cycles and the outbound window are the architecture's:
 * pci_arch_* of <hv/arch/pci.h> (PowerPC: the Freescale PCI controller,
 * arch/powerpc/pci/host.c). */
#ifndef HV_PCI_H
#define HV_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <hv/device_desc.h>
#include <hv/arch/pci.h>

struct partition;

/* Probe function bdf of bridge once and give its BARs bus addresses (in the order of the
 * calls: the device layer probes every assigned function in config order before any
 * partition uses one, so the addresses do not depend on which partition starts first).
 * 0, -HV_ENODEV (nothing there), -HV_ENOSPC. */
int pci_function_probe(const void *hw, int bridge, uint32_t bdf);

/* Undo every pci_function_probe() (a refused config): decoding and mastering off. */
void pci_functions_release(void);

/* Probe the function d describes (d->pci_bdf under d->hw_node), give its BARs bus addresses,
 * map them into p and its config space at d's config region; fills d's regions. holder:
 * p holds the function (false: a standby owner of a claimable one, whose config space reads
 * as an empty slot and whose BAR regions the caller closes). 0 or a negative hv code
 * (hv/err.h) (printed). */
int pci_function_setup(struct partition *p, const void *hw, struct dev_desc *d, bool holder);

/* A claim (hv/dev/claim.c) gave the function to p: its config space is p's from now on, and
 * the function is reset as a restart would (pci_function_reset()). */
void pci_function_claim(void *ctx, struct partition *p);

/* The function of partition p at bus 0 devfn, or NULL (hv/pci/vpci_host.c's config cycles). */
void *pci_function_of(const struct partition *p, uint32_t devfn);

/* The function's configuration space as its guest sees it (the emulation of the config
 * window): size bytes at reg, value = the bytes read big-endian. 0 or -HV_EINVAL. */
int pci_guest_cfg_read(void *ctx, unsigned int reg, unsigned int size, uint64_t *value);
int pci_guest_cfg_write(void *ctx, unsigned int reg, unsigned int size, uint64_t value);

/* The function's interrupt pin (1 = INTA .. 4), 0 = none. */
unsigned int pci_function_pin(const void *ctx);

/* The memory window of the function's bridge: CPU [cpu, cpu + size) = bus [bus, ...). */
int pci_function_window(const void *ctx, uint64_t *cpu, uint64_t *bus, uint64_t *size);

/* The function behind d (for pci_function_quiesce), or NULL. */
void *pci_function_ctx(const struct dev_desc *d);

/* Bus mastering off (also the guest's recorded bit), INTx disabled, MSI/MSI-X off: the
 * device-side half of a DMA quiesce. */
void pci_function_quiesce(void *ctx);

/* The function's DMA source was enabled (on) or is being disabled (off): Bus Master Enable
 * reaches the device only while on, as the guest last wrote it (issue 12, finding 3). */
void pci_function_master(void *ctx, bool on);

/* At a restart (the device's postreset): the function as assignment left it (memory decoding
 * on, bus mastering off, INTx enabled). */
void pci_function_reset(void *ctx);

/* Offset of capability id (PCI_CAP_ID_*: 0x05 MSI, 0x11 MSI-X) of function bdf under bridge,
 * or -HV_ENOENT. */
int pci_cap_find(int bridge, uint32_t bdf, unsigned int id);

/* Turn off MSI (Message Control Enable) and MSI-X (Enable, with Function Mask set) in every
 * such capability of function bdf under bridge; returns how many capabilities it changed. */
int pci_msi_off(int bridge, uint32_t bdf);

#endif
