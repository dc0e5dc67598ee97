/* iommu.h - DMA ownership: one DMA domain per partition (the guest-physical ranges its devices
 * may reach, already translated to host physical through the partition's memory map), DMA
 * sources (a PAMU LIODN, a PCI requester id) attached to a domain, enabled and disabled, faults
 * recorded, and the quiesce sequence partition reset runs before it scrubs memory.
 *
 * The core never touches hardware: the architecture's back ends (PAMU, the Freescale PCI
 * controller's inbound windows, later Intel VT-d) implement the iommu_arch_* hooks declared in
 * <hv/arch.h>. docs/dma.md describes the sequence, its guarantees and each back end. */
#ifndef HV_IOMMU_H
#define HV_IOMMU_H

#include <stdbool.h>
#include <stdint.h>
#include <hv/handle.h>

#define IOMMU_MAX_WINDOWS 8  /* translated ranges per domain */
#define IOMMU_MAX_SOURCES 32 /* DMA sources in the whole system */

#define IOMMU_READ  0x1 /* the device may read the window */
#define IOMMU_WRITE 0x2 /* the device may write the window */

/* What a source id means: which hardware names the DMA initiator. */
enum iommu_src_kind {
	IOMMU_SRC_LIODN, /* PAMU logical I/O device number (hardware tree fsl,liodn) */
	IOMMU_SRC_PCI,   /* PCI requester id: bus << 8 | device << 3 | function */
};

/* One translated range: device addresses [gpa, gpa + size) reach host [hpa, hpa + size). */
struct iommu_window {
	uint64_t gpa, hpa, size;
	uint32_t prot; /* IOMMU_READ | IOMMU_WRITE */
};

struct partition;

/* The DMA address space of one partition: its devices use guest-physical addresses. */
struct iommu_domain {
	struct partition *part;
	unsigned int nr_windows;
	struct iommu_window win[IOMMU_MAX_WINDOWS]; /* sorted by gpa, not overlapping */
};

/* One blocked access, as far as the back end could decode it. */
struct iommu_fault {
	uint64_t addr;   /* device address of the access */
	uint32_t flags;  /* IOMMU_READ or IOMMU_WRITE when known, else 0 */
	uint32_t reason; /* back end's own code (PAMU AVS1, VT-d fault reason), for the log */
};

/* Called before DMA is disabled in a quiesce: mask the device's interrupts, clear PCI Bus
 * Master Enable, mask MSI/MSI-X. Supplied by the device layer; may be NULL. */
typedef void (*iommu_mask_fn)(void *ctx);

/* Called under the IOMMU layer's hardware lock when a source's DMA is allowed (on, after the
 * fence opened) or forbidden (off, before it closes): a PCI function's Bus Master Enable
 * follows it, so that a function whose source is disabled cannot master at all, even while
 * another function behind the same fence has it open (issue 12, finding 3). May be NULL. */
typedef void (*iommu_master_fn)(void *ctx, bool on);

/* A DMA source of an assigned device. Its handle is the guest's fsl,hv-dma-handle; the
 * handle's prereset quiesces it and its postreset puts it back in its start state. */
struct iommu_source {
	struct handle handle; /* HANDLE_DMA, obj = this */
	enum iommu_src_kind kind;
	uint32_t id;               /* LIODN or requester id */
	int unit;                  /* hardware tree offset of the IOMMU or PCI controller */
	struct iommu_domain *dom;  /* NULL when detached */
	struct iommu_domain *home; /* its partition's domain for it (attached while it holds) */
	bool standby;              /* a claimable device on standby: not in the hardware */
	bool enabled;              /* DMA allowed now */
	bool no_dma_disable;       /* config: enabled from the start, never by the guest */
	bool defer;                /* config: its partition's defer-dma-disable */
	bool deferred;             /* stopped with DMA left as it was: quiesce pending */
	bool no_dma;               /* config no-dma: enable refused (-HV_EPERM) */
	iommu_mask_fn mask;
	iommu_master_fn master; /* bus mastering follows enabled (may be NULL) */
	void *mask_ctx;         /* for mask and master */
	uint32_t faults;        /* blocked accesses recorded */
	struct iommu_fault last_fault;
	void *arch; /* back end state */
};

struct platform;

/* Set up the platform's back ends (called once at boot, after the partitions are built; the
 * IOMMU unit's init probes them first when the config assigns devices) and run the self-test
 * if bootargs say bulkhead.selftest=dma (test image only; the release image refuses it). 0 or
 * -HV_ENODEV when no DMA fence exists (DMA sources then cannot be enabled). */
int iommu_init(const struct platform *plat);

/* The domain of p, built on first use from p's memory ranges (all of them, read-write). */
struct iommu_domain *iommu_domain_of(struct partition *p);

/* (Re)build d as p's memory restricted to [gpa, gpa + size) (size 0: no restriction). */
int iommu_domain_build(struct iommu_domain *d, struct partition *p, uint64_t gpa, uint64_t size);

