/* device_desc.h - what a partition learns about an assigned device (the descriptors of
 * include/bulkhead/device.h), computed from the hardware tree and the config alone.
 *
 * Portable and free of target-only code: the hypervisor builds one per assignment at
 * partition start, and "bhctl devices" builds the same ones offline. */
#ifndef HV_DEVICE_DESC_H
#define HV_DEVICE_DESC_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <bulkhead/device.h>
#include <hv/config.h>

#define DEV_MAX_REGIONS 8
#define DEV_MAX_IRQS    8
#define DEV_MAX_LIODNS  4 /* fsl,liodn cells of one system-bus device (FMan has 3) */
#define DEV_PAGE_SIZE   0x1000ull

/* One MMIO region: a reg entry translated through the parents' ranges. */
struct dev_region {
	uint64_t phys, size;       /* CPU physical */
	uint64_t guest;            /* guest physical (= phys: devices appear where they are) */
	uint32_t flags;            /* BH_REGION_FLAG_* */
	uint32_t prop, prop_index; /* BH_DT_PROP_* and entry it came from */
};

/* One interrupt: the controller's specifier, the guest's handle for it. */
struct dev_irq {
	int ctrl;                  /* interrupt-controller node in the hardware tree */
	uint32_t src;              /* first specifier cell: the controller's source number */
	uint32_t sense;            /* second cell (MPIC: 0 rising, 1 low, 2 high, 3 falling) */
	uint32_t flags;            /* BH_IRQ_FLAG_* */
	int node;                  /* node whose property it came from */
	uint32_t prop, prop_index; /* BH_DT_PROP_* and entry */
	uint32_t count;            /* vectors: 1, or 0 for an absent PCI MSI/MSI-X index */
	uint32_t handle;           /* the guest's virtual-PIC handle (when count is 1) */
};

/* A device as one partition sees it. */
struct dev_desc {
	int cfg_index;          /* index into cfg->device[] */
	int hw_node;            /* node in the hardware tree */
	int owner;              /* partition index */
	uint32_t flags;         /* BH_DEVICE_FLAG_* */
	uint32_t handle;        /* the guest's device handle */
	bool pci;               /* a PCI function of the host bridge hw_node */
	uint32_t pci_bdf;       /* bus << 8 | device << 3 | function */
	uint32_t dma_handle;    /* the guest's (first) fsl,hv-dma-handle: PCI one, else one per
			      * LIODN, consecutive */
	unsigned int nr_liodns; /* system bus: the hardware node's fsl,liodn cells */
	uint32_t liodn[DEV_MAX_LIODNS]; /*   (its DMA sources behind a PAMU) */
	unsigned int nr_regions, nr_irqs;
	struct dev_region region[DEV_MAX_REGIONS];
	struct dev_irq irq[DEV_MAX_IRQS];
};

/* Build the descriptor of cfg->device[index] (which must be owned by a partition). A config
 * node with pci-function = <device function> names a function on bus 0 of the host bridge
 * its device property points at: its regions are then the 8 PCI ones (BAR sizes are known
 * only once the hypervisor has probed the function, 0 here) and its irqs INTx (through the
 * bridge's interrupt-map, pin INTA until probed), MSI and MSI-X. 0, or a libfdt error as an
 * hv code (-HV_EFDT_NOSPACE: more regions/irqs than this build handles, -HV_EFDT_BADVALUE: an
 * interrupt that does not reach an interrupt controller). */
int dev_desc_build(const void *hw, const void *cfg_fdt, const struct hv_config *cfg, int index,
		   struct dev_desc *d);

/* The interrupts property of device-tree node d->hw_node, resolved through interrupt-parent
 * to a controller: fills irq[] and nr_irqs. 0, or a libfdt error as an hv code (-HV_EFDT_BADVALUE:
 * no controller, -HV_EFDT_BADNCELLS, -HV_EFDT_NOSPACE). */
int dev_desc_node_irqs(const void *hw, struct dev_desc *d);

/* INTx pin (1..4) of PCI function d through its bridge's interrupt-map: fills irq[0]. */
int dev_desc_pci_intx(const void *hw, struct dev_desc *d, uint32_t pin);

/* Handle numbers of a partition's devices, in config order starting at first: each device
 * takes one for itself, then one per interrupt vector, then (PCI) one for its DMA source.
 * Returns the next free number. */
uint32_t dev_desc_number(struct dev_desc *d, uint32_t first);

/* Handles a partition holds before its devices' (its byte channels, in config order). */
uint32_t dev_desc_first_handle(const struct hv_config *cfg, int part);

/* The ABI structures, filled in full (the caller copies what argsz allows). */
void dev_desc_info(const struct dev_desc *d, struct bh_device_info *out);
int dev_desc_region(const struct dev_desc *d, uint32_t index, struct bh_region_info *out);
int dev_desc_irq(const struct dev_desc *d, uint32_t index, struct bh_irq_info *out,
		 uint32_t *handles, uint32_t max_handles);

/* DT path answer: path of the node into buf (when len is enough), *needed, *prop, *pidx.
 * 0, -HV_EINVAL (kind), -HV_ENOENT (index), -HV_EOVERFLOW (len too small and non-zero). */
int dev_desc_dt_path(const void *hw, const struct dev_desc *d, uint32_t kind, uint32_t index,
		     char *buf, size_t len, size_t *needed, uint32_t *prop, uint32_t *pidx);

/* The descriptors as text, one out() call per line without the newline: the lines the lsdev
 * guest prints ("device H: PATH (dt) regions N irqs M", "  region ...", "  irq ..."). */
void dev_desc_print(const void *hw, const struct dev_desc *d,
		    void (*out)(void *ctx, const char *line), void *ctx);

/* Names for printers. */
const char *dev_desc_prop_name(uint32_t prop);

#endif
