// SPDX-License-Identifier: MIT
/*
 * /init of the Linux test initramfs (scripts/build-initramfs.sh, docs/linux.md).
 *
 * A static hard-float program run as PID 1: it mounts devtmpfs, proc, sysfs and debugfs,
 * attaches to /dev/console, reports itself, the number of CPUs and one floating-point result,
 * and then answers one command per console line so that tests can drive Linux through its
 * console.
 * Every reply line starts with "bulkhead-linux: " and the prompt is "linux> ".
 *
 * Commands: help, echo TEXT, cpus, fp, uname, uptime, syscalls N, cat FILE, run PROG [ARGS...],
 * insmod FILE.ko, ttyio TTY MS TEXT, sync, reboot, halt, poweroff.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <poll.h>
#include <termios.h>

#define TAG          "bulkhead-linux: "
#define PROMPT       "linux> "
#define LINE_MAX_LEN 512
#define MAX_ARGS     64

/* One pseudo filesystem to mount at start. */
struct early_mount {
	const char *type;
	const char *dir;
};

static const struct early_mount early_mounts[] = {
	{ "devtmpfs", "/dev" },
	{ "proc", "/proc" },
	{ "sysfs", "/sys" },
	{ "debugfs", "/sys/kernel/debug" }, /* bhdev.ko shows its lines there */
};

static void mount_early(void)
{
	for (size_t i = 0; i < sizeof(early_mounts) / sizeof(early_mounts[0]); i++) {
		const struct early_mount *m = &early_mounts[i];

		mkdir(m->dir, 0755);
		if (mount(m->type, m->dir, m->type, 0, NULL) && errno != EBUSY)
			fprintf(stderr, TAG "mount %s on %s: %s\n", m->type, m->dir,
				strerror(errno));
	}
}

/*
 * The kernel opens /dev/console for PID 1 from the initramfs's node; if that failed, attach
 * stdin/stdout/stderr to the devtmpfs one instead.
 */
static void attach_console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) != -1)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Number of "processor" lines in /proc/cpuinfo, or -1 if it cannot be read. */
static int count_cpus(void)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "processor", 9))
			n++;
	fclose(f);
	return n;
}

/*
 * sqrt(2) by Newton's method and pi from sqrt(6 * sum 1/k^2): real FPU work at run time (the
 * volatile seed stops the compiler from folding it), with fixed printed results to compare.
 */
static void fp_report(void)
{
	volatile double seed = 2.0;
	double x = seed, basel = 0.0;

	for (int i = 0; i < 8; i++)
		x = 0.5 * (x + seed / x);
	for (int k = 1; k <= 100000; k++)
		basel += 1.0 / ((double)k * k);
	printf(TAG "fp sqrt2=%.9f pi~%.6f\n", x, sqrt(6.0 * basel));
}

/* Time since boot in ms by the kernel's clock (emulated time under QEMU -icount). */
static long long uptime_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return -1;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_uptime(void)
{
	long long ms = uptime_ms();

	printf(TAG "uptime %lld.%03lld s\n", ms / 1000, ms % 1000);
}

/* N getppid system calls back to back: the cost of a syscall round trip. */
static void cmd_syscalls(const char *arg)
{
	long n = strtol(arg, NULL, 0);
	struct timespec a, b;
	long long ns;

	if (n <= 0 || n > 100000000) {
		printf(TAG "syscalls: count must be 1..100000000\n");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (long long)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
	printf(TAG "syscalls %ld in %lld ns (%lld ns each)\n", n, ns, ns / n);
}

static void cmd_cat(const char *path)
{
	char buf[512];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf(TAG "cat %s: %s\n", path, strerror(errno));
		return;
	}
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, n) != n)
			break;
	close(fd);
}

/* Load a kernel module from a file (finit_module: no module tools needed). */
static void cmd_insmod(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
		printf(TAG "insmod %s: %s\n", path, strerror(errno));
	else
		printf(TAG "insmod %s: loaded\n", path);
	if (fd >= 0)
		close(fd);
}

