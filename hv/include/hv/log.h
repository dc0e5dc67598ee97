/* log.h - the hypervisor's message log: a small ring of recent messages with a level and a
 * time stamp, shown by the shell's "log". Every hv_printf() message is recorded at LOG_INFO,
 * hv_log() records at any level; both print only what the console level lets through. A
 * partition's console line ("[label] text") and the shell's reports are neither recorded nor
 * filtered. */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_ERR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_NR_LEVELS,
};

#define LOG_ENTRIES   64  /* messages kept */
#define LOG_MSG_MAX   120 /* characters kept per message */
#define LOG_PRINT_MAX 512 /* characters printed per message (longer ones are cut) */

/* One recorded message (one line, without its newline). */
struct log_entry {
	uint64_t time; /* arch_time_now() when recorded */
	uint32_t seq;  /* 1, 2, ... over the whole run */
	enum log_level level;
	char msg[LOG_MSG_MAX];
};

/* Record each line of text at level; returns whether the console should print it (1 also
 * for partition console lines and muted shell reports, which are not recorded). */
int log_record(enum log_level level, const char *text);

/* Record at level and print on the console if level <= the console level. */
int hv_log(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hv_vlog(enum log_level level, const char *fmt, va_list ap);

/* Messages printed by the calling CPU are not recorded while muted (the shell's reports). */
void log_mute(int on);

/* Test image only (mutation "reword", docs/security.md): the human wording of the partition
 * messages and of the shell's output changes (here: upper case; JSON lines stay), to show that
 * bhctl and the tests read only the JSON replies and events. */
void log_reword(char *s, size_t n);

/* While fn is set, what the calling CPU would print goes to fn instead (the shell collects a
 * command's messages into its output, written at once); NULL ends it. A fatal report
 * (console_fatal_begin()) is never captured: it goes to the console, whatever the level. */
void log_capture(void (*fn)(const char *text));

/* The console level (default LOG_INFO) and its names ("err", "warn", "info", "debug"). */
enum log_level log_console_level(void);
void log_set_console_level(enum log_level level);
const char *log_level_name(enum log_level level);
int log_level_parse(const char *name); /* level, or -HV_EINVAL */

/* Copy of the n-th newest entry (0 = newest); 0, or -HV_ENOENT past the oldest kept. */
int log_get(unsigned int n, struct log_entry *out);

#endif
