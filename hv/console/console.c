/* console.c - hypervisor console on the UART the hardware tree names in stdout-path, and its
 * line discipline: every line on the wire is written whole by one CPU (docs/console.md, "One
 * line is one write").
 *
 * Two kinds of writers share the line:
 *  - console_write(): whole lines from any CPU (messages, partition console lines);
 *  - console_shell_write(): the shell's stream, which may leave an open line (the prompt and
 *    the characters typed so far).
 * When a whole line must go out while the shell's line is open, the open line is closed
 * (blank, CR LF), the line is written at column 0, and the open line is shown again when the
 * console lock is released. While a partition's console is attached, that partition's
 * unfinished line (a prompt, the echo of what is typed) is the open line instead, so the
 * operator sees it as it is written, and its newline ends it in place. A report (several lines that belong together) holds the lock
 * across its writes; the owner may take the lock again, so a fatal report on a CPU that
 * faulted inside a write neither deadlocks nor waits. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/err.h>
#include <hv/log.h>
#include <hv/mutate.h>
#include <hv/platform.h>

#define NO_OWNER      (~0u)
#define OPEN_LINE_MAX 256  /* prompt + the longest input line, with room to spare */
#define FATAL_WAIT_MS 2000 /* a fatal report waits this long for its turn, then takes it */

extern const struct console_driver ns16550_driver;

static const struct console_driver *const drivers[] = { &ns16550_driver };
static const struct console_driver *con;

/* The console lock guards the UART output and everything below. It is a ticket lock, so that
 * a CPU printing line after line (a partition flooding its console) cannot keep another CPU
 * (the shell's) out for ever: a CPU takes the next ticket and owns the console when serving
 * reaches it. con_owner is the CPU that owns it (NO_OWNER: free), con_depth how many times
 * that CPU took it. ticket_lock guards next_ticket, the advance of serving and dead[]. */
static arch_spinlock_t ticket_lock;
static uint32_t next_ticket;
static volatile uint32_t serving;
static volatile unsigned int con_owner = NO_OWNER;
static unsigned int con_depth;

/* Tickets of CPUs that parked before their turn came (a fatal report that had to take the
 * console from a holder that did not let go): skipped when serving reaches them. */
static struct {
	uint32_t ticket;
	int valid;
} dead[HV_NR_CPUS];

/* The open line: the one line that may be left without a newline on the wire. It is the
 * shell's (what it wrote since its last newline: prompt + echo), or, while the shell has none
 * because a partition's console is attached, that partition's unfinished output line (its
 * prompt, the echo of what is typed to it: console_guest_open()). shown: it is on the wire
 * right now, the cursor after it. */
enum open_owner { OPEN_SHELL, OPEN_GUEST };
static char open_line[OPEN_LINE_MAX];
static size_t open_len;
static int open_shown;
static enum open_owner open_owner;

/* CPUs writing a fatal report: their messages are never captured nor filtered. */
static volatile uint8_t fatal_cpu[HV_NR_CPUS];

static const struct console_driver *find_driver(unsigned int kind)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (drivers[i]->kind == kind)
			return drivers[i];
	return NULL;
}

int console_init(const struct plat_uart *u)
{
	const struct console_driver *drv = u ? find_driver(u->kind) : NULL;
	volatile uint8_t *regs = NULL;

	if (!drv || (u->io == PLAT_IO_PORT && !ARCH_HAS_PORT_IO))
		return -HV_ENODEV;
	if (u->io == PLAT_IO_MMIO)
		regs = arch_ioremap(u->base, u->size);
	if ((u->io == PLAT_IO_MMIO && !regs) || drv->init(u, regs))
		return -HV_EIO;
	con = drv;
	return 0;
}

static void put(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			con->putc('\r');
		con->putc(buf[i]);
	}
}

static void ticket_lock_take(void)
{
	while (!arch_spin_trylock(&ticket_lock))
		arch_cpu_relax();
}

static uint32_t take_ticket(void)
{
	uint32_t t;

	ticket_lock_take();
	t = next_ticket++;
	arch_spin_unlock(&ticket_lock);
	return t;
}

/* Under ticket_lock: the next ticket's turn, past those of parked CPUs. */
static void advance(void)
{
	int again = 1;

	serving = serving + 1;
	while (again) {
		again = 0;
		for (unsigned int i = 0; i < HV_NR_CPUS; i++) {
			if (dead[i].valid && dead[i].ticket == serving) {
				dead[i].valid = 0;
				serving = serving + 1;
				again = 1;
			}
		}
	}
}

/* Wait for ticket t's turn, at most until end (0: no limit); whether it came. */
static int wait_turn(uint32_t t, uint64_t end)
{
	while (serving != t) {
		if (end && arch_time_now() > end)
			return 0;
		arch_cpu_relax();
	}
	arch_mb(); /* the critical section after seeing our turn */
	return 1;
}

/* Set when the fatal report of a CPU took the console without its turn (ticket unserved):
 * then that CPU writes without taking the lock until console_fatal_end(). */
static volatile int fatal_stolen[HV_NR_CPUS];
static uint32_t fatal_ticket[HV_NR_CPUS], fatal_serving[HV_NR_CPUS];

static int stolen(unsigned int cpu)
{
	return cpu < HV_NR_CPUS && fatal_stolen[cpu];
}

static void lock(void)
{
	unsigned int me = arch_cpu_id();

	if (stolen(me))
		return;
	if (con_owner == me) {
		con_depth++;
		return;
	}
	wait_turn(take_ticket(), 0);
	con_owner = me;
	con_depth = 1;
}

