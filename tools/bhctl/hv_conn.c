/* hv_conn.c - the console byte stream to a running hypervisor: a unix socket or a serial
 * tty, with timeouts on every wait. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "bhctl.h"
#include "hv_conn.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_BAUD       115200

static int opt_value(int argc, char **argv, int *i, const char **val)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "bhctl: %s needs a value\n", argv[*i]);
		return -1;
	}
	*val = argv[++*i];
	return 0;
}

int hv_target_args(int argc, char **argv, struct hv_target *t)
{
	const char *v;
	char *end;
	int n = 1;

	*t = (struct hv_target){ .socket = getenv("BHCTL_SOCKET"),
				 .baud = DEFAULT_BAUD,
				 .timeout_ms = DEFAULT_TIMEOUT_MS };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--socket") || !strcmp(a, "--tty") || !strcmp(a, "--baud") ||
		    !strcmp(a, "--timeout")) {
			if (opt_value(argc, argv, &i, &v))
				return -1;
			if (a[2] == 's') {
				t->socket = v;
				t->tty = NULL;
			} else if (a[2] == 't' && a[3] == 't') {
				t->tty = v;
				t->socket = NULL;
			} else {
				long x = strtol(v, &end, 10);

				if (*end || x <= 0) {
					fprintf(stderr, "bhctl: %s wants a positive number\n", a);
					return -1;
				}
				if (a[2] == 'b')
					t->baud = (int)x;
				else
					t->timeout_ms = (int)(x * 1000);
			}
			continue;
		}
		argv[n++] = argv[i];
	}
	if (!t->socket && !t->tty) {
		fprintf(stderr, "bhctl: where is the console? give --socket PATH or --tty DEV "
				"(or set BHCTL_SOCKET)\n");
		return -1;
	}
	return n;
}

/* QEMU creates the socket when it starts: a missing or refusing socket is waited for. */
static int open_socket(struct hv_conn *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec pause = { 0, 50 * 1000000 };
	int fd = -1, waited = 0;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "bhctl: socket path too long: %s\n", path);
		return BHCTL_USAGE;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		if (fd >= 0)
			close(fd);
		if ((errno != ENOENT && errno != ECONNREFUSED) || waited >= c->timeout_ms) {
			fprintf(stderr, "bhctl: no hypervisor answering on %s: %s\n", path,
				strerror(errno));
			return BHCTL_NOHV;
		}
		nanosleep(&pause, NULL);
		waited += 50;
	}
	c->fd = fd;
	return 0;
}

static speed_t baud_const(int baud)
{
	static const struct {
		int baud;
		speed_t s;
	} map[] = {
		{ 9600, B9600 },     { 19200, B19200 },   { 38400, B38400 },   { 57600, B57600 },
		{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 }, { 921600, B921600 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].baud == baud)
			return map[i].s;
	return 0;
}

static int open_tty(struct hv_conn *c, const char *dev, int baud)
{
	speed_t s = baud_const(baud);
	struct termios tio;
	int fd;

	if (!s) {
		fprintf(stderr, "bhctl: unsupported --baud %d\n", baud);
		return BHCTL_USAGE;
	}
	fd = open(dev, O_RDWR | O_NOCTTY);
	if (fd < 0 || tcgetattr(fd, &tio)) {
		fprintf(stderr, "bhctl: cannot open %s: %s\n", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		return BHCTL_NOHV;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	cfsetispeed(&tio, s);
	cfsetospeed(&tio, s);
	tcsetattr(fd, TCSANOW, &tio);
	c->fd = fd;
	return 0;
}

int hv_open(struct hv_conn *c, const struct hv_target *t)
{
	c->fd = -1;
	c->len = 0;
	c->events = NULL;
	c->ev_len = 0;
	c->timeout_ms = t->timeout_ms;
	c->name = t->socket ? t->socket : t->tty;
	return t->socket ? open_socket(c, t->socket) : open_tty(c, t->tty, t->baud);
}

void hv_close(struct hv_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->events);
	c->events = NULL;
	c->ev_len = 0;
}

int hv_send(struct hv_conn *c, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(c->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int hv_fill(struct hv_conn *c, int ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (c->len == sizeof(c->buf))
		return -1; /* the caller consumes whole lines; this is no console */
	r = poll(&p, 1, ms);
	if (r <= 0)
		return r < 0 && errno != EINTR ? -1 : 0;
	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n <= 0)
		return -1;
	c->len += (size_t)n;
	return (int)n;
}