/* Add one window to d. 0, -HV_EINVAL (unaligned, empty, overlapping), -HV_ENOSPC (full). */
int iommu_domain_add(struct iommu_domain *d, uint64_t gpa, uint64_t hpa, uint64_t size,
		     uint32_t prot);

/* What the device layer knows about one DMA source of an assigned device. */
struct iommu_attach_args {
	enum iommu_src_kind kind;
	uint32_t id;            /* LIODN (hardware tree fsl,liodn) or requester id */
	int unit;               /* PCI: controller node offset; LIODN: -1 (one table) */
	uint64_t window_gpa;    /* config dma-window of the device; */
	uint64_t window_size;   /*   size 0: all of the partition's memory */
	const uint64_t *sub;    /* nr_sub (gpa, size) pairs: the window's dma-subwindows, */
	unsigned int nr_sub;    /*   the only parts reached when nr_sub > 0 */
	bool no_dma_disable;    /* device's or partition's no-dma-disable */
	bool defer_dma_disable; /* partition's defer-dma-disable */
	bool no_dma;            /* device's no-dma: never enabled (-HV_EPERM) */
	bool standby;           /* the owner has the device on standby (claimable): the source
				 * gets its handle but stays out of the hardware until a claim */
	iommu_mask_fn mask;     /* called first on quiesce (may be NULL) */
	iommu_master_fn master; /* bus mastering follows the source (may be NULL) */
	void *ctx;
};

/* For the device layer (hv/dev/device.c), once per DMA source when p's devices are created:
 * attach the source to p's domain (or to a domain restricted to its dma-window), disabled
 * unless no_dma_disable, and add its handle to p. Returns the handle number (the device
 * node's fsl,hv-dma-handle) or a negative error: -HV_EBUSY (already attached), -HV_ENOSPC,
 * -HV_ENODEV (no back end for this source), -HV_EINVAL. */
int iommu_device_attach_args(struct partition *p, const struct iommu_attach_args *a);

/* FH_CLAIM_DEVICE (issue 15): the DMA source of a claimable device moves from the stopped
 * holder's handle (from) to the claimer's standby handle (to). from is quiesced (a
 * defer-dma-disable stop left it as it was) and detached, and stays on standby from now on;
 * to is attached to its own domain (the claimer's memory, or its dma-window), disabled unless
 * no-dma-disable, as at a first start. Both must be the same source (kind, unit, id). 0, or
 * the error of the step that failed (-HV_EINVAL: either is NULL or not the same source, or to
 * is not on standby); then from holds the source again, disabled. */
int iommu_source_move(struct iommu_source *from, struct iommu_source *to);

/* The same for a source that may reach all of p's memory. For a PCI function, unit may be
 * the function's own node or its host controller's (the back end walks up to it). */
int iommu_device_attach(struct partition *p, enum iommu_src_kind kind, uint32_t id, int unit,
			bool no_dma_disable, iommu_mask_fn mask, void *ctx);

/* Print p's DMA sources (all partitions' when p is NULL): state, faults, windows. For the
 * console's "dma" command. */
void iommu_show(const struct partition *p);

/* Lower-level: attach/detach a source the caller owns (the self-test; tests). */
int iommu_attach(struct iommu_source *s, struct iommu_domain *d);
void iommu_detach(struct iommu_source *s);

/* Allow / forbid s's DMA. 0 or a negative error (-HV_EBUSY: the back end cannot isolate s from
 * another partition's source it shares a fence with; -HV_EAGAIN: s is on standby, its owner
 * must claim the device first). */
int iommu_enable(struct iommu_source *s);
int iommu_disable(struct iommu_source *s);

/* Reset-time sequence for one source: mask (device layer) -> disable DMA in the fence/IOMMU
 * -> wait for DMA the hardware can still deliver. 0, or the back end's error when it could
 * not disable or the wait failed: then the message "dma: <kind> <id> of <partition>: could
 * not be disabled (error E)" (or "still busy after disable") is printed and the partition's
 * memory is held back (partition_hold()). -HV_EOPNOTSUPP from the wait step is not an error
 * (the hardware cannot tell; see docs/dma.md). */
int iommu_quiesce(struct iommu_source *s);

/* The DMA source behind handle n of p, or NULL. */
struct iommu_source *iommu_source_get(struct partition *p, unsigned long n);

/* For back ends: the source with this kind/unit/id that holds it (never one on standby), or
 * NULL. */
struct iommu_source *iommu_source_find(enum iommu_src_kind kind, int unit, uint32_t id);

/* For back ends: record a blocked access of s. Counted in s->faults and in its partition's
 * dma_faults (the console's stats), printed ("dma: <kind> <id> of <partition>: blocked ..."),
 * and the partition's managers are told (manager_notify(): their state-change doorbell). */
void iommu_report_fault(struct iommu_source *s, const struct iommu_fault *f);

/* Faults recorded for p's sources since boot (not zeroed by stats --clear): what a manager
 * reads with FH_PARTITION_GET_STATUS (r5). */
uint32_t iommu_fault_total(const struct partition *p);

/* Counters for leak checks: sources in use, faults recorded in total. */
unsigned int iommu_sources_in_use(void);

#endif
