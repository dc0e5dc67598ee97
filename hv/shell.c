/* shell.c - line editor and command dispatch of the hypervisor console shell (the commands
 * are in shell_cmds.c). */
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


int shell_help(int argc, char **argv)
{
	for (size_t i = 0; i < shell_nr_commands; i++)
		hv_printf("  %-24s %s\n", shell_commands[i].usage, shell_commands[i].help);
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
	for (size_t i = 0; i < shell_nr_commands; i++) {
		if (!strcmp(argv[0], shell_commands[i].name)) {
			shell_commands[i].run(argc, argv);
			return;
		}
	}
	hv_printf("unknown command '%s' (try 'help')\n", argv[0]);
}

/* Only one CPU at a time runs the shell (the console CPU can change as partitions start). */
/* Echo of the characters taken in one poll, written at once so that partition console
 * lines (whole lines from other CPUs) do not land inside it. */
static char echo[LINE_MAX_LEN + 8];
static size_t echo_len;

static void echo_add(const char *s, size_t n)
{
	if (echo_len + n > sizeof(echo)) {
		console_write(echo, echo_len);
		echo_len = 0;
	}
	memcpy(echo + echo_len, s, n);
	echo_len += n;
}

static void echo_flush(void)
{
	console_write(echo, echo_len);
	echo_len = 0;
}

/* Take every character waiting (only one CPU at a time runs the shell; the console CPU can
 * change as partitions start and stop). */
void shell_poll(void)
{
	static arch_spinlock_t lock;
	int c;

	if (!arch_spin_trylock(&lock))
		return;
	while ((c = console_getc()) >= 0)
		shell_input(c);
	echo_flush();
	arch_spin_unlock(&lock);
}

void shell_prompt(void)
{
	console_write("bulkhead> ", 10);
}

void shell_input(int c)
{
	if (c == '\r' || c == '\n') {
		echo_add("\n", 1);
		echo_flush();
		line[line_len] = '\0';
		run_line(line);
		line_len = 0;
		shell_prompt();
	} else if ((c == 0x7f || c == '\b') && line_len) {
		line_len--;
		echo_add("\b \b", 3);
	} else if (c >= ' ' && c < 0x7f && line_len < LINE_MAX_LEN - 1) {
		char ch = (char)c;

		line[line_len++] = ch;
		echo_add(&ch, 1);
	}
}
