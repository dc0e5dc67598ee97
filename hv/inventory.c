/* inventory.c - the boot-time summary of the hardware tree: board, CPUs, memory, the SoC
 * register block (CCSR), UARTs, interrupt controller and PCI host bridges with their windows. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/fdt_util.h>
#include <hv/inventory.h>

#define PCI_SPACE(hi)	(((hi) >> 24) & 3)	/* phys.hi "ss" field (PCI binding, 2.2.1.1) */

static const char *size_str(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (u < 4 && size >= 1024 && !(size & 1023)) {
		size >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", size, units[u]);
	return buf;
}

static const char *node_path(const void *fdt, int node, char *buf, int len)
{
	if (fdt_get_path(fdt, node, buf, len))
		snprintf(buf, (size_t)len, "?");
	return buf;
}

static void show_board(const void *fdt)
{
	const char *model = fdt_getprop(fdt, 0, "model", NULL);
	const char *compat = fdt_getprop(fdt, 0, "compatible", NULL);

	hv_printf("board    %s (%s)\n", model ? model : "?", compat ? compat : "?");
}

static void show_cpus(const void *fdt)
{
	int node = hv_nr_cpus ? hv_cpus[0].node : -1;

	if (node < 0) {
		hv_printf("cpus     none found under /cpus\n");
		return;
	}
	hv_printf("cpus     %u x %s  timebase %" PRIu32 " Hz  clock %" PRIu32 " Hz\n", hv_nr_cpus,
		  fdt_get_name(fdt, node, NULL),
		  fdt_get_u32(fdt, node, "timebase-frequency", 0),
		  fdt_get_u32(fdt, node, "clock-frequency", 0));
}

static void show_memory(const void *fdt)
{
	int node;
	char sz[24];

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		struct fdt_region r;

		for (int i = 0; fdt_reg_phys(fdt, node, i, &r) == 0; i++)
			hv_printf("memory   0x%09" PRIx64 "-0x%09" PRIx64 "  %s\n", r.addr,
				  r.addr + r.size - 1, size_str(r.size, sz, sizeof(sz)));
	}
}

/* The SoC register block: a "soc" bus whose first range is CCSR (QorIQ convention). */
static void show_ccsr(const void *fdt)
{
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "soc", 4);
	uint64_t pa;
	char path[128], sz[24];
	int len;
	const fdt32_t *r = node < 0 ? NULL : fdt_getprop(fdt, node, "ranges", &len);
	int cac = node < 0 ? 0 : fdt_child_addr_cells(fdt, node);
	int csc = node < 0 ? 0 : fdt_child_size_cells(fdt, node);
	int pac = fdt_child_addr_cells(fdt, 0);

	if (!r || cac < 0 || csc < 0 || len < 4 * (cac + pac + csc) ||
	    fdt_translate_addr(fdt, node, fdt_read_cells(r, cac), &pa))
		return;
	hv_printf("ccsr     0x%09" PRIx64 "  %s  %s\n", pa,
		  size_str(fdt_read_cells(r + cac + pac, csc), sz, sizeof(sz)),
		  node_path(fdt, node, path, sizeof(path)));
}

static void show_uarts(const void *fdt)
{
	int node;
	char path[128];

	fdt_for_each_compatible(fdt, node, "ns16550") {
		struct fdt_region r;
		int len;
		const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);

		if (fdt_reg_phys(fdt, node, 0, &r))
			continue;
		hv_printf("uart     0x%09" PRIx64 "  irq %-3d  %s%s\n", r.addr,
			  irq && len >= 4 ? (int)fdt32_to_cpu(irq[0]) : -1,
			  node_path(fdt, node, path, sizeof(path)),
			  node == console_node() ? "  (console)" : "");
	}
}

static void show_pic(const void *fdt)
{
	int node;
	char path[128], sz[24];

	fdt_for_each_compatible(fdt, node, "fsl,mpic") {
		struct fdt_region r;

		if (fdt_reg_phys(fdt, node, 0, &r) == 0)
			hv_printf("mpic     0x%09" PRIx64 "  %s  %s\n", r.addr,
				  size_str(r.size, sz, sizeof(sz)),
				  node_path(fdt, node, path, sizeof(path)));
	}
}

/* PCI "ranges": 3-cell PCI address, parent address, 2-cell size (PCI binding 2.2.1.1). */
static void show_pci_windows(const void *fdt, int node)
{
	int len, pac = fdt_child_addr_cells(fdt, fdt_parent_offset(fdt, node));
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	int stride = 3 + pac + 2;
	char sz[24];

	if (!r || pac < 0)
		return;
	for (int i = 0; i + stride <= len / 4; i += stride) {
		unsigned int space = PCI_SPACE(fdt32_to_cpu(r[i]));
		uint64_t bus = fdt_read_cells(r + i + 1, 2);
		uint64_t cpu = fdt_read_cells(r + i + 3, pac);
		uint64_t size = fdt_read_cells(r + i + 3 + pac, 2);

		hv_printf("           %-4s 0x%09" PRIx64 "-0x%09" PRIx64 " -> bus 0x%" PRIx64 "  %s\n",
			  space == 1 ? "io" : space == 3 ? "mem64" : "mem", cpu, cpu + size - 1, bus,
			  size_str(size, sz, sizeof(sz)));
	}
}

static void show_pci(const void *fdt)
{
	int node;
	char path[128];

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "pci", 4); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "pci", 4)) {
		struct fdt_region r;

		if (fdt_reg_phys(fdt, node, 0, &r))
			continue;
		hv_printf("pci      0x%09" PRIx64 "  %s\n", r.addr,
			  node_path(fdt, node, path, sizeof(path)));
		show_pci_windows(fdt, node);
	}
}

void inventory_show(const void *fdt)
{
	show_board(fdt);
	show_cpus(fdt);
	show_memory(fdt);
	show_ccsr(fdt);
	show_uarts(fdt);
	show_pic(fdt);
	show_pci(fdt);
}
