/* main.c - bhctl: one binary for every host command; dispatch on the first argument. */
#include <stdio.h>
#include <string.h>
#include "bhctl.h"

/* Every command group; add yours here (one file per group, see cmd_config.c). */
static const struct bhctl_cmd *const commands[] = {
	&bhctl_cmd_config, &bhctl_cmd_console, &bhctl_cmd_gdb,  &bhctl_cmd_list,
	&bhctl_cmd_status, &bhctl_cmd_start,   &bhctl_cmd_stop, &bhctl_cmd_restart,
	&bhctl_cmd_stats,  &bhctl_cmd_devices, &bhctl_cmd_dma,  &bhctl_cmd_shell,
};

#define NR_COMMANDS ((int)(sizeof(commands) / sizeof(commands[0])))

static void usage(FILE *out)
{
	fprintf(out, "usage: bhctl <command> [args...]\n\ncommands:\n");
	for (int i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\n'bhctl help <command>' shows a command's usage.\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	bool help =
		name && (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"));

	if (!name || (help && argc < 3)) {
		usage(help ? stdout : stderr);
		return help ? BHCTL_OK : BHCTL_USAGE;
	}
	if (help)
		name = argv[2];
	for (int i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(name, commands[i]->name))
			continue;
		if (help) {
			commands[i]->usage(stdout);
			return BHCTL_OK;
		}
		return commands[i]->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "bhctl: unknown command '%s'\n", name);
	usage(stderr);
	return BHCTL_USAGE;
}
