/* platform.c - build the core's platform model (<hv/platform.h>) once at boot from the
 * firmware device tree the boot loader passed (ePAPR 1.1: /cpus with spin-table enable
 * methods, memory nodes, /chosen, the QorIQ SoC bus and its devices). Runs before the console
 * exists, so it prints nothing: what is missing is left empty and reported by the core. */
#include <string.h>
#include <libfdt.h>
#include <hv/fdt_util.h>
#include <hv/platform.h>
#include "powerpc.h"

#define PCI_SPACE(hi) (((hi) >> 24) & 3) /* phys.hi "ss" field (PCI binding, 2.2.1.1) */

static struct platform plat;

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

/* ePAPR 5.5: enable-method "spin-table" with a 2-cell cpu-release-addr. */
static void cpu_start_method(const void *fdt, int node, struct plat_cpu *c)
{
	const char *method = fdt_getprop(fdt, node, "enable-method", NULL);
	const fdt32_t *rel;
	int len;

	if (!method || strcmp(method, "spin-table"))
		return;
	c->start = PLAT_START_SPIN_TABLE;
	rel = fdt_getprop(fdt, node, "cpu-release-addr", &len);
	if (!rel || len != 8)
		return;
	c->release_ok = true;
	c->release_addr = fdt_read_cells(rel, 2);
}

/* CPUs are the children of /cpus with device_type = "cpu", in tree order. */
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
		c->timebase_hz = fdt_get_u32(fdt, node, "timebase-frequency", 0);
		c->clock_hz = fdt_get_u32(fdt, node, "clock-frequency", 0);
		c->name = fdt_get_name(fdt, node, NULL);
		c->hw_ref = node;
		cpu_start_method(fdt, node, c);
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

static struct plat_memlike *add_memlike(const char *label, uint64_t base, uint64_t size)
{
	struct plat_memlike *m;

	if (plat.nr_memlike == PLAT_MAX_MEMLIKE)
		return NULL;
	m = &plat.memlike[plat.nr_memlike++];
	*m = (struct plat_memlike){ .label = label, .range = { base, size } };
	return m;
}

/* The SoC register block: a "soc" bus whose first range is CCSR (QorIQ convention). */
static void find_ccsr(const void *fdt)
{
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "soc", 4);
	int len, cac, csc, pac = fdt_child_addr_cells(fdt, 0);
	const fdt32_t *r = node < 0 ? NULL : fdt_getprop(fdt, node, "ranges", &len);
	struct plat_memlike *m;
	uint64_t pa;

	if (!r)
		return;
	cac = fdt_child_addr_cells(fdt, node);
	csc = fdt_child_size_cells(fdt, node);
	if (cac < 0 || csc < 0 || len < 4 * (cac + pac + csc) ||
	    fdt_translate_addr(fdt, node, fdt_read_cells(r, cac), &pa))
		return;
	m = add_memlike("ccsr", pa, fdt_read_cells(r + cac + pac, csc));
	if (m) {
		m->show = true;
		node_path(fdt, node, m->path);
	}
}

static void find_flash(const void *fdt)
{
	int node;

	fdt_for_each_compatible(fdt, node, "cfi-flash")
	{
		struct fdt_region r;
		struct plat_memlike *m;

		if (fdt_reg_phys(fdt, node, 0, &r))
			continue;
		m = add_memlike("flash", r.addr, r.size);
		if (m)
			node_path(fdt, node, m->path);
	}
}

static const char *const ns16550_compat[] = { "ns16550", "ns16550a", "ns8250", NULL };

static enum plat_uart_kind uart_kind(const void *fdt, int node)
{
	for (const char *const *c = ns16550_compat; *c; c++)
		if (fdt_node_is_compatible(fdt, node, *c))
			return PLAT_UART_NS16550;
	return PLAT_UART_UNKNOWN;
}

