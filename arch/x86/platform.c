/* platform.c - build the core's platform model (<hv/platform.h>) at boot from the hardware
 * tree the boot loader (multiboot or U-Boot, boot/) passed as module 0 (dts/qemu-q35/), then cross-check it against
 * what the machine itself reports: the CPU count against the ACPI MADT, the boot CPU's APIC
 * id, each memory node against the loader's memory map. A mismatch is a platform error naming
 * the node (the core prints it and starts no partition). Runs before the console exists, so
 * it prints nothing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <hv/fdt_util.h>
#include <hv/platform.h>
#include "x86.h"

#define HW_TREE_MAX   0x10000 /* the hardware tree is copied into the image */
#define CONFIG_MAX    0x40000 /* and so is the config */
#define ISA_SPACE_IO  1       /* ISA binding: reg = <space address size>, 1 = I/O */
#define PCI_SPACE(hi) (((hi) >> 24) & 3)
#define COM1_PORT     0x3f8 /* the console when there is no usable tree */
#define MMAP_RAM      1

static struct platform plat;
static uint8_t hw_tree[HW_TREE_MAX] __attribute__((aligned(8)));
static uint8_t config[CONFIG_MAX] __attribute__((aligned(8)));
static char bootargs[MB_CMDLINE_MAX + 32];

static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error(const char *fmt, ...)
{
	va_list ap;

	if (plat.nr_errors == PLAT_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(plat.error[plat.nr_errors++], PLAT_ERROR_LEN, fmt, ap);
	va_end(ap);
}

static void node_path(const void *fdt, int node, char *buf)
{
	if (fdt_get_path(fdt, node, buf, PLAT_PATH_MAX))
		strcpy(buf, "?");
}

static const char *root_string(const void *fdt, const char *prop)
{
	const char *s = fdt_getprop(fdt, 0, prop, NULL);

	return s ? s : "?";
}

/* Module 0 is the hardware tree: copied in whole or refused (an empty tree stands in). */
static const void *load_tree(const struct mb_boot *mb)
{
	const void *src = mb->nr_mods ? (const void *)(uintptr_t)mb->mod[0].start : NULL;
	uint64_t len = mb->nr_mods ? mb->mod[0].end - mb->mod[0].start : 0;

	if (!mb->valid)
		error("not started by multiboot or U-Boot's bootelf: no hardware tree");
	else if (!src)
		error("no hardware tree: pass it as the first %s module (docs/x86.md)", mb->loader);
	else if (len < sizeof(struct fdt_header) || fdt_check_header(src) ||
		 fdt_totalsize(src) > len)
		error("%s module 0 (%s) is not a device tree", mb->loader, mb->mod[0].name);
	else if (fdt_totalsize(src) > HW_TREE_MAX)
		error("the hardware tree is larger than %u bytes", HW_TREE_MAX);
	else {
		memcpy(hw_tree, src, fdt_totalsize(src));
		return hw_tree;
	}
	fdt_create_empty_tree(hw_tree, sizeof(hw_tree));
	return hw_tree;
}

/* CPUs: children of /cpus with device_type = "cpu"; reg is the local APIC id. Their time
 * base is the TSC, measured at boot (time.c). */
static void find_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	if (cpus < 0)
		return;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		struct plat_cpu *c = &plat.cpu[plat.nr_cpus];

		if (!type || strcmp(type, "cpu"))
			continue;
		if (plat.nr_cpus == PLAT_MAX_CPUS) {
			plat.cpus_dropped = true;
			break;
		}
		c->hw_id = fdt_get_u32(fdt, node, "reg", plat.nr_cpus);
		c->timebase_hz = (uint32_t)x86_tsc_hz();
		c->clock_hz = fdt_get_u32(fdt, node, "clock-frequency", 0);
		c->name = fdt_get_name(fdt, node, NULL);
		c->hw_ref = node;
		c->start = PLAT_START_INIT_SIPI; /* the one way on x86 (smp.c) */
		plat.nr_cpus++;
	}
}

static void find_ram(const void *fdt)
{
	int node;

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		struct fdt_region r;

		for (int i = 0; plat.nr_ram < PLAT_MAX_RAM && fdt_reg_phys(fdt, node, i, &r) == 0;
		     i++)
			plat.ram[plat.nr_ram++] = (struct plat_range){ r.addr, r.size };
	}
}

static struct plat_memlike *add_memlike(const void *fdt, int node, const char *label)
{
	struct fdt_region r;
	struct plat_memlike *m;

	if (plat.nr_memlike == PLAT_MAX_MEMLIKE || fdt_reg_phys(fdt, node, 0, &r))
		return NULL;
	m = &plat.memlike[plat.nr_memlike++];
	*m = (struct plat_memlike){ .label = label, .range = { r.addr, r.size }, .show = true };
	node_path(fdt, node, m->path);
	return m;
}