/* Run a program in the foreground and report how it ended (exit code or signal). */
static void cmd_run(char **argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf(TAG "run %s: fork: %s\n", argv[0], strerror(errno));
		return;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		printf(TAG "run %s: %s\n", argv[0], strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	if (WIFSIGNALED(status))
		printf(TAG "run %s: killed by signal %d\n", argv[0], WTERMSIG(status));
	else
		printf(TAG "run %s: exit %d\n", argv[0], WEXITSTATUS(status));
}

/*
 * The interrupts counted so far on the /proc/interrupts line whose name (the last word) is
 * name, summed over CPUs; -1 when there is no such line (the 8250 driver requests its
 * interrupt only while the port is open).
 */
static long long irq_count(const char *name)
{
	char line[512];
	long long total = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	while (total < 0 && fgets(line, sizeof(line), f)) {
		char *end = line + strcspn(line, "\r\n"), *p = strchr(line, ':');
		size_t len = strlen(name);

		*end = 0;
		if (!p || (size_t)(end - line) < len || strcmp(end - len, name) ||
		    end[-(long)len - 1] != ' ')
			continue;
		total = 0;
		/* the per-CPU counts follow the colon; the first other word ends them */
		for (char *w = strtok(p + 1, " "); w && strspn(w, "0123456789") == strlen(w);
		     w = strtok(NULL, " "))
			total += strtoll(w, NULL, 10);
	}
	fclose(f);
	return total;
}

/*
 * A serial port as a user drives it: open TTY in raw mode (no echo, no line discipline
 * processing), write TEXT and CR LF, then read one line (up to LF, CR dropped) within MS
 * milliseconds. The read is bounded by the buffer and by MS of poll(2) per byte. Prints the
 * port's interrupt count (/proc/interrupts) after the open and before the close.
 */
static void cmd_ttyio(const char *tty, const char *ms_arg, const char *text)
{
	char line[LINE_MAX_LEN];
	struct termios t;
	size_t n = 0;
	int ms = (int)strtol(ms_arg, NULL, 0);
	int fd = open(tty, O_RDWR | O_NOCTTY);
	const char *name = strrchr(tty, '/') ? strrchr(tty, '/') + 1 : tty;
	long long irqs;

	if (fd < 0) {
		printf(TAG "ttyio %s: %s\n", tty, strerror(errno));
		return;
	}
	irqs = irq_count(name);
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD; /* no modem lines: never hang up */
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	tcflush(fd, TCIFLUSH);
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\r\n", 2) < 0)
		printf(TAG "ttyio %s: write: %s\n", tty, strerror(errno));
	tcdrain(fd);
	printf(TAG "ttyio %s: wrote %zu bytes\n", tty, strlen(text) + 2);
	while (n < sizeof(line) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;
		char c;
		int k = poll(&p, 1, ms);

		if (k <= 0) {
			printf(TAG "ttyio %s: poll %d (%s)\n", tty, k,
			       k ? strerror(errno) : "timeout");
			break;
		}
		r = read(fd, &c, 1);
		if (r != 1) {
			printf(TAG "ttyio %s: read %zd (%s)\n", tty, r,
			       r ? strerror(errno) : "eof");
			break;
		}
		if (c == '\n')
			break;
		if (c != '\r')
			line[n++] = c;
	}
	line[n] = 0;
	printf(TAG "ttyio %s: interrupts %lld -> %lld\n", tty, irqs, irq_count(name));
	printf(TAG "ttyio %s: read '%s'\n", tty, line);
	close(fd);
}

static void cmd_power(int how, const char *what)
{
	printf(TAG "%s\n", what);
	fflush(stdout);
	sync();
	reboot(how);
	printf(TAG "%s: %s\n", what, strerror(errno));
}

/* Split a line into at most MAX_ARGS - 1 whitespace-separated words; returns the count. */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && argc < MAX_ARGS - 1;
	     w = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return argc;
}

static void execute(char *line)
{
	char *argv[MAX_ARGS];
	struct utsname u;
	char *rest;
	int argc;

	/* "echo" keeps its text verbatim (minus the line end). */
	if (!strncmp(line, "echo", 4) && (line[4] == ' ' || line[4] == '\n' || !line[4])) {
		rest = line[4] ? line + 5 : line + 4;
		rest[strcspn(rest, "\r\n")] = '\0';
		printf(TAG "echo %s\n", rest);
		return;
	}
	argc = split(line, argv);
	if (!argc)
		return;
	if (!strcmp(argv[0], "help")) {
		printf(TAG "commands: help echo cpus fp uname uptime syscalls cat run insmod"
			   " ttyio sync reboot halt poweroff\n");
	} else if (!strcmp(argv[0], "cpus")) {
		printf(TAG "cpus %d\n", count_cpus());
	} else if (!strcmp(argv[0], "fp")) {
		fp_report();
	} else if (!strcmp(argv[0], "uname")) {
		if (!uname(&u))
			printf(TAG "uname %s %s %s\n", u.sysname, u.release, u.machine);
	} else if (!strcmp(argv[0], "uptime")) {
		print_uptime();
	} else if (!strcmp(argv[0], "syscalls") && argc == 2) {
		cmd_syscalls(argv[1]);
	} else if (!strcmp(argv[0], "cat") && argc == 2) {
		cmd_cat(argv[1]);
	} else if (!strcmp(argv[0], "run") && argc >= 2) {
		cmd_run(argv + 1);
	} else if (!strcmp(argv[0], "insmod") && argc == 2) {
		cmd_insmod(argv[1]);
	} else if (!strcmp(argv[0], "ttyio") && argc == 4) {
		cmd_ttyio(argv[1], argv[2], argv[3]);
	} else if (!strcmp(argv[0], "sync")) {
		sync();
		printf(TAG "synced\n");
	} else if (!strcmp(argv[0], "reboot")) {
		cmd_power(RB_AUTOBOOT, "reboot");
	} else if (!strcmp(argv[0], "halt")) {
		cmd_power(RB_HALT_SYSTEM, "halt");
	} else if (!strcmp(argv[0], "poweroff")) {
		cmd_power(RB_POWER_OFF, "poweroff");
	} else {
		printf(TAG "unknown command '%s' (try help)\n", argv[0]);
	}
}

int main(void)
{
	char line[LINE_MAX_LEN];

	mount_early();
	attach_console();
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf(TAG "init started (pid %d)\n", (int)getpid());
	print_uptime();
	printf(TAG "cpus %d\n", count_cpus());
	fp_report();

	printf(PROMPT);
	fflush(stdout);
	for (;;) {
		if (!fgets(line, sizeof(line), stdin)) {
			/* PID 1 must not exit (the kernel would panic): wait for input again. */
			clearerr(stdin);
			sleep(1);
			continue;
		}
		execute(line);
		/* Reap any orphan that PID 1 inherited. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		printf(PROMPT);
		fflush(stdout);
	}
}
