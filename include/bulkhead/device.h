/* bulkhead/device.h - the device descriptor ABI (BH_DEVICE_* hypercalls, docs/abi.md).
 *
 * A guest asks about each device it was given by handle (the fsl,hv-device-handle property of
 * the device's node in its tree, or the handles listed under /hypervisor/handles): one query
 * call per piece of information rather than a variable-length table, as VFIO does.
 *
 * Every structure starts with argsz (the size of the caller's structure, in bytes) and flags.
 * The caller fills in argsz; the hypervisor writes back at most argsz bytes (never more than it
 * knows) and ignores whatever the caller put elsewhere. Structures only ever grow at the end,
 * reserved fields read as 0, and unknown flags must be ignored. All fields are big-endian on
 * PowerPC (the guest's natural byte order) and naturally aligned; the layouts have no holes.
 *
 * Self-contained: fixed-width types only, usable by guests, the hypervisor and host tools. */
#ifndef BULKHEAD_DEVICE_H
#define BULKHEAD_DEVICE_H

#include <stdint.h>

/* ---- BH_DEVICE_GET_INFO: r3 = handle, r4 = guest-physical address of the structure ---- */

#define BH_DEVICE_FLAG_PCI   (1u << 0) /* a PCI function */
#define BH_DEVICE_FLAG_DT    (1u << 1) /* a device-tree (system-bus) device */
#define BH_DEVICE_FLAG_RESET (1u << 2) /* BH_DEVICE_RESET can reset it */

/* What a device is and how many regions / interrupt indexes it has. */
struct bh_device_info {
	uint32_t argsz;       /*  0: in: sizeof the caller's structure (>= 16) */
	uint32_t flags;       /*  4: BH_DEVICE_FLAG_* */
	uint32_t num_regions; /*  8: valid region indexes are 0 .. num_regions - 1 */
	uint32_t num_irqs;    /* 12: valid irq indexes are 0 .. num_irqs - 1 */
	uint32_t reserved[4]; /* 16: 0 */
};                            /* 32 bytes */
#define BH_DEVICE_INFO_MINSZ 16

/* ---- BH_DEVICE_GET_REGION_INFO: r3 = handle, r4 = index, r5 = structure address ----
 * PCI: index 0-5 = BAR 0-5, 6 = expansion ROM, 7 = configuration space (size 0 when absent).
 * Device-tree devices: index n = entry n of the node's reg property. */

#define BH_REGION_FLAG_READ       (1u << 0) /* the guest may load from it */
#define BH_REGION_FLAG_WRITE      (1u << 1) /* the guest may store to it */
#define BH_REGION_FLAG_MMAP       (1u << 2) /* mapped straight through at guest_addr */
#define BH_REGION_FLAG_PHYS_VALID (1u << 3) /* phys_addr is the real address */

#define BH_PCI_BAR0_REGION_INDEX   0
#define BH_PCI_ROM_REGION_INDEX    6
#define BH_PCI_CONFIG_REGION_INDEX 7
#define BH_PCI_NUM_REGIONS         8

/* One MMIO region of a device. */
struct bh_region_info {
	uint32_t argsz;       /*  0: in: >= 32 */
	uint32_t flags;       /*  4: BH_REGION_FLAG_* */
	uint32_t index;       /*  8: echo of the index asked for */
	uint32_t reserved0;   /* 12: 0 */
	uint64_t guest_addr;  /* 16: guest-physical address the guest uses */
	uint64_t size;        /* 24: bytes (0: the region is absent, e.g. an unused BAR) */
	uint64_t phys_addr;   /* 32: host physical address if PHYS_VALID, else 0 */
	uint64_t reserved[3]; /* 40: 0 */
};                            /* 64 bytes */
#define BH_REGION_INFO_MINSZ 32

/* ---- BH_DEVICE_GET_IRQ_INFO: r3 = handle, r4 = index, r5 = structure address ----
 * PCI: index 0 = INTx, 1 = MSI, 2 = MSI-X (count 0 when absent).
 * Device-tree devices: index n = entry n of the node's interrupts (or interrupts-extended). */

#define BH_IRQ_FLAG_LEVEL      (1u << 0) /* level-sensitive (else edge) */
#define BH_IRQ_FLAG_MASKABLE   (1u << 1) /* EV_INT_SET_MASK works on it */
#define BH_IRQ_FLAG_ACTIVE_LOW (1u << 2) /* low level / falling edge */

#define BH_PCI_INTX_IRQ_INDEX 0
#define BH_PCI_MSI_IRQ_INDEX  1
#define BH_PCI_MSIX_IRQ_INDEX 2

/* One interrupt index: its kind and the virtual-PIC handles of its vectors. handle[] has as
 * many entries as fit in argsz (the rest are not written); r4 returns the argsz needed for
 * all count handles. */
struct bh_irq_info {
	uint32_t argsz;       /*  0: in: >= 16 */
	uint32_t flags;       /*  4: BH_IRQ_FLAG_* */
	uint32_t index;       /*  8: echo of the index asked for */
	uint32_t count;       /* 12: number of vectors (0: absent) */
	uint32_t reserved[4]; /* 16: 0 */
	uint32_t handle[];    /* 32: EV_INT_* handles, count of them */
};                            /* 32 bytes + 4 * count */
#define BH_IRQ_INFO_MINSZ 16

/* ---- BH_DEVICE_GET_DT_PATH: r3 = handle, r4 = kind, r5 = index, r6 = buffer, r7 = len ----
 * Writes the NUL-terminated hardware-tree path of the node a region or irq came from into the
 * buffer. Out: r4 = bytes needed (with the NUL), r5 = BH_DT_PROP_* it came from, r6 = entry
 * index in that property. len 0: nothing is written (size query). len < needed:
 * EV_BUFFER_OVERFLOW and nothing is written; never a truncated string. */

#define BH_DT_KIND_DEVICE 0 /* the device's own node (index ignored) */
#define BH_DT_KIND_REGION 1
#define BH_DT_KIND_IRQ    2

#define BH_DT_PROP_NONE          0 /* the node itself (kind DEVICE, PCI config) */
#define BH_DT_PROP_REG           1
#define BH_DT_PROP_RANGES        2
#define BH_DT_PROP_INTERRUPTS    3
#define BH_DT_PROP_INTERRUPT_MAP 4

/* ---- BH_DEVICE_RESET: r3 = handle, r4 = probe (non-zero: only say whether it could) ----
 * EV_SUCCESS: reset done (or possible, with probe); EV_CONFIG: this device cannot be reset. */

#endif