/* UARTs on the ISA bus: reg = <1 port size> is port I/O, <0 address size> memory. */
static int add_uart(const void *fdt, int node)
{
	struct plat_uart *u = &plat.uart[plat.nr_uarts];
	const fdt32_t *reg, *irq;
	int len, ilen;

	reg = fdt_getprop(fdt, node, "reg", &len);
	irq = fdt_getprop(fdt, node, "interrupts", &ilen);
	if (plat.nr_uarts == PLAT_MAX_UARTS || !reg || len != 12)
		return PLAT_NO_UART;
	*u = (struct plat_uart){
		.kind = PLAT_UART_NS16550,
		.hw_ref = node,
		.io = fdt32_to_cpu(reg[0]) == ISA_SPACE_IO ? PLAT_IO_PORT : PLAT_IO_MMIO,
		.base = fdt32_to_cpu(reg[1]),
		.size = fdt32_to_cpu(reg[2]),
		.reg_shift = fdt_get_u32(fdt, node, "reg-shift", 0),
		.irq = irq && ilen >= 4 ? (int)fdt32_to_cpu(irq[0]) : PLAT_NO_IRQ
	};
	node_path(fdt, node, u->path);
	return (int)plat.nr_uarts++;
}

static void find_uarts(const void *fdt)
{
	int node, con = fdt_stdout_node(fdt);

	plat.console = PLAT_NO_UART;
	fdt_for_each_compatible(fdt, node, "ns16550a")
	{
		int i = add_uart(fdt, node);

		if (i < 0)
			continue;
		plat.uart[i].shown = true;
		if (node == con)
			plat.console = i;
	}
}

/* Without a usable tree the console is COM1, so that the errors can be read. */
static void fallback_console(void)
{
	if (plat.console >= 0 || plat.nr_uarts == PLAT_MAX_UARTS)
		return;
	plat.uart[plat.nr_uarts] = (struct plat_uart){ .kind = PLAT_UART_NS16550,
						       .io = PLAT_IO_PORT,
						       .base = COM1_PORT,
						       .size = 8,
						       .irq = PLAT_NO_IRQ,
						       .path = "(COM1, built in)",
						       .hw_ref = -1 };
	plat.console = (int)plat.nr_uarts++;
}

static void find_irqchip(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "intel,ioapic");
	struct fdt_region r;

	if (node < 0 || fdt_reg_phys(fdt, node, 0, &r))
		return;
	plat.irqchip = (struct plat_irqchip){ .kind = PLAT_IRQCHIP_IOAPIC,
					      .label = "ioapic",
					      .regs = { r.addr, r.size } };
	node_path(fdt, node, plat.irqchip.path);
}

/* PCI "ranges": 3-cell PCI address, 2-cell parent address, 2-cell size. */
static void pci_windows(const void *fdt, int node, struct plat_pci *b)
{
	int len;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);

	if (!r)
		return;
	for (int i = 0; i + 7 <= len / 4 && b->nr_windows < PLAT_MAX_PCI_WINDOWS; i += 7)
		b->window[b->nr_windows++] = (struct plat_pci_window){
			.space = PCI_SPACE(fdt32_to_cpu(r[i])),
			.bus = fdt_read_cells(r + i + 1, 2),
			.cpu = fdt_read_cells(r + i + 3, 2),
			.size = fdt_read_cells(r + i + 5, 2),
		};
}

/* PCI Express host bridges: reg is the ECAM window (PCI Firmware Spec 3.2, MCFG). */
static void find_pci(const void *fdt)
{
	int node;

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "pci", 4);
	     node >= 0 && plat.nr_pci < PLAT_MAX_PCI;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "pci", 4)) {
		struct plat_pci *b = &plat.pci[plat.nr_pci];
		struct fdt_region r;

		if (fdt_reg_phys(fdt, node, 0, &r))
			continue;
		*b = (struct plat_pci){ .regs = { r.addr, r.size }, .hw_ref = node };
		node_path(fdt, node, b->path);
		pci_windows(fdt, node, b);
		plat.nr_pci++;
	}
}

/* VT-d remapping units (shown by the inventory) and the local APICs' register block. */
static void find_iommus_lapic(const void *fdt)
{
	int node;

	fdt_for_each_compatible(fdt, node, "intel,vtd")
	{
		struct fdt_region r;

		if (plat.nr_iommus == PLAT_MAX_IOMMUS || fdt_reg_phys(fdt, node, 0, &r))
			continue;
		plat.iommu[plat.nr_iommus++] = (struct plat_iommu){ { r.addr, r.size }, node };
		add_memlike(fdt, node, "vt-d");
	}
	node = fdt_node_offset_by_compatible(fdt, -1, "intel,lapic");
	if (node >= 0)
		add_memlike(fdt, node, "lapic");
}

