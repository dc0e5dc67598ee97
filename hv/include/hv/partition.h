/* partition.h - partitions: memory map, vCPUs, handles, life cycle. */
#ifndef HV_PARTITION_H
#define HV_PARTITION_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <hv/arch.h>
#include <hv/config.h>
#include <hv/vcpu.h>

#define PART_MAX         8
#define PART_MAX_VCPUS   8
#define PART_MAX_MEM     8
#define PART_MAX_REGIONS 16
#define PART_MAX_HANDLES 32
#define PART_NAME_MAX    CFG_LABEL_MAX
#define PART_HELD_MAX    64 /* reason a partition's memory is held back */

/* Life-cycle states (the Topaz set). */
enum part_state {
	PART_STOPPED = 0,
	PART_STARTING,
	PART_RUNNING,
	PART_STOPPING,
};

/* One guest-physical range backed by host memory. */
struct part_mem {
	uint64_t gpa, hpa, size;
	int shared; /* bulkhead,shared area: not scrubbed */
};

struct handle;

/* arch_time_now() at each step of the last stop and start (the restart timing line, bench
 * P3): stop asked, vCPUs out, DMA quiesced; start asked, picked up by vCPU 0's CPU, memory
 * scrubbed, image and tree loaded, first guest instruction. */
struct part_timing {
	uint64_t stop, vcpus_out, quiesced, start, picked, scrubbed, loaded, entered;
};

/* Emulated MMIO: value is the bytes at offset read big-endian (what a plain lwz/lhz/lbz of
 * that size sees); size is 1, 2 or 4. Return 0, or a negative error (the access then faults
 * the partition). */
struct mmio_ops {
	int (*read)(void *ctx, uint64_t offset, unsigned int size, uint64_t *value);
	int (*write)(void *ctx, uint64_t offset, unsigned int size, uint64_t value);
};

/* A guest-physical range that is not RAM: a device mapped straight through (shadow entries
 * cache-inhibited and guarded), or an emulated one whose accesses trap to ops. */
enum region_kind {
	REGION_DEVICE,
	REGION_EMULATED,
};

struct part_region {
	uint64_t gpa, size;
	enum region_kind kind;
	uint64_t hpa;               /* REGION_DEVICE */
	const struct mmio_ops *ops; /* REGION_EMULATED */
	void *ctx;
	volatile bool off; /* a standby owner's claimable device: not the
					 * partition's until FH_CLAIM_DEVICE (accesses fault) */
};

/* A partition: its identity, memory map, vCPUs, handle table and life-cycle state. What
 * other subsystems keep per partition is in their unit's slot (hv/unit.h, unit_slot()). */
struct partition {
	int id;        /* 1-based; also the guest-id in its tree */
	int cfg_index; /* index into the config's part[] */
	char name[PART_NAME_MAX];
	volatile enum part_state state;
	arch_spinlock_t lock; /* held while starting or stopping */
	unsigned int nr_vcpus;
	struct vcpu vcpu[PART_MAX_VCPUS];
	unsigned int nr_mem;
	struct part_mem mem[PART_MAX_MEM];
	unsigned int nr_regions;
	struct part_region regions[PART_MAX_REGIONS];
	struct handle *handles[PART_MAX_HANDLES];
	uint64_t entry;             /* guest entry point from the image */
	uint64_t dtb_gpa, dtb_size; /* where its device tree goes */
	void *tree;                 /* its device tree (packed), built at the first start */
	int exit_code;
	bool start_load; /* the pending start reloads the config's image */
	/* the stop in progress (hv/partition/partition.c stop_complete() finishes it) */
	const char *stop_why;      /* printed when it completes (a literal), or NULL */
	bool stop_restart;         /* start again when it completes */
	bool stop_exited;          /* the guest exited: "exited with code" when it completes */
	bool stop_warned;          /* "has not left guest context" said */
	volatile bool stop_waiter; /* a stopper waits for the vCPUs and completes it */
	uint64_t stop_kicked;      /* arch_time_now() of the last kick of its vCPUs */
	uint64_t start_time;       /* arch_time_now() at the last start */
	struct part_timing timing;
	/* Non-empty: why its memory is held back (a stop could not make it safe, e.g. a DMA
	 * source could not be disabled). It is then never scrubbed, reloaded or started again. */
	char held[PART_HELD_MAX];
};

extern struct partition partitions[PART_MAX];
extern unsigned int nr_partitions;

/* Build every partition from a validated config: the units' init, then each partition's own
 * fields and every unit's partition_create, in order. Print and return a negative error if a
 * partition cannot be built: the partitions built so far are destroyed (units in reverse
 * order) and none is left. */
int partitions_create(const void *hw_fdt, const void *cfg_fdt, const struct hv_config *cfg);

/* vCPU 0 of p is about to run guest code for the first time since p's last start: stamp it
 * and, after a stop, log the restart timing line at debug level. */
void partition_entered(struct partition *p);

/* Start the partitions without no-auto-start. */
void partitions_autostart(void);

/* Start a stopped partition: the units' prestart run, it goes to STARTING at once and its
 * vCPU 0's CPU scrubs it, runs the units' reset (objects reset, image and tree loaded, spin
 * table) and starts it, then the units' start (then "partition P: started on cpu N", or
 * "partition P: not started" with the reason). A stop still completing is waited for (200 ms
 * at most). 0, -HV_EINVAL if p is not stopped, -HV_EBUSY if it is still being stopped (a vCPU has
 * not left guest context), -HV_EIO (and the message) if its memory is held back
 * (partition_hold()). */
