/* cmds.c - the hypervisor shell's command table and its small commands: version, cpus,
 * the device trees, partition life cycle, console attach, reset, devices, dma. list/info are
 * in shell/info.c, stats in shell/stats.c, log/loglevel in shell/log.c. */
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/cpu.h>
#include <hv/device.h>
#include <hv/device_hcall.h>
#include <hv/dt_print.h>
#include <hv/err.h>
#include <hv/hv.h>
#include <hv/iommu.h>
#include <hv/log.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include <hv/shell.h>
#include "priv.h"

/* "version":...,"arch":...,...: the --json object's fields and the reply's data. */
static void version_fields(uint64_t f)
{
	sh_printf("\"version\":");
	sh_json_str(BULKHEAD_VERSION);
	sh_printf(",\"arch\":");
	sh_json_str(arch_name);
	sh_printf(",\"banner_ticks\":%llu,\"timebase_hz\":%llu,\"uptime_ms\":%llu",
		  (unsigned long long)hv_banner_time, (unsigned long long)f,
		  (unsigned long long)shell_ms(arch_time_now()));
}

static int cmd_version(int argc, char **argv)
{
	uint64_t f = arch_time_freq(), us = f ? hv_banner_time * 1000000 / f : 0;
	struct sh_args a;

	if (shell_args(argc, argv, SH_JSON, 0, 0, &a))
		return -HV_EINVAL;
	if (sh_data_begin()) {
		sh_printf(",");
		version_fields(f);
		sh_data_end();
	}
	if (a.flags & SH_JSON) {
		sh_printf("{");
		version_fields(f);
		sh_printf("}\n");
		return 0;
	}
	sh_printf("Bulkhead %s (%s)\n", BULKHEAD_VERSION, arch_name);
	sh_printf("boot: banner at %llu time-base ticks (%llu us at %llu Hz)\n",
		  (unsigned long long)hv_banner_time, (unsigned long long)us,
		  (unsigned long long)f);
	return 0;
}

static int cmd_cpus(int argc, char **argv)
{
	struct sh_args a;

	if (shell_args(argc, argv, 0, 0, 0, &a))
		return -HV_EINVAL;
	for (unsigned int i = 0; i < hv_nr_cpus; i++)
		sh_printf("cpu %u  %-8s  heartbeat %lu\n", i, cpu_state_name(hv_cpus[i].state),
			  (unsigned long)hv_cpus[i].heartbeat);
	if (sh_data_begin()) {
		sh_printf(",\"cpus\":[");
		for (unsigned int i = 0; i < hv_nr_cpus; i++)
			sh_printf("%s{\"cpu\":%u,\"state\":\"%s\",\"heartbeat\":%lu}", i ? "," : "",
				  i, cpu_state_name(hv_cpus[i].state),
				  (unsigned long)hv_cpus[i].heartbeat);
		sh_printf("]");
		sh_data_end();
	}
	return 0;
}

/* dt_print writes through hv_printf: keep the tree out of the message log. A tree is larger
 * than the output buffer: the console is held until all of it is written (dt_print takes no
 * lock). */
static int print_tree(const char *what, const void *fdt)
{
	int err;

	if (!fdt) {
		sh_printf("%s: no %s\n", what,
			  !strcmp(what, "hdt") ? "hardware tree" : "configuration");
		return -HV_ENOENT;
	}
	sh_report_begin();
	log_mute(1);
	err = dt_print(fdt);
	log_mute(0);
	return err ? -HV_EINVAL : 0;
}

/* The old gdt, for the negative control "gdt-in-place": parse the guest's window in place. */
static int gdt_in_place(struct partition *p)
{
	uint64_t hpa;

	if (gpa_to_hpa(p, p->dtb_gpa, p->dtb_size, &hpa)) {
		sh_printf("gdt: %s has no device tree window\n", p->name);
		return -HV_EFAULT;
	}
	return print_tree("gdt", (const void *)(uintptr_t)hpa);
}

/* gdt P: the device tree partition P booted with: the copy the hypervisor built and keeps in
 * its own memory (partition.c, p->tree), never the guest's window, which the guest may have
 * rewritten (forged sizes and offsets) or may rewrite while it is read. */