/* A second module is the config: copied into the image, as the loader may have put it in
 * memory a partition gets (GRUB places modules itself). 0 or the error already recorded. */
static uint64_t load_config(const struct mb_boot *mb)
{
	uint64_t len = mb->mod[1].end - mb->mod[1].start;

	if (len > CONFIG_MAX) {
		error("%s module 1 (the config, %s) is larger than %u bytes", mb->loader,
		      mb->mod[1].name, CONFIG_MAX);
		return 0;
	}
	memcpy(config, (const void *)(uintptr_t)mb->mod[1].start, len);
	return (uint64_t)(uintptr_t)config;
}

/* The loader's command line, plus config-addr= of the config module unless the command line
 * names one. */
static void make_bootargs(const struct mb_boot *mb)
{
	size_t n = strlen(mb->cmdline);
	uint64_t cfg;

	memcpy(bootargs, mb->cmdline, n + 1);
	if (mb->nr_mods > 1 && !strstr(bootargs, "config-addr=") && (cfg = load_config(mb)))
		snprintf(bootargs + n, sizeof(bootargs) - n, "%sconfig-addr=0x%llx", n ? " " : "",
			 (unsigned long long)cfg);
	plat.bootargs = bootargs;
	plat.bootargs_len = strlen(bootargs);
}

/* ---- cross-checks against the machine ---- */

static void check_cpus(const void *fdt)
{
	int madt = acpi_madt_cpus(), cpus = fdt_path_offset(fdt, "/cpus");
	uint32_t boot_id = lapic_id();

	if (cpus < 0) {
		error("/cpus: missing from the hardware tree");
		return;
	}
	if (madt < 0)
		error("/cpus: no ACPI MADT to check the %u CPUs against", plat.nr_cpus);
	else if ((unsigned int)madt != plat.nr_cpus)
		error("/cpus: %u CPUs described, the ACPI MADT lists %d", plat.nr_cpus, madt);
	if (plat.nr_cpus && plat.cpu[0].hw_id != boot_id) {
		char path[PLAT_PATH_MAX];

		node_path(fdt, plat.cpu[0].hw_ref, path);
		error("%s: reg %u is not the boot CPU's APIC id %u", path, plat.cpu[0].hw_id,
		      boot_id);
	}
}

static bool in_ram_map(const struct mb_boot *mb, uint64_t base, uint64_t size)
{
	for (unsigned int i = 0; i < mb->nr_mmap; i++) {
		const struct mb_range *m = &mb->mmap[i];

		if (m->type == MMAP_RAM && base >= m->base && base + size <= m->base + m->size)
			return true;
	}
	return false;
}

/* Every range of every memory node must be RAM in the loader's memory map. */
static void check_memory(const void *fdt, const struct mb_boot *mb)
{
	int node;

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		char path[PLAT_PATH_MAX];
		struct fdt_region r;

		node_path(fdt, node, path);
		if (!mb->nr_mmap) {
			error("%s: the boot loader passed no memory map to check it against", path);
			continue;
		}
		for (int i = 0; fdt_reg_phys(fdt, node, i, &r) == 0; i++)
			if (!in_ram_map(mb, r.addr, r.size))
				error("%s: 0x%llx-0x%llx is not RAM in the boot loader's memory map",
				      path, (unsigned long long)r.addr,
				      (unsigned long long)(r.addr + r.size - 1));
	}
}

/* Every PCI host bridge's ECAM window (reg) must be where the MCFG says segment 0's is: the
 * firmware chose it (SeaBIOS 0xb0000000, U-Boot 0xe0000000), so each has its own tree. */
static void check_pci(void)
{
	for (unsigned int i = 0; i < plat.nr_pci; i++) {
		const struct plat_pci *b = &plat.pci[i];
		uint64_t base;

		if (acpi_mcfg_base(0, &base))
			error("%s: no ACPI MCFG entry to check the ECAM window against", b->path);
		else if (base != b->regs.base)
			error("%s: ECAM window 0x%llx, the ACPI MCFG says 0x%llx", b->path,
			      (unsigned long long)b->regs.base, (unsigned long long)base);
	}
}

const struct platform *x86_platform_build(const struct mb_boot *mb)
{
	const void *fdt = load_tree(mb);
	bool described = !plat.nr_errors;

	plat.hw_tree = fdt;
	plat.model = root_string(fdt, "model");
	plat.compatible = root_string(fdt, "compatible");
	find_cpus(fdt);
	find_ram(fdt);
	find_iommus_lapic(fdt);
	find_uarts(fdt);
	fallback_console();
	find_irqchip(fdt);
	find_pci(fdt);
	make_bootargs(mb);
	if (described) {
		check_cpus(fdt);
		check_memory(fdt, mb);
		check_pci();
	}
	return &plat;
}
