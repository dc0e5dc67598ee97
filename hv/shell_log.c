/* shell_log.c - "log [N]" (the newest hypervisor messages, oldest first: sequence number,
 * seconds since boot, level, text) and
 * "loglevel [LEVEL]" (which hv_log() messages the console prints). */
#include <errno.h>
#include <stdlib.h>
#include <hv/arch.h>
#include <hv/log.h>
#include <hv/shell.h>
#include "shell_priv.h"

#define LOG_DEFAULT	20

uint64_t shell_ms(uint64_t ticks)
{
	uint64_t f = arch_time_freq();

	return f ? ticks / (f / 1000 ? f / 1000 : 1) : 0;
}

int cmd_log(int argc, char **argv)
{
	unsigned long n = LOG_DEFAULT;
	struct log_entry e;
	struct sh_args a;
	char *end;

	if (shell_args(argc, argv, 0, 0, 1, &a))
		return -EINVAL;
	if (a.npos) {
		n = strtoul(a.pos[0], &end, 10);
		if (*end || !n)
			return shell_usage(argv[0]);
	}
	if (n > LOG_ENTRIES)
		n = LOG_ENTRIES;
	while (n && log_get((unsigned int)n - 1, &e))
		n--;
	for (; n; n--) {
		uint64_t ms;

		if (log_get((unsigned int)n - 1, &e))
			continue;
		ms = shell_ms(e.time);
		sh_printf("%4lu %5lu.%03lu %-5s %s\n", (unsigned long)e.seq,
			  (unsigned long)(ms / 1000), (unsigned long)(ms % 1000),
			  log_level_name(e.level), e.msg);
	}
	return 0;
}

int cmd_loglevel(int argc, char **argv)
{
	struct sh_args a;
	int level;

	if (shell_args(argc, argv, 0, 0, 1, &a))
		return -EINVAL;
	if (a.npos) {
		level = log_level_parse(a.pos[0]);
		if (level < 0)
			return shell_usage(argv[0]);
		log_set_console_level((enum log_level)level);
	}
	sh_printf("loglevel %s\n", log_level_name(log_console_level()));
	return 0;
}
