/* cmd_gdb.c - "bhctl gdb PARTITION [STUB] [--port N]": bridges a partition's gdb stub to a TCP
 * port on 127.0.0.1 for gdb-multiarch ("target remote 127.0.0.1:N": the address, not
 * "localhost", which a minimal system may not resolve). The shell's "gdb P" attaches the
 * console input to the stub; what the stub sends comes back as console lines "%gdb:N <bytes>"
 * (N: its mux channel), whose bytes go to gdb; every other console line is printed on stdout
 * (the partitions keep printing). When gdb leaves, the stub gets a detach (its breakpoints go,
 * the partition runs on) and the console goes back to the shell (docs/gdb.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bhctl.h"
#include "hv_conn.h"
#include "json_read.h"

#define DEFAULT_PORT 1234

/* One bridge: the console, the listening socket, gdb's connection, the stub's line prefix. */
struct bridge {
	struct hv_conn *c;
	int listen_fd, gdb_fd;
	char prefix[32]; /* "%gdb:N " */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bhctl gdb [--socket PATH | --tty DEV [--baud N]] [--timeout SEC] "
		"[--port N] PARTITION [STUB]\n"
		"  Serve the gdb stub of PARTITION (its STUB-th gdb-stub node, default 0) on "
		"127.0.0.1:N\n  (default %d; 0 picks a free port) for one gdb session:\n"
		"    gdb-multiarch IMAGE.elf -ex 'target remote 127.0.0.1:N'\n"
		"  Other console lines are printed on stdout. When gdb detaches or quits, the "
		"partition\n  runs on without breakpoints and bhctl ends.\n",
		DEFAULT_PORT);
}

static int out_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int listen_on(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)*port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		fprintf(stderr, "bhctl: cannot listen on 127.0.0.1:%d: %s\n", *port,
			strerror(errno));
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* "gdb P [N]" in script mode; its reply's data names the mux channel. */
static int attach(struct bridge *b, const char *part, const char *stub)
{
	char cmd[128];
	struct hv_reply r;
	long ch = -1;
	int err;

	snprintf(cmd, sizeof(cmd), "gdb %s%s%s", part, stub ? " " : "", stub ? stub : "");
	err = hv_request(b->c, cmd, &r);
	if (err)
		return err;
	if (r.rc) {
		fprintf(stderr, "%s", r.out ? r.out : "");
		err = BHCTL_FAILED;
	} else if (json_get_int(r.json, "channel", &ch) || ch < 0 || ch > 255) {
		fprintf(stderr, "bhctl: the reply to '%s' names no channel\n", cmd);
		err = BHCTL_FAILED;
	} else {
		snprintf(b->prefix, sizeof(b->prefix), "%%gdb:%ld ", ch);
	}
	hv_reply_free(&r);
	return err;
}

/* Whole console lines: the stub's bytes to gdb, the rest to stdout. */
static void console_lines(struct bridge *b)
{
	struct hv_conn *c = b->c;
	size_t plen = strlen(b->prefix);
	char *nl;

	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t len = (size_t)(nl - c->buf), keep = len;

		while (keep && c->buf[keep - 1] == '\r')
			keep--;
		if (keep >= plen && !memcmp(c->buf, b->prefix, plen)) {
			if (b->gdb_fd >= 0)
				out_all(b->gdb_fd, c->buf + plen, keep - plen);
		} else {
			fwrite(c->buf, 1, keep, stdout);
			fputc('\n', stdout);
			fflush(stdout);
		}
		memmove(c->buf, nl + 1, c->len - len - 1);
		c->len -= len + 1;
	}
}

/* gdb's bytes to the console; Ctrl-] would take the console back to the shell, so it never
 * goes through (gdb sends it only inside binary packets, which the stub does not take). */
static int from_gdb(struct bridge *b)
{
	char buf[4096];
	size_t k = 0;
	ssize_t n = read(b->gdb_fd, buf, sizeof(buf));

	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] != HV_DETACH_KEY)
			buf[k++] = buf[i];
	return hv_send(b->c, buf, k) ? -2 : 0;
}

/* Until gdb has come and gone (0), or the console closed (BHCTL_NOHV). */
static int relay(struct bridge *b)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = b->c->fd, .events = POLLIN },
				       { .fd = b->gdb_fd >= 0 ? b->gdb_fd : b->listen_fd,
					 .events = POLLIN } };
		int r;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents) {
			if (hv_fill(b->c, 0) < 0) {
				fprintf(stderr, "bhctl: the console closed\n");
				return BHCTL_NOHV;
			}
			console_lines(b);
		}
		if (!p[1].revents)
			continue;
		if (b->gdb_fd < 0) {
			b->gdb_fd = accept(b->listen_fd, NULL, NULL);
			continue;
		}
		r = from_gdb(b);
		if (r == -2)
			return BHCTL_NOHV;
		if (r < 0)
			return 0;
	}
}

/* gdb is gone: detach the stub (again, if gdb did) and give the console back to the shell. */
static int finish(struct bridge *b)
{
	static const char detach[] = "$D#44";

	if (hv_send(b->c, detach, sizeof(detach) - 1))
		return BHCTL_NOHV;
	return hv_sync(b->c);
}

static int parse(int argc, char **argv, int *port, const char **part, const char **stub)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--port") && i + 1 < argc) {
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 0 || v > 65535)
				return -1;
			*port = (int)v;
		} else if (argv[i][0] == '-' || n == 2 || strlen(argv[i]) > 64 ||
			   strpbrk(argv[i], " \t\r\n")) {
			return -1;
		} else {
			*(n++ ? stub : part) = argv[i];
		}
	}
	return n ? 0 : -1;
}

static int run(int argc, char **argv)
{
	struct hv_target t;
	struct bridge b = { .listen_fd = -1, .gdb_fd = -1 };
	const char *part = NULL, *stub = NULL;
	int port = DEFAULT_PORT, err;

	argc = hv_target_args(argc, argv, &t);
	if (argc < 0 || parse(argc, argv, &port, &part, &stub)) {
		usage(stderr);
		return BHCTL_USAGE;
	}
	b.listen_fd = listen_on(&port);
	if (b.listen_fd < 0)
		return BHCTL_USAGE;
	b.c = hv_connect(&t, &err);
	if (!err)
		err = attach(&b, part, stub);
	if (!err) {
		fprintf(stderr,
			"bhctl: gdb stub of %s on 127.0.0.1:%d; connect with: "
			"gdb-multiarch IMAGE.elf -ex 'target remote 127.0.0.1:%d'\n",
			part, port, port);
		err = relay(&b);
		if (!err)
			err = finish(&b);
	}
	if (b.gdb_fd >= 0)
		close(b.gdb_fd);
	close(b.listen_fd);
	if (b.c)
		hv_close(b.c);
	free(b.c);
	return err;
}

const struct bhctl_cmd bhctl_cmd_gdb = {
	"gdb",
	"serve a partition's gdb stub on a TCP port for gdb-multiarch",
	usage,
	run,
};
