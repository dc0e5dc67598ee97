/* config.h - the partition configuration model, its parser and its validator.
 *
 * One implementation, two homes: the hypervisor validates the config tree at boot with it and
 * the host tool bhctl uses it for "bhctl config check|explain|map". docs/config.md is the schema.
 *
 * The model refers to nodes of the two trees by offset, so both blobs must outlive it.
 * Every list has a fixed maximum (no allocation); indexes link the entities together.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define CFG_VERSION           1 /* "bulkhead,config-1" */
#define CFG_MAX_PARTITIONS    64
#define CFG_MAX_CPUS          64 /* CPU ids 0..63 (the hardware tree's /cpus reg values) */
#define CFG_MAX_PMAS          256
#define CFG_MAX_GPMAS         256 /* guest memory mappings, all partitions together */
#define CFG_MAX_DEVICES       256 /* device assignments, hypervisor's included */
#define CFG_MAX_DMA_WINDOWS   64
#define CFG_MAX_BYTE_CHANNELS 256
#define CFG_MAX_MUXES         8
#define CFG_MAX_DOORBELLS     64
#define CFG_MAX_DBELL_ENDS    256
#define CFG_MAX_MANAGERS      128
#define CFG_MAX_GDB_STUBS     32
#define CFG_MAX_ERR_MGRS      8         /* error-manager nodes, one per partition at most */
#define CFG_MAX_RAM           8         /* RAM regions read from the hardware tree */
#define CFG_MAX_ROM           16        /* memory-like regions (flash, SRAM) of the hardware tree */
#define CFG_MAX_SUBWIN_COUNT  16        /* subwindow-count: 2..16, 2^n (the PAMU back end) */
#define CFG_MAX_SUBWINDOWS    64        /* dma-subwindow nodes, all windows together */
#define CFG_LABEL_MAX         32        /* including the terminating NUL */
#define CFG_PAGE_SIZE         0x1000ull /* smallest e500 TLB page: 4 KiB * 4^n */
#define CFG_WATCHDOG_MAX_MS   3600000u

#define CFG_OWNER_HV (-2) /* owner index of things the hypervisor keeps */
#define CFG_NONE     (-1) /* "no entity" in any index field */

/* Error codes of the config API (negative). */
#define CFG_ERR_INVALID 1 /* the config has errors, all reported */
#define CFG_ERR_BLOB    2 /* a blob is not a usable flattened device tree */
#define CFG_ERR_FULL    3 /* a fixed maximum of this header was exceeded */

/* An address range: [base, base + size). */
struct cfg_range {
	uint64_t base;
	uint64_t size;
};

/* A physical memory area (compatible "phys-mem-area"): RAM handed out by the config. */
struct cfg_pma {
	int node;              /* config tree offset */
	struct cfg_range phys; /* addr, size */
	bool shared;           /* bulkhead,shared, or mapped by several partitions */
	bool implicit_share;   /* shared by mapping alone, without bulkhead,shared */
	bool zero;             /* zero-pma: zeroed once when the hypervisor boots */
	bool hv;               /* referenced by hv-config/hv-memory */
};

/* A guest-phys-mem-area: one partition's mapping of a PMA at a guest address. */
struct cfg_gpma {
	int node;
	int part;       /* owning partition */
	int pma;        /* index into pma[] */
	uint64_t guest; /* guest physical base (size is the PMA's) */
};

/* An IOMMU window (compatible "dma-window"): guest range a device may DMA to. */
struct cfg_dma_window {
	int node;
	struct cfg_range guest;   /* size a power of two, base aligned to it */
	uint32_t subwindow_count; /* subwindow-count: 0 = one window; else 2..16, 2^n */
	int nr_subwindows;        /* dma-subwindow children: the only mapped parts */
	int first_subwindow;      /* their index in hv_config.subwindow[] */
};

/* A dma-subwindow child of a sub-windowed dma-window: slot (guest - window base) / slot
 * size is mapped for guest [guest, guest + size); the window's other slots are not. */
struct cfg_subwindow {
	int node;
	int window;             /* index into dma_window[] */
	struct cfg_range guest; /* aligned to the slot size; size 2^n, <= slot size */
	bool pcie_msi;          /* pcie-msi-subwindow: the PCI controller's MSI bank */
};

/* claimable = "active" | "standby" (Topaz failover): who holds a device several partitions
 * are given. The active one has it at boot; a standby one takes it with FH_CLAIM_DEVICE
 * once the holder is stopped. */
enum cfg_claim {
	CFG_CLAIM_NONE, /* not claimable: the device has one owner */
	CFG_CLAIM_ACTIVE,
	CFG_CLAIM_STANDBY,
};

