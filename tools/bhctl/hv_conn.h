/* hv_conn.h - talking to a running hypervisor's console: the byte stream (a QEMU unix socket
 * or a serial tty) and the shell's script mode on top of it (docs/console.md). */
#ifndef BHCTL_HV_CONN_H
#define BHCTL_HV_CONN_H

#include <stddef.h>

#define BHCTL_FAILED	1	/* the hypervisor ran the command and it failed */
#define BHCTL_NOHV	3	/* no hypervisor answering (connect failed, timeout) */

#define HV_PROMPT	"bulkhead> "
#define HV_DETACH_KEY	0x1d	/* Ctrl-]: the hypervisor leaves a partition's console */
#define HV_SCRIPT_KEY	0x02	/* Ctrl-B: script mode for the line that follows */
#define HV_KILL_KEY	0x15	/* Ctrl-U: forget a half-typed line */
#define BHCTL_QUIT_KEY	0x1c	/* Ctrl-\: bhctl console leaves */

/* Where the console is and how long to wait for it. */
struct hv_target {
	const char *socket;	/* unix socket (tools/run-qemu.sh --serial-socket) */
	const char *tty;	/* or a serial device */
	int baud;
	int timeout_ms;		/* for each answer */
};

/* An open console connection; buf holds received bytes not yet consumed. */
struct hv_conn {
	int fd;
	const char *name;
	int timeout_ms;
	char buf[65536];
	size_t len;
};

/* Take --socket/--tty/--baud/--timeout out of argv (in place); the rest stays in order.
 * Returns the new argc, or -1 after printing a usage error. */
int hv_target_args(int argc, char **argv, struct hv_target *t);

/* Connect; 0 or BHCTL_NOHV / BHCTL_USAGE after printing why. */
int hv_open(struct hv_conn *c, const struct hv_target *t);
void hv_close(struct hv_conn *c);

int hv_send(struct hv_conn *c, const char *data, size_t len);

/* Read more bytes into c->buf, waiting at most ms: >0 bytes, 0 timeout, -1 closed/error. */
int hv_fill(struct hv_conn *c, int ms);

/* Get the shell's attention: back from a partition console, an empty line, a prompt seen. */
int hv_sync(struct hv_conn *c);

/* A new connection (malloc'ed) with the shell's attention, or NULL with *err set to
 * BHCTL_NOHV / BHCTL_USAGE after printing why. Free with hv_close() and free(). */
struct hv_conn *hv_connect(const struct hv_target *t, int *err);

/* Run one shell command in script mode. *out (malloc'ed, caller frees) gets the command's
 * output lines without partition console lines; *rc the command's status. 0, or BHCTL_NOHV
 * after printing why. */
int hv_command(struct hv_conn *c, const char *cmd, char **out, int *rc);

/* start_wait.c: the newest log message's sequence number (0 if none), before a start; then
 * wait for the start of partition part to end and print its outcome from the log. 0, or
 * BHCTL_FAILED / BHCTL_NOHV after printing why. */
int start_log_seq(struct hv_conn *c, unsigned long *seq);
int start_wait(struct hv_conn *c, const char *part, unsigned long seq0);

#endif
