/* shell.c - input side of the hypervisor console shell: line editing, script mode (bhctl),
 * a partition console attached to the UART input, and command dispatch. The commands are in
 * shell/cmds.c and the shell_*.c files; docs/console.md describes what the user sees. */
#include <stdio.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/event.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/shell.h>

#define LINE_MAX_LEN 128
#define ARGV_MAX     8
#define PROMPT       "bulkhead> "

/* The line being typed; script: started with Ctrl-B, so not echoed as typed (bhctl). */
static char line[LINE_MAX_LEN];
static size_t line_len;
static int script;

/* While a partition's console is attached, input bytes go to its channel. */
static struct partition *att_part;
static struct byte_chan *att_chan;

/* Only one CPU at a time runs the shell (the console CPU can change as partitions start and
 * stop); shell_cpu holds the lock. Everything in this file is guarded by it. */
static arch_spinlock_t shell_lock;
static volatile unsigned int shell_cpu = ~0u;

/* Echo of the characters taken in one poll, written at once (docs/console.md: the prompt and
 * the echo are the shell's open line, closed and shown again around other CPUs' lines). */
static char echo[LINE_MAX_LEN + 8];
static size_t echo_len;

static void echo_add(const char *s, size_t n)
{
	if (echo_len + n > sizeof(echo)) {
		console_shell_write(echo, echo_len);
		echo_len = 0;
	}
	memcpy(echo + echo_len, s, n);
	echo_len += n;
}

static void echo_flush(void)
{
	console_shell_write(echo, echo_len);
	echo_len = 0;
}

static int split(char *s, char **argv)
{
	int argc = 0;

	for (char *tok = strtok(s, " \t"); tok && argc < ARGV_MAX; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	return argc;
}

static int run_line(char *s)
{
	char *argv[ARGV_MAX];
	int argc;

	if (script) {
		char cmd[LINE_MAX_LEN];

		strcpy(cmd, s); /* the first word names the reply; s is split in place */
		sh_reply_begin(s, strtok(cmd, " \t") ? cmd : "");
	}
	argc = split(s, argv);

	if (!argc)
		return 0;
	for (size_t i = 0; i < shell_nr_commands; i++)
		if (!strcmp(argv[0], shell_commands[i].name))
			return shell_commands[i].run(argc, argv);
	sh_printf("unknown command '%s' (try 'help')\n", argv[0]);
	return -HV_ENOENT;
}

/* Enter: run the line. What the command prints, also through hv_printf() on this CPU (say,
 * "partition P: stopped"), is collected and written at once after the echo. In script mode
 * the echo is the whole line and the reply, one JSON object with the output and the status,
 * follows it in the same write, so no other CPU's line can come between (docs/console.md,
 * script mode). Partition events go to the console while its lines are script-mode ones. */
static void end_of_line(void)
{
	int rc;

	line[line_len] = '\0';
	event_consumer(script);
	if (script) {
		echo_flush();
	} else {
		echo_add("\n", 1);
		echo_flush();
	}
	log_capture(sh_capture);
	rc = run_line(line);
	log_capture(NULL);
	sh_flush();
	if (script)
		sh_reply_end(rc);
	sh_report_end();
	line_len = 0;
	script = 0;
	if (!att_chan)
		shell_prompt();
	else
		byte_chan_attach(att_chan, true); /* after "console: attached": its prompt */
}

static void edit(int c)
{
	char ch = (char)c;

	if (c == SHELL_SCRIPT_KEY && !line_len) {
		script = 1;
	} else if (c == SHELL_KILL_KEY) {
		if (line_len && !script)
			echo_add(" ^U\n" PROMPT, 4 + sizeof(PROMPT) - 1);
		line_len = 0;
		script = 0;
	} else if ((c == 0x7f || c == '\b') && line_len) {
		line_len--;
		if (!script)
			echo_add("\b \b", 3);
	} else if (c >= ' ' && c < 0x7f && line_len < LINE_MAX_LEN - 1) {
		line[line_len++] = ch;
		if (!script)
			echo_add(&ch, 1);
	}
}

void shell_attach(struct partition *p, struct byte_chan *c)
{
	att_part = p;
	att_chan = c; /* attached once its message is out (end_of_line()) */
}

/* Attached: every byte but the detach key goes to the partition (a full ring drops it). */
static void attached_input(int c)
{
	uint8_t b = (uint8_t)c;

	if (c != SHELL_DETACH_KEY) {
		byte_chan_inject(att_chan, &b, 1);
		return;
	}
	byte_chan_attach(att_chan, false); /* its unfinished line gives way to the shell's */
	sh_printf("console: detached from %s, back to the shell\n", att_part->name);
	sh_flush();
	att_chan = NULL;
	att_part = NULL;
	shell_prompt();
}

void shell_input(int c)
{
	if (att_chan)
		attached_input(c);
	else if (c == '\r' || c == '\n')
		end_of_line();
	else
		edit(c);
}

/* Take every character waiting. */
bool shell_poll(void)
{
	bool took = false;
	int c;

	if (!arch_spin_trylock(&shell_lock))
		return false;
	shell_cpu = arch_cpu_id();
	while ((c = console_getc()) >= 0) {
		took = true;
		shell_input(c);
	}
	echo_flush();
	shell_cpu = ~0u;
	arch_spin_unlock(&shell_lock);
	return took;
}

/* This CPU parks after a fatal report: if it was running the shell, the command it ran is
 * abandoned (its buffered output dropped) and the shell is handed to the next console CPU. */
void shell_fatal(void)
{
	if (shell_cpu != arch_cpu_id())
		return;
	log_capture(NULL);
	log_mute(0);
	sh_abandon();
	line_len = 0;
	script = 0;
	echo_len = 0;
	if (!att_chan)
		shell_prompt();
	shell_cpu = ~0u;
	arch_spin_unlock(&shell_lock);
}

void shell_prompt(void)
{
	console_shell_write(PROMPT, sizeof(PROMPT) - 1);
}
