/* cmd_ops.c - "bhctl list|status|start|stop|restart|stats|devices|dma|shell": one shell
 * command on a running hypervisor (docs/console.md), its output on stdout; on failure the
 * hypervisor's message on stderr and a non-zero exit (1 failed, 2 usage, 3 no hypervisor).
 * start and restart also wait for the partition's asynchronous start (start_wait.c). Only
 * the reply's JSON is read: its rc, and its "out" passed on as it is. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bhctl.h"
#include "devices.h" /* issue 5: bhctl devices HW CFG (offline) */
#include "hv_conn.h"

#define CMD_MAX 120 /* the shell's line is 127 characters */

/* One scriptable command: bhctl name -> shell command, and its arguments for the usage. */
struct op {
	const char *name;
	const char *shell; /* NULL: the arguments are the shell command ("shell") */
	const char *args;
	const char *summary;
};

static const struct op ops[] = {
	{ "list", "list", "[--json]", "partitions: state, CPUs, memory, uptime" },
	{ "status", "info", "[PARTITION] [--json]", "partition details (the shell's info)" },
	{ "start", "start", "PARTITION", "start a stopped partition" },
	{ "stop", "stop", "PARTITION", "stop a running partition" },
	{ "restart", "restart", "PARTITION", "stop (if running) and start a partition" },
	{ "stats", "stats", "[PARTITION] [--clear] [--json]",
	  "traps by reason, hypercalls by number, faults" },
	{ "devices", "devices", "[PARTITION]", "assigned devices" },
	{ "dma", "dma", "[PARTITION]", "DMA sources and windows" },
	{ "shell", NULL, "COMMAND [ARGS...]", "any hypervisor shell command" },
};

static const struct op *find_op(const char *name)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].name, name))
			return &ops[i];
	return NULL;
}

static void print_usage(FILE *out, const struct op *o)
{
	fprintf(out,
		"usage: bhctl %s %s [--socket PATH | --tty DEV [--baud N]] "
		"[--timeout SEC]\n  %s\n",
		o->name, o->args, o->summary);
	fprintf(out, "  The console defaults to $BHCTL_SOCKET. Exit: 0 done, 1 the command "
		     "failed, 2 usage, 3 no hypervisor answering.\n");
}

/* The shell line: the shell command and the arguments, which must be plain words. */
static int build_line(const struct op *o, int argc, char **argv, char *line)
{
	size_t n = 0;

	line[0] = '\0';
	if (o->shell)
		n = (size_t)snprintf(line, CMD_MAX, "%s", o->shell);
	for (int i = 1; i < argc; i++) {
		for (const char *s = argv[i]; *s; s++)
			if (*s <= ' ' || *s >= 0x7f)
				return -EINVAL;
		if (n + strlen(argv[i]) + 2 > CMD_MAX)
			return -E2BIG;
		n += (size_t)snprintf(line + n, CMD_MAX - n, "%s%s", n ? " " : "", argv[i]);
	}
	return n ? 0 : -EINVAL;
}

/* The reply's human output on stdout, or on stderr (each line after "bhctl: ") when its rc
 * says the command failed; -EINVAL is a usage error. */
static int report(const struct op *o, const char *out, int rc)
{
	if (!rc) {
		fputs(out, stdout);
		return BHCTL_OK;
	}
	for (const char *l = out; *l;) {
		size_t n = strcspn(l, "\n");

		fprintf(stderr, "bhctl: %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	if (!*out)
		fprintf(stderr, "bhctl: %s failed (error %d)\n", o->name, rc);
	return rc == -EINVAL ? BHCTL_USAGE : BHCTL_FAILED;
}

static int run_op(int argc, char **argv)
{
	const struct op *o = find_op(argv[0]);
	char line[CMD_MAX];
	struct hv_target t;
	struct hv_conn *c;
	struct hv_reply r = { 0 };
	int err, waits = !strcmp(o->name, "start") || !strcmp(o->name, "restart");

	if (!strcmp(argv[0], "devices") && bhctl_devices_is_offline(argc, argv))
		return bhctl_devices_offline(argc, argv); /* issue 5: cmd_devices.c */
	argc = hv_target_args(argc, argv, &t);
	if (argc < 0 || build_line(o, argc, argv, line)) {
		if (argc >= 0)
			fprintf(stderr,
				"bhctl: arguments must be words without spaces or "
				"control characters, %d characters in all\n",
				CMD_MAX);
		print_usage(stderr, o);
		return BHCTL_USAGE;
	}
	c = hv_connect(&t, &err);
	if (!c)
		return err;
	if (!err)
		err = hv_request(c, line, &r);
	if (!err)
		err = report(o, r.out, r.rc);
	if (!err && !r.rc && waits && argc == 2) {
		fflush(stdout);
		err = start_wait(c, &r);
	}
	hv_close(c);
	hv_reply_free(&r);
	free(c);
	return err;
}

/* One function per OP_USAGE(): nothing for clang-format to lay out. */
/* clang-format off */
#define OP_USAGE(n) static void usage_##n(FILE *out) { print_usage(out, find_op(#n)); }
OP_USAGE(list) OP_USAGE(status) OP_USAGE(start) OP_USAGE(stop) OP_USAGE(restart)
OP_USAGE(stats) OP_USAGE(devices) OP_USAGE(dma) OP_USAGE(shell)
/* clang-format on */

#define OP_CMD(n, sum) const struct bhctl_cmd bhctl_cmd_##n = { #n, sum, usage_##n, run_op }
		OP_CMD(list, "partitions of a running hypervisor: state, CPUs, memory, uptime");
OP_CMD(status, "details of one or all partitions (CPUs, memory, channels)");
OP_CMD(start, "start a stopped partition");
OP_CMD(stop, "stop a running partition");
OP_CMD(restart, "stop (if running) and start a partition");
OP_CMD(stats, "traps, hypercalls, faults per partition; --clear zeroes them");
OP_CMD(devices, "devices assigned to partitions");
OP_CMD(dma, "DMA sources and windows");
OP_CMD(shell, "run any hypervisor shell command");
