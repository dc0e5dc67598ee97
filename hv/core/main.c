/* main.c - hypervisor start-up on the boot CPU: console, inventory, configuration, CPUs,
 * then the console shell. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h> /* the config blob (the config format) */
#include <hv/arch.h>
#include <hv/bootargs.h>
#include <hv/err.h>
#include <hv/mutate.h>
#include <hv/config.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/hv.h>
#include <hv/inventory.h>
#include <hv/arch/irqchip.h>
#include <hv/iommu.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include <hv/shell.h>

#define CONFIG_MAX_SIZE (1u << 20) /* largest config blob we accept */

uint64_t hv_banner_time; /* time counter when the banner was printed (for bench/) */
const void *hv_hw_fdt, *hv_cfg_fdt;
const struct hv_config *hv_cfg;

static void banner(const struct platform *plat)
{
	const char *model = plat->model;

	hv_banner_time = arch_time_now();
	hv_printf("\nBulkhead %s (%s) - partitioning hypervisor\n", BULKHEAD_VERSION, arch_name);
	if (model && strstr(model, "QEMU"))
		hv_printf("(QEMU: press Ctrl-A then X to leave the emulator)\n");
}

/* Test hook: "bulkhead.inject=illegal@N" makes CPU N execute an illegal instruction. */
static void read_debug_args(const struct platform *plat)
{
	char v[32];

	if (bootargs_get(plat, "bulkhead.inject", v, sizeof(v)) > 0 && !strncmp(v, "illegal@", 8))
		hv_inject_illegal_cpu = atoi(v + 8);
}

/* Locate the config blob from bootargs "config-addr=<phys>"; NULL (reported) when absent. */
static const void *find_config(const struct platform *plat, size_t *max)
{
	char v[32], *end;
	uint64_t addr, room;

	if (bootargs_get(plat, "config-addr", v, sizeof(v)) <= 0) {
		hv_printf("config: no config-addr=<address> in /chosen/bootargs\n");
		return NULL;
	}
	addr = strtoull(v, &end, 0);
	if (*end || end == v) {
		hv_printf("config: config-addr=%s is not a number\n", v);
		return NULL;
	}
	room = platform_ram_room(plat, addr);
	if (!room || addr + 64 > addr + room || (addr >> 32)) {
		hv_printf("config: config-addr=0x%" PRIx64 " is not in RAM\n", addr);
		return NULL;
	}
	*max = room < CONFIG_MAX_SIZE ? (size_t)room : CONFIG_MAX_SIZE;
	return (const void *)(uintptr_t)addr;
}

static struct hv_config config;

/* Each config error on one line: config: /node: property: message */
static void report(void *ctx, const char *path, const char *prop, const char *msg)
{
	int *count = ctx;

	(*count)++;
	if (prop)
		hv_printf("config: %s: %s: %s\n", path, prop, msg);
	else
		hv_printf("config: %s: %s\n", path, msg);
}

/* A config warning (e.g. an area shared by mapping alone): printed, not counted. */
static void report_warning(void *ctx, const char *path, const char *prop, const char *msg)
{
	if (prop)
		hv_printf("config: %s: %s: warning: %s\n", path, prop, msg);
	else
		hv_printf("config: %s: warning: %s\n", path, msg);
}

static void list_partitions(const void *blob)
{
	char names[256] = "";

	for (int i = 0; i < config.nr_parts; i++) {
		if (strlen(names) + strlen(config.part[i].label) + 2 >= sizeof(names))
			break;
		strcat(names, " ");
		strcat(names, config.part[i].label);
	}
	hv_printf("config   %u bytes  %d partition%s:%s\n", (unsigned)fdt_totalsize(blob),
		  config.nr_parts, config.nr_parts == 1 ? "" : "s", names);
}

/* Validate the config against the hardware description (its paths name the platform's
 * nodes) and build the partitions; on any error nothing is started, the console stays up. */
static void load_config(const struct platform *plat)
{
	size_t max;
	int errors = 0;
	const void *blob, *fdt = plat->hw_tree;

	if (plat->nr_errors) {
		hv_printf("config: refused; the hardware description does not match the machine\n");
		return;
	}
	blob = find_config(plat, &max);

	hv_cfg_fdt = blob;
	config_set_warning_handler(report_warning, NULL);
	if (blob)
		config_load(fdt, blob, max, &config, report, &errors);
	if (!blob || errors || partitions_create(fdt, blob, &config)) {
		if (errors)
			hv_printf("config: %d error%s\n", errors, errors == 1 ? "" : "s");
		hv_printf("config: refused; no partition started\n");
		return;
	}
	hv_cfg = &config;
	list_partitions(blob);
}

void hv_main(const struct platform *plat)
{
	hv_platform = plat;
	if (console_init(platform_console(plat)))
		cpu_fatal_park(); /* nowhere to say anything */
	hv_hw_fdt = plat->hw_tree;
	banner(plat);
	read_debug_args(plat);
	mutate_init(plat);
	cpus_discover(plat);
	hv_cpus[0].state = CPU_ONLINE;
	inventory_show(plat);
	load_config(plat);
	iommu_init(plat); /* issue 6: DMA fences closed (before the secondaries map) */
	if (irqchip_arch_init(&plat->irqchip)) /* sources masked; maps registers: before SMP */
		hv_printf("irqchip: no interrupt controller: devices get no interrupts\n");
	hv_printf("cpu 0 online\n");
	cpus_start_secondaries(plat);
	partitions_autostart();
	hv_printf("hypervisor ready\n");
	shell_prompt();
	pcpu_loop(0);
}
