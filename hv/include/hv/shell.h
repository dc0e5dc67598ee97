/* shell.h - the hypervisor's command shell on the console UART (docs/console.md): line
 * editing, commands, script mode for bhctl, and attaching the UART input to a partition's
 * console byte channel. */
#ifndef HV_SHELL_H
#define HV_SHELL_H

#include <stdbool.h>
#include <stddef.h>

/* One shell command: name, one-line usage, summary, handler (argv[0] is the name). The
 * handler returns 0 or a negative error code (the script-mode reply's "rc"). */
struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(int argc, char **argv);
};

/* The command table (shell/cmds.c). */
extern const struct shell_cmd shell_commands[];
extern const size_t shell_nr_commands;

/* "help [CMD]": every command's usage and summary, or one command's. */
int shell_help(int argc, char **argv);

/* Print "usage: <usage of cmd>"; returns -HV_EINVAL for the handler to return. */
int shell_usage(const char *cmd);

struct partition;
/* The partition name (label or 1-based number) names; NULL after printing
 * "<cmd>: no partition '<name>' (see 'list')". */
struct partition *shell_find_partition(const char *cmd, const char *name);

/* {"id":1,"name":"p0","state":"running"} (without its "}" unless close, for more fields);
 * sh_data_part(): the reply's data ,"partition":{...} (script mode). */
void sh_json_part(const struct partition *p, bool close);
void sh_data_part(const struct partition *p);

/* "CMD PARTITION": *p from argv[1]; 0, or -HV_EINVAL (usage) / -HV_ENOENT after printing why. */
int shell_partition_arg(int argc, char **argv, struct partition **p);

/* Command options: --json and --clear are flags, the rest positional. Returns 0, or
 * shell_usage(argv[0]) when a flag outside allowed or too many/few positionals is given. */
#define SH_JSON  (1u << 0)
#define SH_CLEAR (1u << 1)
struct sh_args {
	unsigned int flags;
	int npos;
	char *pos[8];
};
int shell_args(int argc, char **argv, unsigned int allowed, int min_pos, int max_pos,
	       struct sh_args *a);

/* Command output, collected in a buffer (with the command's hv_printf() messages) and written
 * at once when the command ends (in whole lines when it exceeds the buffer), so that other
 * CPUs' lines cannot split it. */
void sh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sh_json_str(const char *s);   /* s as a JSON string literal */
void sh_capture(const char *text); /* hv_printf() text of this CPU during a command */
void sh_flush(void);

/* An output larger than the buffer (a device tree) still goes out as one unit: the console
 * is held from sh_report_begin() until the command's output is written (the shell calls
 * sh_report_end()). Only for commands that print and take no other lock meanwhile. */
void sh_report_begin(void);
void sh_report_end(void);

/* Script mode (shell/reply.c, docs/console.md): the reply is the echoed line and one JSON
 * object on one line, {"cmd","out","rc","err", data...}. sh_reply_begin() starts it (line:
 * the command line, cmd: its first word), the human output goes into "out"
 * (sh_reply_out(), from the output buffer), sh_reply_end() adds rc, its name and the data
 * and writes it. sh_script(): a script-mode command is running. */
void sh_reply_begin(const char *line, const char *cmd);
void sh_reply_out(const char *s, size_t n);
void sh_reply_end(int rc);
void sh_reply_drop(void); /* the command is abandoned: no reply */
bool sh_script(void);
const char *sh_err_name(int err); /* "ENOENT" for -HV_ENOENT; NULL for 0 */

/* A command's data fields: between sh_data_begin() (true only in script mode, and then it
 * must be ended) and sh_data_end(), sh_printf() and sh_json_str() write the reply's data
 * instead of the human output, as fields each starting with a comma: ,"key":value.
 * sh_data_add(): the sh_printf() hook (false: not collecting data). */
bool sh_data_begin(void);
void sh_data_end(void);
bool sh_data_add(const char *s, size_t n);

/* Drop the running command's output (its CPU is parking after a fatal fault). */
void sh_abandon(void);

/* Send the UART input to byte channel c of partition p until Ctrl-] (shell/cmds.c's
 * "console P"). */
struct byte_chan;
void shell_attach(struct partition *p, struct byte_chan *c);

#define SHELL_DETACH_KEY 0x1d /* Ctrl-]: back from a partition's console */
#define SHELL_SCRIPT_KEY 0x02 /* Ctrl-B at a line start: script mode (bhctl) */
#define SHELL_KILL_KEY   0x15 /* Ctrl-U: forget the line typed so far */

/* Feed one input character; runs a command when a line is complete. */
void shell_input(int c);

/* Process console input if any is waiting (called from the console CPU's idle loop). True
 * when it took at least one character. */
bool shell_poll(void);

/* Print the prompt. */
void shell_prompt(void);

/* Called by a CPU that parks after a fatal fault: gives up the shell if this CPU ran it. */
void shell_fatal(void);

#endif
