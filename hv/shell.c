/* shell.c - line editor and command table of the hypervisor console shell. */
#include <errno.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/dt_print.h>
#include <hv/hv.h>
#include <hv/partition.h>
#include <hv/shell.h>

#define LINE_MAX_LEN	128
#define ARGV_MAX	8

static char line[LINE_MAX_LEN];
static size_t line_len;

static int cmd_help(int argc, char **argv);

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
	struct partition *p = argc == 2 ? partition_by_name(argv[1]) : NULL;
	uint64_t hpa;

	if (argc != 2) {
		hv_printf("usage: gdt PARTITION\n");
		return -EINVAL;
	}
	if (!p) {
		hv_printf("gdt: no partition named '%s'\n", argv[1]);
		return -ENOENT;
	}
	if (gpa_to_hpa(p, p->dtb_gpa, p->dtb_size, &hpa))
		return -EFAULT;
	return dt_print((const void *)(uintptr_t)hpa);
}

static const struct shell_cmd commands[] = {
	{ "help", "help", "list the commands", cmd_help },
	{ "version", "version", "print the hypervisor version", cmd_version },
	{ "cpus", "cpus", "physical CPUs: state and idle heartbeat", cmd_cpus },
	{ "list", "list", "partitions: state, vCPUs, faults", cmd_list },
	{ "gdt", "gdt PARTITION", "print a partition's device tree", cmd_gdt },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(int argc, char **argv)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		hv_printf("  %-16s %s\n", commands[i].usage, commands[i].help);
	return 0;
}

static int split(char *s, char **argv)
{
	int argc = 0;

	for (char *tok = strtok(s, " \t"); tok && argc < ARGV_MAX; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	return argc;
}

static void run_line(char *s)
{
	char *argv[ARGV_MAX];
	int argc = split(s, argv);

	if (!argc)
		return;
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		if (!strcmp(argv[0], commands[i].name)) {
			commands[i].run(argc, argv);
			return;
		}
	}
	hv_printf("unknown command '%s' (try 'help')\n", argv[0]);
}

/* Only one CPU at a time runs the shell (the console CPU can change as partitions start). */
void shell_poll(void)
{
	static arch_spinlock_t lock;
	int c;

	if (!arch_spin_trylock(&lock))
		return;
	c = console_getc();
	if (c >= 0)
		shell_input(c);
	arch_spin_unlock(&lock);
}

void shell_prompt(void)
{
	console_write("bulkhead> ", 10);
}

void shell_input(int c)
{
	if (c == '\r' || c == '\n') {
		console_write("\n", 1);
		line[line_len] = '\0';
		run_line(line);
		line_len = 0;
		shell_prompt();
	} else if ((c == 0x7f || c == '\b') && line_len) {
		line_len--;
		console_write("\b \b", 3);
	} else if (c >= ' ' && c < 0x7f && line_len < LINE_MAX_LEN - 1) {
		char ch = (char)c;

		line[line_len++] = ch;
		console_write(&ch, 1);
	}
}