static int add_uart(const void *fdt, int node)
{
	struct plat_uart *u = &plat.uart[plat.nr_uarts];
	struct fdt_region r;
	int len;
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);

	if (plat.nr_uarts == PLAT_MAX_UARTS || fdt_reg_phys(fdt, node, 0, &r))
		return PLAT_NO_UART;
	*u = (struct plat_uart){ .kind = uart_kind(fdt, node),
				 .io = PLAT_IO_MMIO,
				 .base = r.addr,
				 .size = r.size,
				 .hw_ref = node,
				 .reg_shift = fdt_get_u32(fdt, node, "reg-shift", 0),
				 .irq = irq && len >= 4 ? (int)fdt32_to_cpu(irq[0]) : PLAT_NO_IRQ };
	node_path(fdt, node, u->path);
	return (int)plat.nr_uarts++;
}

/* The inventory lists the "ns16550" UARTs; the console is the stdout-path node (listed too
 * when it is one of them). */
static void find_uarts(const void *fdt)
{
	int node, con = fdt_stdout_node(fdt);

	plat.console = PLAT_NO_UART;
	fdt_for_each_compatible(fdt, node, "ns16550")
	{
		int i = add_uart(fdt, node);

		if (i >= 0)
			plat.uart[i].shown = true;
		if (i >= 0 && node == con)
			plat.console = i;
	}
	if (con >= 0 && plat.console < 0 && uart_kind(fdt, con) != PLAT_UART_UNKNOWN)
		plat.console = add_uart(fdt, con);
}

static void find_irqchip(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "fsl,mpic");
	struct fdt_region r;

	if (node < 0 || fdt_reg_phys(fdt, node, 0, &r))
		return;
	plat.irqchip = (struct plat_irqchip){ .kind = PLAT_IRQCHIP_MPIC,
					      .label = "mpic",
					      .regs = { r.addr, r.size } };
	node_path(fdt, node, plat.irqchip.path);
}

/* PCI "ranges": 3-cell PCI address, parent address, 2-cell size (PCI binding 2.2.1.1). */
static void pci_windows(const void *fdt, int node, struct plat_pci *b)
{
	int len, pac = fdt_child_addr_cells(fdt, fdt_parent_offset(fdt, node));
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	int stride = 3 + pac + 2;

	if (!r || pac < 1 || pac > 2)
		return;
	for (int i = 0; i + stride <= len / 4 && b->nr_windows < PLAT_MAX_PCI_WINDOWS; i += stride)
		b->window[b->nr_windows++] = (struct plat_pci_window){
			.space = PCI_SPACE(fdt32_to_cpu(r[i])),
			.bus = fdt_read_cells(r + i + 1, 2),
			.cpu = fdt_read_cells(r + i + 3, pac),
			.size = fdt_read_cells(r + i + 3 + pac, 2),
		};
}

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

static void find_iommus(const void *fdt)
{
	int node;

	fdt_for_each_compatible(fdt, node, "fsl,pamu")
	{
		struct fdt_region r;

		if (plat.nr_iommus == PLAT_MAX_IOMMUS || fdt_reg_phys(fdt, node, 0, &r))
			continue;
		plat.iommu[plat.nr_iommus++] = (struct plat_iommu){ { r.addr, r.size }, node };
	}
}

/* QorIQ global utilities with a reset control register (arch/powerpc/cpu/reset.c). */
static void find_reset(const void *fdt)
{
	int node = fdt_node_offset_by_prop_value(fdt, -1, "fsl,has-rstcr", "", 0);
	struct fdt_region r;

	if (node >= 0 && !fdt_reg_phys(fdt, node, 0, &r))
		plat.reset_regs = r.addr;
}

static void find_bootargs(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *args = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", &len);

	plat.bootargs = args;
	plat.bootargs_len = args ? (size_t)len : 0;
}

const struct platform *powerpc_platform_build(const void *fdt)
{
	plat.hw_tree = fdt;
	plat.model = root_string(fdt, "model");
	plat.compatible = root_string(fdt, "compatible");
	find_cpus(fdt);
	find_ram(fdt);
	find_ccsr(fdt);
	find_flash(fdt);
	find_uarts(fdt);
	find_irqchip(fdt);
	find_pci(fdt);
	find_iommus(fdt);
	find_reset(fdt);
	find_bootargs(fdt);
	return &plat;
}
