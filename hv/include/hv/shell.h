/* shell.h - the hypervisor's command shell on the console. */
#ifndef HV_SHELL_H
#define HV_SHELL_H

/* One shell command: name, one-line usage, handler (argv[0] is the name). */
struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(int argc, char **argv);
};

/* The command table (shell_cmds.c). */
extern const struct shell_cmd shell_commands[];
extern const size_t shell_nr_commands;

/* "help": every command's usage and summary. */
int shell_help(int argc, char **argv);

struct partition;
/* The partition argv[1] names (label or number); NULL after printing usage/why. */
struct partition *shell_partition_arg(int argc, char **argv, const char *usage);

/* Feed one input character; runs a command when a line is complete. */
void shell_input(int c);

/* Process console input if any is waiting (called from the boot CPU's idle loop). */
void shell_poll(void);

/* Print the prompt. */
void shell_prompt(void);

#endif