/* A hardware device given to a partition or kept by the hypervisor. */
struct cfg_device {
	int node;       /* config tree node with the "device" property */
	int hw_node;    /* resolved node in the hardware tree */
	int owner;      /* partition index or CFG_OWNER_HV */
	int dma_window; /* index into dma_window[] or CFG_NONE */
	bool no_dma_disable;
	bool no_dma;              /* PCI function that never masters (DMA_ENABLE refused) */
	bool map_ranges;          /* map-ranges (Topaz): its ranges windows mapped too */
	int node_update;          /* config offset of its node-update child, or -1 */
	const char *device;       /* the "device" string, path or alias (points into blob) */
	int pci_function;         /* pci-function = <dev fn>: dev << 3 | fn on bus 0 of the
					 * host bridge "device" names, or CFG_NONE (issue 5) */
	enum cfg_claim claimable; /* claimable (failover, docs/devices.md) */
};

/* Where a byte channel's other end is. */
enum cfg_bc_peer {
	CFG_BC_UNCONNECTED, /* filled in by whoever names this channel */
	CFG_BC_CHANNEL,     /* another byte channel: peer is its index */
	CFG_BC_MUX,         /* a byte-channel-mux: peer is its index */
};

/* A byte channel (compatible "byte-channel"), owned by a partition or the hypervisor. */
struct cfg_byte_channel {
	int node;
	int owner; /* partition index or CFG_OWNER_HV */
	enum cfg_bc_peer peer_kind;
	int peer;
	uint32_t mux_channel; /* valid when peer_kind == CFG_BC_MUX */
};

/* A byte-channel-mux: multiplexes channels over a device the hypervisor owns. */
struct cfg_mux {
	int node;
	int device; /* index into device[] (owner CFG_OWNER_HV) */
};

/* A global doorbell (compatible "doorbell") and its send/receive ends in partitions. */
struct cfg_doorbell {
	int node;
	int senders;
	int receivers;
};

struct cfg_dbell_end {
	int node;
	int part;
	int doorbell; /* index into doorbell[] */
	bool send;    /* send-doorbell (true) or receive-doorbell */
};

/* "managed-partition": partition manager may start/stop/restart partition managed. */
struct cfg_manager {
	int node;
	int manager;
	int managed;
};

/* A partition's gdb-stub node (Topaz binding, docs/gdb.md): a GDB remote-protocol stub for
 * vCPUs [first_vcpu, first_vcpu + nr_vcpus) on channel mux_channel of a byte-channel-mux. */
struct cfg_gdb_stub {
	int node;
	int part;
	int mux;                       /* endpoint: index into mux[] */
	uint32_t mux_channel;          /* UINT32_MAX until read */
	uint32_t first_vcpu, nr_vcpus; /* debug-cpus = <first count>; nr_vcpus 0: every vCPU */
	bool wait_at_start; /* gdb-wait-at-start: vCPU 0 halts at its first instruction */
};

/* A partition's error-manager node (Topaz binding): the partition that holds it receives the
 * hardware errors the hypervisor sees (FH_ERR_GET_INFO) and a doorbell for each. Several
 * partitions may name one with claimable = "active" / "standby" (failover of the manager). */
struct cfg_error_manager {
	int node;
	int part;
	uint32_t vcpu; /* vCPU of part the doorbell is aimed at */
	enum cfg_claim claimable;
};

/* What the hypervisor does when a partition's watchdog expires. */
enum cfg_watchdog_action {
	CFG_WATCHDOG_RESET,  /* restart the partition (default) */
	CFG_WATCHDOG_STOP,   /* stop it */
	CFG_WATCHDOG_NOTIFY, /* report it on the console (and to managers) only */
};

/* A partition (compatible "partition"). The lists it owns are found by their part field. */
struct cfg_partition {
	int node;
	char label[CFG_LABEL_MAX]; /* "label" or, when absent, the node name */
	uint64_t cpus;             /* bit n: hardware CPU n */
	bool has_image;
	uint64_t image_src;   /* guest-image: physical source address */
	uint64_t image_guest; /*              guest load address (= entry point) */
	uint64_t image_size;  /*              bytes to copy */
	bool has_rootfs;
	struct cfg_range rootfs_src; /* linux-rootfs (Topaz): physical source, size; */
	uint64_t rootfs_guest;       /*   copied as is to guest, named in /chosen */
	bool has_dtb_window;
	struct cfg_range dtb_window; /* guest range the guest device tree goes to */
	bool no_auto_start;
	bool no_dma_disable;
	bool defer_dma_disable;   /* DMA left running at a stop until STOP_DMA or a start */
	bool guest_debug_disable; /* guest-debug-disable (Topaz): recorded, docs/config.md */
	uint32_t watchdog_ms;     /* watchdog-timeout, 0 = no watchdog */
	enum cfg_watchdog_action watchdog_action; /* bulkhead,watchdog-action */
	int node_update; /* config offset of the partition's node-update, or -1 */
	int aliases;     /* config offset of the partition's aliases node, or -1 */
};

