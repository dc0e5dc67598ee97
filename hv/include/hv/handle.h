/* handle.h - objects a partition refers to by number in hypercalls (byte channels, devices,
 * interrupts, DMA sources, managed partitions). Each kind supplies reset operations so that
 * stopping or restarting a partition cleans up generically, handle by handle (the handle unit,
 * hv/hcall/handle.c). */
#ifndef HV_HANDLE_H
#define HV_HANDLE_H

/* What a handle's obj is; handle_get() hands out only the type asked for. */
enum handle_type {
	HANDLE_BYTE_CHANNEL, /* struct byte_chan (hv/dev/byte_chan.c) */
	HANDLE_DEVICE,       /* struct hv_device (hv/dev/device.c) */
	HANDLE_PARTITION,    /* a managed-partition link (hv/partition/manager.c) */
	HANDLE_DOORBELL,     /* (reserved) */
	HANDLE_IRQ,          /* struct vpic_irq: a device's or software interrupt */
	HANDLE_DMA,          /* struct iommu_source: a DMA source (hv/dma/iommu.c) */
	HANDLE_ERRMGR,       /* struct errmgr: the error manager (hv/partition/errmgr.c) */
};

struct handle;

/* prereset runs when the owner stops, before its memory is taken back: 0, or a negative error
 * when the object could not be made safe (e.g. its DMA could not be disabled) and the owner's
 * memory must never be reused. prestart runs at every start before the owner's memory is
 * scrubbed (for what a stop may leave running: defer-dma-disable), with the same meaning of
 * errors. postreset runs after the scrub, before the owner runs again. Each may be NULL. */
struct handle_ops {
	int (*prereset)(struct handle *h);
	int (*prestart)(struct handle *h);
	void (*postreset)(struct handle *h);
};

struct handle {
	enum handle_type type;
	const struct handle_ops *ops;
	void *obj;
};

struct partition;

/* Add h to p's table; returns its number or -HV_ENOSPC. */
int handle_add(struct partition *p, struct handle *h);
/* The same from the top of the table down (the byte channels' interrupts: the numbers of
 * every other handle, which bhctl computes offline, stay as without them). */
int handle_add_top(struct partition *p, struct handle *h);

/* The handle number n of p if it is of type t, else NULL. */
struct handle *handle_get(struct partition *p, unsigned long n, enum handle_type t);

/* Run every handle's prereset (in reverse order; all of them, also after a failure): 0 or the
 * first error. */
int handles_prereset(struct partition *p);
/* Run every handle's prestart (in reverse order, all of them): 0 or the first error. */
int handles_prestart(struct partition *p);
/* Run every handle's postreset (in order). */
void handles_postreset(struct partition *p);

#endif
