/* log.c - "log [N]" (the newest hypervisor messages, oldest first: sequence number,
 * seconds since boot, level, text) and
 * "loglevel [LEVEL]" (which hv_log() messages the console prints). */
#include <stdbool.h>
#include <stdlib.h>
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/log.h>
#include <hv/shell.h>
#include "priv.h"

#define LOG_DEFAULT 20

uint64_t shell_ms(uint64_t ticks)
{
	uint64_t f = arch_time_freq();

	return f ? ticks / (f / 1000 ? f / 1000 : 1) : 0;
}

/* The n newest messages, oldest first: as text, or as the reply's data
 * ,"log":[{"seq":N,"time_ms":T,"level":"info","msg":"..."},...]. */
static void print_log(unsigned long n, bool json)
{
	struct log_entry e;
	int first = 1;

	if (json)
		sh_printf(",\"log\":[");
	for (; n; n--) {
		uint64_t ms;

		if (log_get((unsigned int)n - 1, &e))
			continue;
		ms = shell_ms(e.time);
		if (json) {
			sh_printf("%s{\"seq\":%lu,\"time_ms\":%llu,\"level\":\"%s\",\"msg\":",
				  first ? "" : ",", (unsigned long)e.seq, (unsigned long long)ms,
				  log_level_name(e.level));
			sh_json_str(e.msg);
			sh_printf("}");
			first = 0;
		} else {
			sh_printf("%4lu %5lu.%03lu %-5s %s\n", (unsigned long)e.seq,
				  (unsigned long)(ms / 1000), (unsigned long)(ms % 1000),
				  log_level_name(e.level), e.msg);
		}
	}
	if (json)
		sh_printf("]");
}

int cmd_log(int argc, char **argv)
{
	unsigned long n = LOG_DEFAULT;
	struct log_entry e;
	struct sh_args a;
	char *end;

	if (shell_args(argc, argv, 0, 0, 1, &a))
		return -HV_EINVAL;
	if (a.npos) {
		n = strtoul(a.pos[0], &end, 10);
		if (*end || !n)
			return shell_usage(argv[0]);
	}
	if (n > LOG_ENTRIES)
		n = LOG_ENTRIES;
	while (n && log_get((unsigned int)n - 1, &e))
		n--;
	print_log(n, false);
	if (sh_data_begin()) {
		print_log(n, true);
		sh_data_end();
	}
	return 0;
}

int cmd_loglevel(int argc, char **argv)
{
	struct sh_args a;
	int level;

	if (shell_args(argc, argv, 0, 0, 1, &a))
		return -HV_EINVAL;
	if (a.npos) {
		level = log_level_parse(a.pos[0]);
		if (level < 0)
			return shell_usage(argv[0]);
		log_set_console_level((enum log_level)level);
	}
	sh_printf("loglevel %s\n", log_level_name(log_console_level()));
	if (sh_data_begin()) {
		sh_printf(",\"loglevel\":\"%s\"", log_level_name(log_console_level()));
		sh_data_end();
	}
	return 0;
}
