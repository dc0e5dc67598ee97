/* cmd_console.c - "bhctl console [PARTITION]": the hypervisor console on this terminal, raw;
 * with PARTITION, attached to that partition's console. Ctrl-] (handled by the hypervisor)
 * returns from a partition's console to the shell; Ctrl-\ leaves bhctl. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "bhctl.h"
#include "hv_conn.h"

static struct termios saved;
static int raw_on;

static void restore_terminal(void)
{
	if (raw_on)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	raw_on = 0;
}

static void raw_terminal(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved))
		return;
	t = saved;
	cfmakeraw(&t);
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t)) {
		raw_on = 1;
		atexit(restore_terminal);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bhctl console [--socket PATH | --tty DEV [--baud N]] [--timeout SEC] "
		"[PARTITION]\n"
		"  The hypervisor console on this terminal: its shell, or with PARTITION that "
		"partition's\n  console (input goes only to it). Ctrl-] returns from a partition's "
		"console to the\n  shell ('console P' there switches); Ctrl-\\ leaves bhctl. The "
		"console defaults to\n  $BHCTL_SOCKET.\n");
}

static int out_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy between the terminal and the console until Ctrl-\, end of input or a closed line. */
static int relay(struct hv_conn *c)
{
	struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
			       { .fd = c->fd, .events = POLLIN } };
	char buf[4096];

	for (;;) {
		ssize_t n;
		char *q;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			c->len = 0;
			if (hv_fill(c, 0) < 0) {
				fprintf(stderr, "\r\nbhctl: the console closed\r\n");
				return BHCTL_NOHV;
			}
			out_all(STDOUT_FILENO, c->buf, c->len);
		}
		if (!p[0].revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n <= 0)
			return BHCTL_OK;
		q = memchr(buf, BHCTL_QUIT_KEY, (size_t)n);
		if (hv_send(c, buf, q ? (size_t)(q - buf) : (size_t)n))
			return BHCTL_NOHV;
		if (q) {
			fprintf(stderr, "\r\nbhctl: left the console\r\n");
			return BHCTL_OK;
		}
	}
}

static int run(int argc, char **argv)
{
	struct hv_target t;
	struct hv_conn *c;
	char line[128];
	int err;

	argc = hv_target_args(argc, argv, &t);
	if (argc < 0 || argc > 2 ||
	    (argc == 2 &&
	     (argv[1][0] == '-' || strlen(argv[1]) > 64 || strpbrk(argv[1], " \t\r\n")))) {
		usage(stderr);
		return BHCTL_USAGE;
	}
	c = hv_connect(&t, &err);
	if (!c)
		return err;
	if (!err) {
		fprintf(stderr,
			"bhctl: connected to %s. Ctrl-] returns from a partition's console "
			"to the shell, Ctrl-\\ leaves bhctl.\n",
			c->name);
		snprintf(line, sizeof(line), "console %s\r", argc == 2 ? argv[1] : "");
		if (argc == 2)
			err = hv_send(c, line, strlen(line)) ? BHCTL_NOHV : 0;
		else
			err = out_all(STDOUT_FILENO, HV_PROMPT, strlen(HV_PROMPT)) ? BHCTL_NOHV : 0;
	}
	if (!err) {
		raw_terminal();
		err = relay(c);
		restore_terminal();
	}
	hv_close(c);
	free(c);
	return err;
}

const struct bhctl_cmd bhctl_cmd_console = {
	"console",
	"the hypervisor console, or one partition's, on this terminal",
	usage,
	run,
};
