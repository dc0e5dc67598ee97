/* shell_cmds.c - the hypervisor shell's commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/dt_print.h>
#include <hv/hv.h>
#include <hv/partition.h>
#include <hv/shell.h>

/* The partition argv[1] names (label or number), or NULL after printing why. */
struct partition *shell_partition_arg(int argc, char **argv, const char *usage)
{
	char *end;
	unsigned long id;
	struct partition *p;

	if (argc != 2) {
		hv_printf("usage: %s\n", usage);
		return NULL;
	}
	p = partition_by_name(argv[1]);
	id = strtoul(argv[1], &end, 10);
	if (!p && !*end && id >= 1 && id <= nr_partitions)
		p = &partitions[id - 1];
	if (!p)
		hv_printf("%s: no partition '%s' (see 'list')\n", argv[0], argv[1]);
	return p;
}

static int cmd_version(int argc, char **argv)
{
	uint64_t f = arch_time_freq();

	hv_printf("Bulkhead %s (%s)\n", BULKHEAD_VERSION, arch_name);
	hv_printf("boot: banner at %llu time-base ticks (%llu us at %llu Hz)\n",
		  (unsigned long long)hv_banner_time,
		  (unsigned long long)(f ? hv_banner_time * 1000000 / f : 0), (unsigned long long)f);
	return 0;
}

static int cmd_cpus(int argc, char **argv)
{
	for (unsigned int i = 0; i < hv_nr_cpus; i++)
		hv_printf("cpu %u  %-8s  heartbeat %lu\n", i, cpu_state_name(hv_cpus[i].state),
			  (unsigned long)hv_cpus[i].heartbeat);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	if (!nr_partitions)
		hv_printf("no partitions\n");
	for (unsigned int i = 0; i < nr_partitions; i++) {
		const struct partition *p = &partitions[i];

		hv_printf("%u  %-16s %-8s  vcpus %u  faults %u\n", (unsigned)p->id, p->name,
			  part_state_name(p->state), p->nr_vcpus, (unsigned)p->faults);
	}
	return 0;
}

/* gdt P: the device tree partition P booted with (read back from its dtb window). */
static int cmd_gdt(int argc, char **argv)
{
	struct partition *p = shell_partition_arg(argc, argv, "gdt PARTITION");
	uint64_t hpa;

	if (!p)
		return -EINVAL;
	if (gpa_to_hpa(p, p->dtb_gpa, p->dtb_size, &hpa))
		return -EFAULT;
	return dt_print((const void *)(uintptr_t)hpa);
}

static const char *lifecycle_error(int err)
{
	switch (err) {
	case -EINVAL: return "not in a state that allows it (see 'list')";
	case -EBUSY: return "busy: being started or stopped";
	default: return "failed (see the messages above)";
	}
}

/* start/stop/restart P */
static int lifecycle(int argc, char **argv, int (*op)(struct partition *), const char *usage)
{
	struct partition *p = shell_partition_arg(argc, argv, usage);
	int err = p ? op(p) : -EINVAL;

	if (p && err)
		hv_printf("%s %s: %s\n", argv[0], p->name, lifecycle_error(err));
	return err;
}

static int stop_by_shell(struct partition *p)
{
	return partition_stop(p, "stopped from the console");
}

static int cmd_start(int argc, char **argv)
{
	return lifecycle(argc, argv, partition_start, "start PARTITION");
}

static int cmd_stop(int argc, char **argv)
{
	return lifecycle(argc, argv, stop_by_shell, "stop PARTITION");
}

static int cmd_restart(int argc, char **argv)
{
	return lifecycle(argc, argv, partition_restart, "restart PARTITION");
}

const struct shell_cmd shell_commands[] = {
	{ "help", "help", "list the commands", shell_help },
	{ "version", "version", "print the hypervisor version", cmd_version },
	{ "cpus", "cpus", "physical CPUs: state and idle heartbeat", cmd_cpus },
	{ "list", "list", "partitions: state, vCPUs, faults", cmd_list },
	{ "gdt", "gdt PARTITION", "print a partition's device tree", cmd_gdt },
	{ "start", "start PARTITION", "start a stopped partition (scrub, load, boot)", cmd_start },
	{ "stop", "stop PARTITION", "stop a running partition", cmd_stop },
	{ "restart", "restart PARTITION", "stop and start again", cmd_restart },
};

const size_t shell_nr_commands = sizeof(shell_commands) / sizeof(shell_commands[0]);