/* Hypervisor-wide settings (compatible "hv-config"). */
struct cfg_hv {
	int node;
	int memory_pma; /* hv-memory's PMA, CFG_NONE if missing */
	int stdout_bc;  /* stdout as a byte channel index, or CFG_NONE */
	int stdout_dev; /* stdout as a device index, or CFG_NONE */
	bool watchdog_enable;
	bool sysreset_on_stop; /* sysreset-on-partition-stop: reset the system once no
					 * partition is running any more */
};

/* What the validator learned from the hardware tree. */
struct cfg_hw {
	int nr_ram;
	struct cfg_range ram[CFG_MAX_RAM];
	int nr_rom;
	struct cfg_range rom[CFG_MAX_ROM]; /* memory-like nodes (flash, SRAM): image sources */
	int rom_node[CFG_MAX_ROM];         /* their hardware tree offsets */
	bool has_pamu;                     /* the tree has a PAMU (sub-windowed DMA windows work) */
	uint64_t cpus;                     /* bit n: /cpus has a cpu with reg = n */
	int nr_cpus;
};

/* The whole configuration. */
struct hv_config {
	int version;
	struct cfg_hv hv;
	struct cfg_hw hw;
	int nr_parts, nr_pmas, nr_gpmas, nr_devices, nr_dma_windows;
	int nr_bcs, nr_muxes, nr_doorbells, nr_dbell_ends, nr_managers, nr_gdb_stubs;
	int nr_err_mgrs;
	int nr_subwindows;
	struct cfg_partition part[CFG_MAX_PARTITIONS];
	struct cfg_pma pma[CFG_MAX_PMAS];
	struct cfg_gpma gpma[CFG_MAX_GPMAS];
	struct cfg_device device[CFG_MAX_DEVICES];
	struct cfg_dma_window dma_window[CFG_MAX_DMA_WINDOWS];
	struct cfg_subwindow subwindow[CFG_MAX_SUBWINDOWS];
	struct cfg_byte_channel bc[CFG_MAX_BYTE_CHANNELS];
	struct cfg_mux mux[CFG_MAX_MUXES];
	struct cfg_doorbell doorbell[CFG_MAX_DOORBELLS];
	struct cfg_dbell_end dbell_end[CFG_MAX_DBELL_ENDS];
	struct cfg_manager manager[CFG_MAX_MANAGERS];
	struct cfg_gdb_stub gdb_stub[CFG_MAX_GDB_STUBS];
	struct cfg_error_manager err_mgr[CFG_MAX_ERR_MGRS];
};

/* Called once per error. node_path is the config node ("/" for blob errors), prop the property
 * or NULL, msg one line without a trailing newline. */
typedef void (*config_report_fn)(void *ctx, const char *node_path, const char *prop,
				 const char *msg);

/* Validate both blobs and build the model. cfg_blob may be at most max_size bytes long.
 * Returns the number of errors reported (0 = valid, out is complete). */
int config_load(const void *hw_fdt, const void *cfg_blob, size_t max_size, struct hv_config *out,
		config_report_fn report, void *ctx);

/* Where config_load() sends warnings (a config that is valid but may not mean what it says,
 * e.g. an area shared by mapping alone): same arguments as the error report. NULL (the
 * default) drops them. Not reentrant, like config_load(). */
void config_set_warning_handler(config_report_fn warn, void *ctx);

/* Blob-level checks only (header, block bounds, structure); errors reported against "/".
 * Returns the number of errors (0 or 1). Used by config_load for both trees. */
int config_check_blob(const void *blob, size_t max_size, config_report_fn report, void *ctx);

/* Helpers for consumers of the model. */
const char *config_owner_name(const struct hv_config *cfg, int owner);
uint64_t config_gpma_size(const struct hv_config *cfg, int gpma);
const char *config_claim_name(enum cfg_claim k); /* "active", "standby", "none" */

/* Write a CPU mask as ranges ("0-3,6", "none" when empty) into buf. */
void config_format_cpus(uint64_t mask, char *buf, size_t len);

#endif
