/* unit.h - units: each subsystem with per-partition state registers one struct unit (in the
 * hv_units linker section, DEFINE_UNIT()) with hooks the partition life cycle runs in a fixed
 * order (enum unit_order) and tears down in reverse. A unit owns one slot of its own per
 * partition, reached through unit_slot(). docs/architecture.md, "Units and the partition life
 * cycle". */
#ifndef HV_UNIT_H
#define HV_UNIT_H

#include <stddef.h>
#include <hv/config.h>

struct partition;

/* The order the life cycle runs units in (creation, reset, start); teardown (prestart,
 * prereset, stopped, destroy) runs in reverse. The handle table comes first (its objects are
 * reset before the memory is loaded), the units others build on (vPIC, IOMMU, vPCI) before
 * them, and the units that add handles in the order that gives the numbers bhctl computes
 * offline (channels, managed partitions, then devices). */
enum unit_order {
	UNIT_ORDER_HANDLES = 10,        /* the handle table; its objects' reset operations */
	UNIT_ORDER_MEMORY = 20,         /* memory map, dtb window; at reset: image and tree */
	UNIT_ORDER_VCPUS = 30,          /* vCPUs on their CPUs; at reset: spin table */
	UNIT_ORDER_VPIC = 40,           /* virtual PIC: per-vCPU pending and in-service bits */
	UNIT_ORDER_IOMMU = 50,          /* DMA back ends (init), the partition's DMA domain */
	UNIT_ORDER_VPCI = 60,           /* emulated PCI host controller */
	UNIT_ORDER_BYTE_CHANS = 70,     /* byte channels (init), their handles, the console's */
	UNIT_ORDER_MANAGER = 80,        /* managed-partition handles, state-change doorbells */
	UNIT_ORDER_BYTE_CHAN_IRQS = 90, /* byte channels' interrupts (from the table's top) */
	UNIT_ORDER_DEVICES = 100,       /* assigned devices (handles, interrupts, DMA, PCI) */
	UNIT_ORDER_DEVICE_HCALL = 110,  /* rejected device hypercalls */
	UNIT_ORDER_WATCHDOG = 120,      /* the partition's watchdog */
	UNIT_ORDER_STATS = 130,         /* fault and hypercall counters */
	UNIT_ORDER_ERRMGR = 140,        /* the error manager's handle and doorbell */
};

/* What creation works from: the hardware tree, the config blob and the validated config. */
struct unit_env {
	const void *hw_fdt;
	const void *cfg_fdt;
	const struct hv_config *cfg;
};

/* One subsystem's part in the life cycle; every hook may be NULL.
 *  init             once per config, before any partition is created (global objects)
 *  exit             undo init: the config was refused (an init or a partition_create failed);
 *                   run in reverse for the units whose init succeeded
 *  partition_create build p's objects; a negative error (after undoing its own part) unwinds
 *                   the units before it (their destroy, in reverse)
 *  destroy          undo partition_create (the create of a later unit or partition failed)
 *  prestart         before a start scrubs p: quiesce what the last stop left running
 *                   (defer-dma-disable); an error holds p's memory back
 *  prereset         a stop completes: make p's objects safe before its memory is reused; an
 *                   error holds p's memory back
 *  reset            after the scrub: objects back to their boot state, memory loaded; an error
 *                   and p is not started
 *  start            p is running (its vCPUs released)
 *  stopped          p is stopped (the stop completed)
 * slots points to PART_MAX slots of slot_size bytes (UNIT_SLOTS()); p's slots of every unit
 * are zeroed before the first partition_create and after each destroy; unit_slot() gives
 * p's. */
struct unit {
	const char *name;
	enum unit_order order;
	void *slots;
	size_t slot_size;
	int (*init)(const struct unit_env *env);
	void (*exit)(void);
	int (*partition_create)(struct partition *p, const struct unit_env *env);
	void (*destroy)(struct partition *p);
	int (*prestart)(struct partition *p);
	int (*prereset)(struct partition *p);
	int (*reset)(struct partition *p);
	void (*start)(struct partition *p);
	void (*stopped)(struct partition *p);
};

/* A unit's per-partition storage: a static array of PART_MAX elements. */
#define UNIT_SLOTS(array) .slots = (array), .slot_size = sizeof((array)[0])

/* Define name##_unit and register it in the hv_units section (the framework finds every
 * unit there and sorts them by order; link.ld keeps the section). */
#define DEFINE_UNIT(name_, ...)                                           \
	const struct unit name_##_unit = { .name = #name_, __VA_ARGS__ }; \
	static const struct unit *const name_##_unit_entry                \
		__attribute__((used, section("hv_units"))) = &name_##_unit

/* p's slot of u (p->id is 1..PART_MAX). */
void *unit_slot(const struct partition *p, const struct unit *u);

/* Run every init hook, in order: 0 or the first error (then the rest do not run and the
 * units before it are exited, last first). */
int units_init(const struct unit_env *env);

/* Every exit hook of the units whose init ran, in reverse order (a refused config). */
void units_exit(void);

/* Every partition_create in order; on an error the units already created for p are
 * destroyed in reverse and the error is returned. */
int units_create(struct partition *p, const struct unit_env *env);

/* Every destroy in reverse order. */
void units_destroy(struct partition *p);

/* Every prestart / prereset, in reverse order, all of them: 0 or the first error. */
int units_prestart(struct partition *p);
int units_prereset(struct partition *p);

/* Every reset in order: 0, or the first error (the rest do not run). */
int units_reset(struct partition *p);

/* Every start in order / every stopped in reverse order. */
void units_start(struct partition *p);
void units_stopped(struct partition *p);

/* How many units there are, and the n-th in order (for the shell and tests), or NULL. */
unsigned int units_count(void);
const struct unit *unit_nth(unsigned int n);

#endif