static int cmd_gdt(int argc, char **argv)
{
	struct partition *p;
	int err = shell_partition_arg(argc, argv, &p);
	const void *tree;

	if (err)
		return err;
	if (hv_mutated("gdt-in-place"))
		return gdt_in_place(p);
	if (p->state == PART_STARTING) {
		tree = NULL; /* being built */
	} else {
		arch_mb(); /* the tree was complete before the state left "starting" */
		tree = p->tree;
	}
	if (!tree) {
		sh_printf("gdt: %s has no device tree yet (%s; it is built at its first start)\n",
			  p->name, part_state_name(p->state));
		return -HV_ENOENT;
	}
	err = hv_err_fdt(fdt_check_header(tree));
	if (err || fdt_totalsize(tree) > p->dtb_size) {
		sh_printf("gdt: %s: its device tree is damaged (%s)\n", p->name,
			  err ? hv_strerror(err) : "larger than its window");
		return -HV_EINVAL;
	}
	return print_tree("gdt", tree);
}

static int cmd_hdt(int argc, char **argv)
{
	struct sh_args a;

	return shell_args(argc, argv, 0, 0, 0, &a) ? -HV_EINVAL : print_tree("hdt", hv_hw_fdt);
}

static int cmd_cdt(int argc, char **argv)
{
	struct sh_args a;

	return shell_args(argc, argv, 0, 0, 0, &a) ? -HV_EINVAL : print_tree("cdt", hv_cfg_fdt);
}

static const char *lifecycle_error(int err)
{
	switch (err) {
	case -HV_EINVAL:
		return "not in a state that allows it (see 'list')";
	case -HV_EBUSY:
		return "busy: being started or stopped";
	default:
		return "failed (see the messages above)";
	}
}

/* start/stop/restart P; the core prints what happened ("partition P: stopped (...)"); a
 * start is asynchronous: "partition P: started on cpu 1" comes later from P's CPU. */
static int lifecycle(int argc, char **argv, int (*op)(struct partition *))
{
	struct partition *p;
	int err = shell_partition_arg(argc, argv, &p);

	if (err)
		return err;
	err = op(p);
	sh_data_part(p);
	if (err)
		sh_printf("%s %s: %s (%s)\n", argv[0], p->name, lifecycle_error(err),
			  part_state_name(p->state));
	return err == -HV_EINVAL ? -HV_EPERM : err;
}

static int stop_by_shell(struct partition *p)
{
	return partition_stop(p, "stopped from the console");
}

static int cmd_start(int argc, char **argv)
{
	return lifecycle(argc, argv, partition_start);
}

static int cmd_stop(int argc, char **argv)
{
	return lifecycle(argc, argv, stop_by_shell);
}

static int cmd_restart(int argc, char **argv)
{
	return lifecycle(argc, argv, partition_restart);
}

/* console P: UART input goes to P's console byte channel until Ctrl-]. */
static int cmd_console(int argc, char **argv)
{
	struct partition *p;
	struct handle *h;
	int err = shell_partition_arg(argc, argv, &p);

	if (err)
		return err;
	h = byte_chan_stdout_handle(p) < 0
		    ? NULL
		    : handle_get(p, (unsigned long)byte_chan_stdout_handle(p), HANDLE_BYTE_CHANNEL);
	if (!h) {
		sh_printf("console: %s has no console byte channel\n", p->name);
		return -HV_ENODEV;
	}
	sh_printf("console: attached to %s (%s); type Ctrl-] to return to the shell\n", p->name,
		  part_state_name(p->state));
	sh_data_part(p);
	shell_attach(p, h->obj);
	return 0;
}

static int cmd_reset(int argc, char **argv)
{
	struct sh_args a;
	int err;

	if (shell_args(argc, argv, 0, 0, 0, &a))
		return -HV_EINVAL;
	sh_printf("reset: resetting the system\n");
	sh_flush(); /* said before the board goes */
	err = arch_system_reset(hv_platform);
	sh_printf("reset: %s\n", err == -HV_ENODEV ? "this board has no reset register the "
						     "hypervisor knows (fsl,has-rstcr)"
						   : "the board did not reset");
	return err;
}

