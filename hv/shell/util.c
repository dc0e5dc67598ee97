/* util.c - what every shell command uses: the output buffer, usage and option
 * parsing, partition arguments, and "help". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/log.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/shell.h>

#define OUT_SIZE 16384 /* "log 64" fits; a device tree does not (sh_report_begin) */

/* Output of the running command; only the shell's CPU writes it (under the shell lock).
 * in_report: the console is held until the command's output is written (sh_report_begin). */
static char out[OUT_SIZE];
static size_t out_len;
static int in_report;

/* Human output: to the console, or in script mode into the reply's "out" (shell/reply.c). */
static void emit(char *s, size_t n)
{
	if (hv_mutated("reword"))
		log_reword(s, n);
	if (sh_script())
		sh_reply_out(s, n);
	else
		console_shell_write(s, n);
}

/* Write what is buffered up to its last newline (everything if force). */
static void flush_lines(int force)
{
	size_t n = out_len;

	while (!force && n && out[n - 1] != '\n')
		n--;
	if (!n)
		n = out_len; /* one line longer than the buffer: written in pieces */
	emit(out, n);
	memmove(out, out + n, out_len - n);
	out_len -= n;
}

static void out_add(const char *s, size_t n)
{
	if (out_len + n > OUT_SIZE)
		flush_lines(0);
	if (out_len + n > OUT_SIZE)
		flush_lines(1);
	memcpy(out + out_len, s, n);
	out_len += n;
}

/* To the human output, or to the reply's data between sh_data_begin() and sh_data_end(). */
void sh_printf(const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (!sh_data_add(tmp, (size_t)n))
		out_add(tmp, (size_t)n);
}

void sh_capture(const char *text)
{
	out_add(text, strlen(text));
}

void sh_flush(void)
{
	if (out_len)
		flush_lines(1);
}

void sh_report_begin(void)
{
	if (!in_report)
		console_report_begin();
	in_report = 1;
}

void sh_report_end(void)
{
	if (in_report)
		console_report_end();
	in_report = 0;
}

void sh_abandon(void)
{
	out_len = 0;
	in_report = 0; /* the console is given back by console_fatal_end() */
	sh_reply_drop();
}

void sh_json_str(const char *s)
{
	sh_printf("\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sh_printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			sh_printf("\\u%04x", (unsigned)*s);
		else
			sh_printf("%c", *s);
	}
	sh_printf("\"");
}

static const struct shell_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < shell_nr_commands; i++)
		if (!strcmp(name, shell_commands[i].name))
			return &shell_commands[i];
	return NULL;
}

int shell_usage(const char *cmd)
{
	const struct shell_cmd *c = find_cmd(cmd);

	sh_printf("usage: %s\n", c ? c->usage : cmd);
	return -HV_EINVAL;
}

int shell_args(int argc, char **argv, unsigned int allowed, int min_pos, int max_pos,
	       struct sh_args *a)
{
	*a = (struct sh_args){ 0 };
	for (int i = 1; i < argc; i++) {
		unsigned int f = !strcmp(argv[i], "--json")    ? SH_JSON
				 : !strcmp(argv[i], "--clear") ? SH_CLEAR
							       : 0;

		if (f && (allowed & f))
			a->flags |= f;
		else if (argv[i][0] == '-' || f || a->npos == max_pos)
			return shell_usage(argv[0]);
		else
			a->pos[a->npos++] = argv[i];
	}
	return a->npos < min_pos ? shell_usage(argv[0]) : 0;
}

struct partition *shell_find_partition(const char *cmd, const char *name)
{
	struct partition *p = partition_by_name(name);
	char *end;
	unsigned long id = strtoul(name, &end, 10);

	if (!p && !*end)
		p = partition_by_id(id);
	if (!p)
		sh_printf("%s: no partition '%s' (see 'list')\n", cmd, name);
	return p;
}

int shell_partition_arg(int argc, char **argv, struct partition **p)
{
	struct sh_args a;

	if (shell_args(argc, argv, 0, 1, 1, &a))
		return -HV_EINVAL;
	*p = shell_find_partition(argv[0], a.pos[0]);
	return *p ? 0 : -HV_ENOENT;
}

void sh_json_part(const struct partition *p, bool close)
{
	sh_printf("{\"id\":%d,\"name\":", p->id);
	sh_json_str(p->name);
	sh_printf(",\"state\":\"%s\"%s", part_state_name(p->state), close ? "}" : "");
}

void sh_data_part(const struct partition *p)
{
	if (sh_data_begin()) {
		sh_printf(",\"partition\":");
		sh_json_part(p, true);
		sh_data_end();
	}
}

/* The reply's data of help: ,"commands":[{"name","usage","help"}] (all, or only c). */
static void help_json(const struct shell_cmd *c)
{
	int first = 1;

	if (!sh_data_begin())
		return;
	sh_printf(",\"commands\":[");
	for (size_t i = 0; i < shell_nr_commands; i++) {
		const struct shell_cmd *x = &shell_commands[i];

		if (c && c != x)
			continue;
		sh_printf("%s{\"name\":\"%s\",\"usage\":", first ? "" : ",", x->name);
		sh_json_str(x->usage);
		sh_printf(",\"help\":");
		sh_json_str(x->help);
		sh_printf("}");
		first = 0;
	}
	sh_printf("]");
	sh_data_end();
}

int shell_help(int argc, char **argv)
{
	const struct shell_cmd *c;
	struct sh_args a;

	if (shell_args(argc, argv, 0, 0, 1, &a))
		return -HV_EINVAL;
	if (!a.npos) {
		for (size_t i = 0; i < shell_nr_commands; i++)
			sh_printf("  %-34s %s\n", shell_commands[i].usage, shell_commands[i].help);
		sh_printf("Partitions are named by label or number. Ctrl-] leaves a partition's "
			  "console.\n");
		help_json(NULL);
		return 0;
	}
	c = find_cmd(a.pos[0]);
	if (!c) {
		sh_printf("help: no command '%s' (try 'help')\n", a.pos[0]);
		return -HV_ENOENT;
	}
	sh_printf("usage: %s\n  %s\n", c->usage, c->help);
	help_json(c);
	return 0;
}
