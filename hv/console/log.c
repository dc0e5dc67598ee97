/* log.c - ring of the most recent hypervisor messages (hv/include/hv/log.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/log.h>
#include <hv/mutate.h>

#define NO_CPU (~0u)

static struct log_entry ring[LOG_ENTRIES];
static uint32_t next_seq = 1;                     /* ring[(seq - 1) % LOG_ENTRIES] holds seq */
static arch_spinlock_t lock;                      /* guards ring and next_seq */
static volatile unsigned int lock_owner = NO_CPU; /* CPU holding lock */
static volatile unsigned int muted_cpu = NO_CPU;
static volatile unsigned int capture_cpu = NO_CPU; /* its messages go to capture_fn */
static void (*capture_fn)(const char *text);
static enum log_level console_level = LOG_INFO;
static const char *const names[LOG_NR_LEVELS] = { "err", "warn", "info", "debug" };

static void add_line(enum log_level level, const char *s, size_t len)
{
	struct log_entry *e;

	if (!len)
		return;
	if (len >= LOG_MSG_MAX)
		len = LOG_MSG_MAX - 1;
	if (lock_owner == arch_cpu_id())
		return; /* a fatal report of a CPU that faulted in here: not recorded */
	while (!arch_spin_trylock(&lock))
		arch_cpu_relax();
	lock_owner = arch_cpu_id();
	e = &ring[(next_seq - 1) % LOG_ENTRIES];
	e->seq = next_seq++;
	e->time = arch_time_now();
	e->level = level;
	memcpy(e->msg, s, len);
	e->msg[len] = '\0';
	lock_owner = NO_CPU;
	arch_spin_unlock(&lock);
}

int log_record(enum log_level level, const char *text)
{
	unsigned int cpu = arch_cpu_id();
	int fatal = console_fatal();
	int print = text[0] == '[' || muted_cpu == cpu || level <= console_level || fatal;
	int record = text[0] != '[' && (muted_cpu != cpu || fatal);

	for (const char *s = text; record && *s;) {
		size_t n = strcspn(s, "\r\n");

		add_line(level, s, n);
		s += n;
		s += strspn(s, "\r\n");
	}
	if (print && !fatal && capture_fn && capture_cpu == cpu) {
		capture_fn(text);
		return 0;
	}
	return print;
}

void log_capture(void (*fn)(const char *text))
{
	capture_cpu = fn ? arch_cpu_id() : NO_CPU;
	capture_fn = fn;
}

int hv_vlog(enum log_level level, const char *fmt, va_list ap)
{
	char buf[LOG_PRINT_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf))
		buf[sizeof(buf) - 2] = '\n'; /* cut short: still ends its line */
	if (hv_mutated("reword") && !strncmp(buf, "partition ", 10))
		log_reword(buf, strlen(buf));
	if (log_record(level, buf))
		console_write(buf, strlen(buf));
	return n;
}

int hv_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vlog(level, fmt, ap);
	va_end(ap);
	return n;
}

/* Letters in upper case, in every line that is not JSON ('{'): the words stay readable, and
 * no program that matches the usual wording finds them. */
void log_reword(char *s, size_t n)
{
	bool json = false;

	for (size_t i = 0; i < n; i++) {
		if (!i || s[i - 1] == '\n')
			json = s[i] == '{';
		if (!json && s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	}
}

void log_mute(int on)
{
	muted_cpu = on ? arch_cpu_id() : NO_CPU;
}

enum log_level log_console_level(void)
{
	return console_level;
}

void log_set_console_level(enum log_level level)
{
	console_level = level;
}

const char *log_level_name(enum log_level level)
{
	return (unsigned int)level < LOG_NR_LEVELS ? names[level] : "?";
}

int log_level_parse(const char *name)
{
	for (int i = 0; i < LOG_NR_LEVELS; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -HV_EINVAL;
}

int log_get(unsigned int n, struct log_entry *out)
{
	uint32_t seq;
	int err = -HV_ENOENT;

	while (!arch_spin_trylock(&lock))
		arch_cpu_relax();
	lock_owner = arch_cpu_id();
	seq = next_seq - 1 - n;
	if (n < LOG_ENTRIES && n < next_seq - 1) {
		*out = ring[(seq - 1) % LOG_ENTRIES];
		err = 0;
	}
	lock_owner = NO_CPU;
	arch_spin_unlock(&lock);
	return err;
}
