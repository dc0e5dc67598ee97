/* platform.h - the core's model of the machine: CPUs and how to start them, RAM, the console
 * UART and how to reach it, the interrupt controller, IOMMUs, PCI host bridges and
 * memory-like regions. The architecture builds it once at boot from its hardware description
 * (arch/<arch>/platform.c: the firmware device tree on PowerPC, ACPI tables on x86) before
 * calling hv_main(); the core reaches hardware only through it and the arch hooks take its
 * objects. hw_tree/hw_ref name the description a config refers to (hardware paths): the config
 * checker and the guest-tree builder read it, nothing else in the core does. */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_MAX_CPUS        8 /* = HV_NR_CPUS (<hv/cpu.h>) */
#define PLAT_MAX_RAM         8
#define PLAT_MAX_UARTS       4
#define PLAT_MAX_PCI         4
#define PLAT_MAX_PCI_WINDOWS 4
#define PLAT_MAX_IOMMUS      4
#define PLAT_MAX_MEMLIKE     4
#define PLAT_PATH_MAX        128
#define PLAT_MAX_ERRORS      8
#define PLAT_ERROR_LEN       160
#define PLAT_NO_IRQ          (-1)

/* A physical address range. */
struct plat_range {
	uint64_t base;
	uint64_t size;
};

/* How the hypervisor releases a secondary CPU (the firmware's enable-method). */
enum plat_cpu_start {
	PLAT_START_NONE = 0,   /* no method the hypervisor knows */
	PLAT_START_SPIN_TABLE, /* ePAPR spin table at release_addr */
	PLAT_START_INIT_SIPI,  /* x86: INIT and startup IPIs to hw_id */
};

/* One physical CPU, in the order of the description (the first is the boot CPU). */
struct plat_cpu {
	uint32_t hw_id; /* id for IPIs and interrupt routing (PIR, APIC id) */
	enum plat_cpu_start start;
	bool release_ok;       /* spin table: release_addr was given and well formed */
	uint64_t release_addr; /* spin table entry (CPU physical) */
	uint32_t timebase_hz, clock_hz;
	const char *name; /* for messages ("PowerPC,8544@0") */
	int hw_ref;       /* its node in hw_tree */
};

/* How a register block is reached: memory-mapped, or in the CPU's port-I/O space. */
enum plat_io {
	PLAT_IO_MMIO = 0,
	PLAT_IO_PORT,
};

/* UART register layouts the core has a driver for. */
enum plat_uart_kind {
	PLAT_UART_UNKNOWN = 0,
	PLAT_UART_NS16550,
};

/* A UART; the console is the one the firmware names for output. */
struct plat_uart {
	enum plat_uart_kind kind;
	enum plat_io io;
	uint64_t base, size;    /* MMIO physical or port number */
	unsigned int reg_shift; /* register i at base + (i << reg_shift) */
	int irq;                /* controller source, PLAT_NO_IRQ */
	bool shown;             /* listed by the inventory */
	char path[PLAT_PATH_MAX];
	int hw_ref;
};

/* Interrupt controllers the core's virtual PIC can sit on. */
enum plat_irqchip_kind {
	PLAT_IRQCHIP_NONE = 0,
	PLAT_IRQCHIP_MPIC,   /* Freescale MPIC (PowerPC) */
	PLAT_IRQCHIP_IOAPIC, /* Intel I/O APIC (x86) */
};

struct plat_irqchip {
	enum plat_irqchip_kind kind;
	const char *label; /* inventory label ("mpic") */
	struct plat_range regs;
	char path[PLAT_PATH_MAX];
};

/* An outbound window of a PCI host bridge: CPU [cpu, cpu + size) -> bus [bus, ...). */
#define PLAT_PCI_IO    1 /* space codes of the PCI bus binding (phys.hi "ss") */
#define PLAT_PCI_MEM32 2
#define PLAT_PCI_MEM64 3
struct plat_pci_window {
	unsigned int space; /* PLAT_PCI_*, 0 = configuration */
	uint64_t cpu, bus, size;
};

/* A PCI host bridge the hypervisor owns (configuration cycles through the arch). */
struct plat_pci {
	struct plat_range regs;
	unsigned int nr_windows;
	struct plat_pci_window window[PLAT_MAX_PCI_WINDOWS];
	char path[PLAT_PATH_MAX];
	int hw_ref;
};

/* A DMA translation unit (PAMU on QorIQ, VT-d on x86). */
struct plat_iommu {
	struct plat_range regs;
	int hw_ref;
};

/* Memory-like regions that are not RAM (flash, SoC register blocks shown by the inventory). */
struct plat_memlike {
	const char *label; /* "ccsr", "flash" */
	struct plat_range range;
	bool show; /* printed by the inventory */
	char path[PLAT_PATH_MAX];
};

/* The machine. */
struct platform {
	const char *model, *compatible; /* board name and its compatible ("?" unknown) */
	unsigned int nr_cpus;
	bool cpus_dropped; /* more CPUs than PLAT_MAX_CPUS were described */
	struct plat_cpu cpu[PLAT_MAX_CPUS];
	unsigned int nr_ram;
	struct plat_range ram[PLAT_MAX_RAM];
	unsigned int nr_uarts;
	struct plat_uart uart[PLAT_MAX_UARTS];
	int console; /* index into uart[], PLAT_NO_UART: none usable */
#define PLAT_NO_UART (-1)
	struct plat_irqchip irqchip;
	unsigned int nr_pci;
	struct plat_pci pci[PLAT_MAX_PCI];
	unsigned int nr_iommus;
	struct plat_iommu iommu[PLAT_MAX_IOMMUS];
	unsigned int nr_memlike;
	struct plat_memlike memlike[PLAT_MAX_MEMLIKE];
	uint64_t reset_regs;  /* board reset register block, 0 = none known */
	const char *bootargs; /* the boot loader's command line, NULL = none */
	size_t bootargs_len;  /* its bytes (words end at a space or a NUL) */
	const void *hw_tree;  /* the description (FDT) config paths refer to */
	/* Where the description disagrees with what the machine reports (x86: ACPI, the boot
	 * loader's memory map), one message each naming the node; any error and the core starts
	 * no partition. */
	unsigned int nr_errors;
	char error[PLAT_MAX_ERRORS][PLAT_ERROR_LEN];
};

/* The platform the hypervisor booted on (set by hv_main()). */
extern const struct platform *hv_platform;

/* The RAM range holding addr: bytes from addr to its end, 0 when addr is not in RAM. */
uint64_t platform_ram_room(const struct platform *plat, uint64_t addr);

/* The PCI host bridge whose description node is hw_ref, or NULL. */
const struct plat_pci *platform_pci_by_ref(const struct platform *plat, int hw_ref);

/* The console UART, or NULL. */
const struct plat_uart *platform_console(const struct platform *plat);

#endif
