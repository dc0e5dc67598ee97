/* inventory.c - the boot-time summary of the platform: board, CPUs, memory, register blocks
 * (the SoC's CCSR on QorIQ), UARTs, interrupt controller and PCI host bridges with their
 * windows. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/inventory.h>
#include <hv/platform.h>

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

static void show_board(const struct platform *plat)
{
	hv_printf("board    %s (%s)\n", plat->model, plat->compatible);
}

static void show_cpus(const struct platform *plat)
{
	const struct plat_cpu *c = &plat->cpu[0];

	if (!plat->nr_cpus) {
		hv_printf("cpus     none found under /cpus\n");
		return;
	}
	hv_printf("cpus     %u x %s  timebase %" PRIu32 " Hz  clock %" PRIu32 " Hz\n", hv_nr_cpus,
		  c->name, c->timebase_hz, c->clock_hz);
}

static void show_memory(const struct platform *plat)
{
	char sz[24];

	for (unsigned int i = 0; i < plat->nr_ram; i++) {
		const struct plat_range *r = &plat->ram[i];

		hv_printf("memory   0x%09" PRIx64 "-0x%09" PRIx64 "  %s\n", r->base,
			  r->base + r->size - 1, size_str(r->size, sz, sizeof(sz)));
	}
}

/* Register blocks and other memory-like regions the platform wants shown (CCSR on QorIQ). */
static void show_memlike(const struct platform *plat)
{
	char sz[24];

	for (unsigned int i = 0; i < plat->nr_memlike; i++) {
		const struct plat_memlike *m = &plat->memlike[i];

		if (m->show)
			hv_printf("%-8s 0x%09" PRIx64 "  %s  %s\n", m->label, m->range.base,
				  size_str(m->range.size, sz, sizeof(sz)), m->path);
	}
}

static void show_uarts(const struct platform *plat)
{
	for (unsigned int i = 0; i < plat->nr_uarts; i++) {
		const struct plat_uart *u = &plat->uart[i];

		if (u->shown)
			hv_printf("uart     0x%09" PRIx64 "  irq %-3d  %s%s\n", u->base, u->irq,
				  u->path, (int)i == plat->console ? "  (console)" : "");
	}
}

static void show_pic(const struct platform *plat)
{
	const struct plat_irqchip *c = &plat->irqchip;
	char sz[24];

	if (c->kind != PLAT_IRQCHIP_NONE)
		hv_printf("%-8s 0x%09" PRIx64 "  %s  %s\n", c->label, c->regs.base,
			  size_str(c->regs.size, sz, sizeof(sz)), c->path);
}

static const char *space_name(unsigned int space)
{
	return space == PLAT_PCI_IO ? "io" : space == PLAT_PCI_MEM64 ? "mem64" : "mem";
}

static void show_pci_windows(const struct plat_pci *b)
{
	char sz[24];

	for (unsigned int i = 0; i < b->nr_windows; i++) {
		const struct plat_pci_window *w = &b->window[i];

		hv_printf("           %-4s 0x%09" PRIx64 "-0x%09" PRIx64 " -> bus 0x%" PRIx64
			  "  %s\n",
			  space_name(w->space), w->cpu, w->cpu + w->size - 1, w->bus,
			  size_str(w->size, sz, sizeof(sz)));
	}
}

static void show_pci(const struct platform *plat)
{
	for (unsigned int i = 0; i < plat->nr_pci; i++) {
		const struct plat_pci *b = &plat->pci[i];

		hv_printf("pci      0x%09" PRIx64 "  %s\n", b->regs.base, b->path);
		show_pci_windows(b);
	}
}

/* Where the description disagrees with the machine (the architecture's cross-checks). */
static void show_errors(const struct platform *plat)
{
	for (unsigned int i = 0; i < plat->nr_errors; i++)
		hv_printf("platform: %s\n", plat->error[i]);
}

void inventory_show(const struct platform *plat)
{
	show_board(plat);
	show_cpus(plat);
	show_memory(plat);
	show_memlike(plat);
	show_uarts(plat);
	show_pic(plat);
	show_pci(plat);
	show_errors(plat);
}
