/* device.h - devices assigned to partitions: one object per config assignment, its MMIO
 * mapped into the owner, its interrupts handed to the virtual PIC, a handle the guest uses
 * with the BH_DEVICE_* hypercalls (hv/dev/hcall.c), and its node in the guest tree. */
#ifndef HV_DEVICE_H
#define HV_DEVICE_H

#include <stdbool.h>
#include <hv/config.h>
#include <hv/device_desc.h>
#include <hv/handle.h>

struct partition;

/* One assigned device. The handle's prereset/postreset are where reset-time work goes
 * (masking its interrupts now; fencing its DMA with issue 6). */
struct hv_device {
	struct handle handle;                       /* HANDLE_DEVICE, obj = this */
	struct partition *part;                     /* owner */
	struct dev_desc desc;                       /* what the guest is told */
	bool no_dma_disable;                        /* config: its DMA is enabled from the start */
	bool defer_dma_disable;                     /* config: its partition's defer-dma-disable */
	bool no_dma;                                /* config: never masters (DMA_ENABLE refused) */
	struct cfg_range dma_window;                /* config dma-window (size 0: all its memory) */
	enum cfg_claim claimable;                   /* config claimable (failover) */
	volatile bool holder;                       /* part has it now: not a standby owner of it */
	uint64_t dma_sub[2 * CFG_MAX_SUBWIN_COUNT]; /* its dma-subwindows (gpa, size), */
	unsigned int nr_dma_sub;                    /*   when it has some: only they are reached */
};

/* The device behind handle n of p, or NULL. */
struct hv_device *device_get(struct partition *p, unsigned long n);

/* The owner of d's hardware device that holds it now (d itself when not claimable), or
 * NULL. */
struct hv_device *device_holder_of(const struct hv_device *d);

/* FH_CLAIM_DEVICE (hv/dev/claim.c): the device's DMA sources, registers and interrupts go
 * from the holder (its partition stopped) to to's partition. 0, or the DMA move's error
 * (iommu_source_move()): then nothing moved. */
int device_move_holder(struct hv_device *from, struct hv_device *to);

/* The hardware tree the devices were built from (NULL before a config is loaded). */
const void *device_hw_tree(void);

/* For the console's "devices" command: p's devices in lsdev's format and its count of
 * refused device/vPIC calls. */
void device_show(const struct partition *p);

/* Add p's devices (built by the devices unit when p was created: MMIO mapped, handles,
 * interrupts) and the epapr,hv-pic node to p's guest tree fdt. 0 or a negative error (libfdt
 * or a negative hv code; printed): also when p's devices could not be built. */
int device_tree_add(void *fdt, const struct partition *p, const void *hw, const void *cfg_fdt,
		    const struct hv_config *cfg);

#endif