/* The last release shows the shell's open line again if a whole line closed it, then lets the
 * next ticket in. A CPU whose console a fatal report took over (it held it for too long) no
 * longer owns it: nothing to do. */
static void unlock(void)
{
	unsigned int me = arch_cpu_id();

	if (stolen(me) || con_owner != me || --con_depth)
		return;
	if (con && open_len && !open_shown) {
		put(open_line, open_len);
		open_shown = 1;
	}
	con_owner = NO_OWNER;
	ticket_lock_take(); /* its release (sync) orders the output before the hand-over */
	advance();
	arch_spin_unlock(&ticket_lock);
}

/* Under the lock: buf (with or without its newline) is the guest's open line completed. */
static bool completes_guest_line(const char *buf, size_t len)
{
	if (buf[len - 1] == '\n')
		len--;
	return open_owner == OPEN_GUEST && open_shown && len == open_len &&
	       !memcmp(buf, open_line, len);
}

void console_write(const char *buf, size_t len)
{
	if (!con || !len)
		return;
	lock();
	if (completes_guest_line(buf, len)) {
		/* the attached partition's line, already on the wire: end it where it is */
		put("\n", 1);
		open_len = 0;
		open_shown = 0;
		open_owner = OPEN_SHELL;
		unlock();
		return;
	}
	if (open_shown && !hv_mutated("console-interleave")) {
		/* Close the shell's line, so that this one starts at column 0. The blank before
		 * the newline tells a program reading the wire that the line was interrupted, not
		 * entered (an Enter's echo ends in the typed text itself). */
		put(" \n", 2);
		open_shown = 0;
	}
	put(buf, len);
	if (buf[len - 1] != '\n')
		put("\n", 1);
	unlock();
}

/* Follow what the shell's bytes do to its open line: a newline ends it, a backspace takes
 * back one character (the echo of a deletion is "\b \b"). */
static void track_open(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			open_len = 0;
		else if (buf[i] == '\b')
			open_len -= open_len > 0;
		else if (buf[i] != '\r' && open_len < OPEN_LINE_MAX)
			open_line[open_len++] = buf[i];
	}
}

/* Under the lock: an open line of the guest's gives way to the shell's (closed if shown). */
static void drop_guest_line(void)
{
	if (open_owner != OPEN_GUEST)
		return;
	if (open_shown)
		put(" \n", 2);
	open_len = 0;
	open_shown = 0;
	open_owner = OPEN_SHELL;
}

void console_guest_open(const char *buf, size_t len)
{
	if (!con || !len || len > OPEN_LINE_MAX)
		return;
	lock();
	if (open_owner == OPEN_SHELL && open_len) {
		unlock(); /* the shell has a line open: the guest's waits for its newline */
		return;
	}
	if (open_shown && open_len <= len && !memcmp(open_line, buf, open_len)) {
		put(buf + open_len, len - open_len); /* it grew: only the new characters */
	} else {
		if (open_shown)
			put(" \n", 2);
		put(buf, len);
	}
	memcpy(open_line, buf, len);
	open_len = len;
	open_shown = 1;
	open_owner = OPEN_GUEST;
	unlock();
}

void console_guest_close(void)
{
	if (!con)
		return;
	lock();
	drop_guest_line();
	unlock();
}

void console_shell_write(const char *buf, size_t len)
{
	if (!con || !len)
		return;
	lock();
	drop_guest_line();
	if (open_len && !open_shown)
		put(open_line, open_len);
	put(buf, len);
	track_open(buf, len);
	open_shown = open_len > 0;
	unlock();
}

void console_report_begin(void)
{
	lock();
}

void console_report_end(void)
{
	unlock();
}

void console_fatal_begin(void)
{
	unsigned int me = arch_cpu_id();
	uint64_t end = arch_time_now() + arch_time_freq() / 1000 * FATAL_WAIT_MS;
	uint32_t t;

	if (me >= HV_NR_CPUS)
		return;
	fatal_cpu[me] = 1;
	if (con_owner == me) {
		con_depth++;
		return;
	}
	t = take_ticket();
	/* Bounded wait: a holder that never lets go (parked, or spinning for ever) loses it. */
	if (!wait_turn(t, end)) {
		fatal_ticket[me] = t;
		fatal_serving[me] = serving; /* the turn of the holder that did not let go */
		fatal_stolen[me] = 1;
	}
	con_owner = me;
	con_depth = 1;
}

int console_fatal(void)
{
	unsigned int me = arch_cpu_id();

	if (hv_mutated("fatal-captured"))
		return 0; /* negative control: the report goes where the CPU's output goes */
	return me < HV_NR_CPUS && fatal_cpu[me];
}

void console_fatal_end(void)
{
	unsigned int me = arch_cpu_id();

	if (me >= HV_NR_CPUS || con_owner != me)
		return;
	if (!fatal_stolen[me]) {
		con_depth = 1;
		unlock();
		return;
	}
	/* Taken without our turn: never serve our ticket, and end the turn of the holder that did
	 * not let go if it still has it (if it let go meanwhile, the queue moved on by itself). */
	con_owner = NO_OWNER;
	ticket_lock_take();
	if (serving == fatal_ticket[me]) {
		advance();
	} else {
		dead[me].ticket = fatal_ticket[me];
		dead[me].valid = 1;
		if (serving == fatal_serving[me])
			advance();
	}
	fatal_stolen[me] = 0;
	arch_spin_unlock(&ticket_lock);
}

int console_getc(void)
{
	return con ? con->getc() : CONSOLE_NO_CHAR;
}

int hv_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vlog(LOG_INFO, fmt, ap);
	va_end(ap);
	return n;
}