/* [P]: the one partition named, or NULL for all of them; negative after printing usage/why. */
static int optional_partition(int argc, char **argv, struct partition **only)
{
	struct sh_args a;

	*only = NULL;
	if (shell_args(argc, argv, 0, 0, 1, &a))
		return -HV_EINVAL;
	if (a.npos && !(*only = shell_find_partition(argv[0], a.pos[0])))
		return -HV_ENOENT;
	return 0;
}

/* The reply's data: ,"partitions":[{"id","name","state","bad_device_calls"}]. */
static void devices_json(const struct partition *only)
{
	int first = 1;

	if (!sh_data_begin())
		return;
	sh_printf(",\"partitions\":[");
	for (unsigned int i = 0; i < nr_partitions; i++) {
		if (only && only != &partitions[i])
			continue;
		sh_printf("%s", first ? "" : ",");
		sh_json_part(&partitions[i], false);
		sh_printf(",\"bad_device_calls\":%lu}",
			  (unsigned long)device_bad_calls(&partitions[i]));
		first = 0;
	}
	sh_printf("]");
	sh_data_end();
}

/* devices [P]: each partition's assigned devices (device_show() prints through hv_printf:
 * kept out of the message log). */
static int cmd_devices(int argc, char **argv)
{
	struct partition *only;
	int err = optional_partition(argc, argv, &only);

	if (err)
		return err;
	log_mute(1);
	for (unsigned int i = 0; i < nr_partitions; i++)
		if (!only || only == &partitions[i])
			device_show(&partitions[i]);
	log_mute(0);
	devices_json(only);
	return 0;
}

/* dma [P]: DMA sources (all, or P's) with enabled/disabled, faults and windows
 * (iommu_show() prints through hv_printf: kept out of the message log). */
static int cmd_dma(int argc, char **argv)
{
	struct partition *only;
	int err = optional_partition(argc, argv, &only);

	if (err)
		return err;
	log_mute(1);
	iommu_show(only);
	log_mute(0);
	return 0;
}

const struct shell_cmd shell_commands[] = {
	{ "help", "help [COMMAND]", "list the commands, or show one command's usage", shell_help },
	{ "version", "version [--json]", "hypervisor version, architecture, boot time",
	  cmd_version },
	{ "cpus", "cpus", "physical CPUs: state and idle heartbeat", cmd_cpus },
	{ "list", "list [--json]", "partitions: state, CPUs, memory, uptime", cmd_list },
	{ "info", "info [PARTITION] [--json]",
	  "partition details: CPUs, memory guest->host, byte channels", cmd_info },
	{ "start", "start PARTITION", "start a stopped partition (scrub, load, boot)", cmd_start },
	{ "stop", "stop PARTITION", "stop a running partition", cmd_stop },
	{ "restart", "restart PARTITION", "stop (if running) and start again", cmd_restart },
	{ "console", "console PARTITION",
	  "attach the input to a partition's console (Ctrl-] "
	  "returns)",
	  cmd_console },
	{ "gdb", "gdb PARTITION [STUB]", "attach the input to a partition's gdb stub (bhctl gdb)",
	  cmd_gdb },
	{ "stats", "stats [PARTITION] [--clear] [--json]",
	  "traps by reason, hypercalls by number, faults; --clear zeroes them", cmd_stats },
	{ "gdt", "gdt PARTITION", "print a partition's device tree", cmd_gdt },
	{ "hdt", "hdt", "print the hardware device tree", cmd_hdt },
	{ "cdt", "cdt", "print the configuration tree", cmd_cdt },
	{ "devices", "devices [PARTITION]", "assigned devices (lsdev's form), refused device calls",
	  cmd_devices },
	{ "dma", "dma [PARTITION]", "DMA sources: enabled or not, faults, windows", cmd_dma },
	{ "mem", "mem", "hypervisor heap, handles and DMA sources in use (leak check)", cmd_mem },
	{ "log", "log [N]", "the last N hypervisor messages (default 20)", cmd_log },
	{ "loglevel", "loglevel [err|warn|info|debug]",
	  "show or set which messages the console prints", cmd_loglevel },
	{ "reset", "reset", "reset the whole system", cmd_reset },
};

const size_t shell_nr_commands = sizeof(shell_commands) / sizeof(shell_commands[0]);