int partition_start(struct partition *p);

/* Run by the physical CPU of vCPU 0 while p is STARTING (the asynchronous half of a start). */
void partition_load(struct partition *p);

/* Start at a given entry point: load = true is partition_start(); load = false keeps the
 * partition's memory as it is (a manager put an image there) and enters at entry. */
int partition_start_at(struct partition *p, uint64_t entry, bool load);

/* Stop p from any CPU (also from one of its own vCPUs). p goes to STOPPING at once (no vCPU
 * enters guest context any more) and its vCPUs in guest context are kicked out; when the last
 * has left, the stop completes on whichever CPU sees it (the stopper, that vCPU's CPU or the
 * console CPU's partitions_poll()): the units' prereset run (reverse order), p is STOPPED,
 * the units' stopped run, why (if not NULL, a string literal) is printed as "partition P:
 * stopped (why)". A stopper that is not a vCPU of p waits at most STOP_SYNC_MS for that; a
 * vCPU of p does not wait. If a prereset fails, p is stopped with its memory held back
 * (partition_hold(), "partition P: memory held back: <reason>"). 0 (stopped, or stopping
 * and completing later), -HV_EINVAL if p is not running, -HV_EBUSY if it is starting or already
 * stopping. */
int partition_stop(struct partition *p, const char *why);
void partition_exit(struct partition *p, int code);

/* FH_PARTITION_STOP_DMA: a stopped partition whose stop left DMA running (defer-dma-disable)
 * has it quiesced now (the units' prestart: its handles' prestart operations). 0, -HV_EINVAL if
 * p is not stopped, -HV_EBUSY if it is being started or stopped, -HV_EIO if a quiesce failed
 * (memory held back). */
int partition_stop_dma(struct partition *p);

/* Stop (if running) and start again: units' prereset, scrub, units' reset, units' start (no
 * step per subsystem here); the start is made when
 * the stop completes (also if that is later, see partition_stop()). */
int partition_restart(struct partition *p);

/* For units' and handles' prereset operations: p's memory must never be reused, because
 * (the reason, printf-style, e.g. "DMA of pci 0x0010 could not be disabled"). The first
 * reason is kept; every later start of p is refused with -HV_EIO and "partition P: not started:
 * <reason>; its memory is held back". There is no way back short of a board reset. */
void partition_hold(struct partition *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Isolation fault on the calling vCPU: report and stop its partition; does not return. */
void partition_fault(struct vcpu *v, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

struct partition *partition_by_name(const char *name);
/* The partition with that id (1-based, as in its tree and the shell), or NULL. */
struct partition *partition_by_id(unsigned long id);
const char *part_state_name(enum part_state s);

/* Guest-physical -> host-physical for len bytes inside one memory range; 0 or -HV_EFAULT. */
int gpa_to_hpa(const struct partition *p, uint64_t gpa, uint64_t len, uint64_t *hpa);

/* 0 if [gpa, gpa + len) touches the partition's memory or one of its regions at all. */
int gpa_overlaps_partition(const struct partition *p, uint64_t gpa, uint64_t len, uint64_t *hpa);

/* Map device MMIO [hpa, hpa + size) at guest physical gpa (4 KiB aligned). 0, -HV_EINVAL if
 * misaligned or overlapping the partition's memory or another region, -HV_ENOSPC if full. */
int partition_map_device(struct partition *p, uint64_t gpa, uint64_t hpa, uint64_t size);
/* Turn p's region at gpa on or off (claimable devices): an off region is not p's; p is
 * stopped (off) or has never had a shadow entry of it (on). 0 or -HV_ENOENT. */
int partition_region_set(struct partition *p, uint64_t gpa, bool on);

/* Trap and emulate guest accesses to [gpa, gpa + size) through ops. Errors as above. */
int partition_map_emulated(struct partition *p, uint64_t gpa, uint64_t size,
			   const struct mmio_ops *ops, void *ctx);

/* The non-RAM region holding gpa, or NULL. */
const struct part_region *partition_region(const struct partition *p, uint64_t gpa);

/* Zero the partition's private memory before (re)loading it. */
void guest_scrub(const struct partition *p);
int guest_phys_zero(uint64_t hpa, uint64_t size); /* zero-pma, at boot */

/* Copy to/from guest memory; -HV_EFAULT if any byte is outside the partition's memory. */
int guest_write(const struct partition *p, uint64_t gpa, const void *src, size_t len);
int guest_read(const struct partition *p, uint64_t gpa, void *dst, size_t len);

/* The vCPU placed on physical CPU cpu (its partition running or starting), or NULL. */
struct vcpu *pcpu_placed_vcpu(unsigned int cpu);

/* v's CPU is about to enter guest context for v: true (v is now VCPU_RUNNING) only if p is
 * running and v runnable, checked and set under p->lock, so that a stop either sees v in guest
 * context (and kicks it) or v does not enter. */
bool partition_vcpu_enter(struct vcpu *v);

/* v has left guest context: VCPU_OFF, and the stop of its partition completes if it was the
 * last vCPU it waited for. */
void partition_vcpu_left(struct vcpu *v);

/* Console CPU, periodically: kick again the vCPUs of stopping partitions, say once if one has
 * not left after STOP_WARN_MS, and complete stops whose vCPUs are out. */
void partitions_poll(void);

/* Per physical CPU: run whatever vCPU is placed here, forever. */
void pcpu_loop(unsigned int cpu) __attribute__((noreturn));

#endif
