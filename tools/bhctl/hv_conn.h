/* hv_conn.h - talking to a running hypervisor's console: the byte stream (a QEMU unix socket
 * or a serial tty) and the shell's script mode on top of it (docs/console.md). */
#ifndef BHCTL_HV_CONN_H
#define BHCTL_HV_CONN_H

#include <stddef.h>

#define BHCTL_FAILED 1 /* the hypervisor ran the command and it failed */
#define BHCTL_NOHV   3 /* no hypervisor answering (connect failed, timeout) */

#define HV_PROMPT      "bulkhead> "
#define HV_DETACH_KEY  0x1d /* Ctrl-]: the hypervisor leaves a partition's console */
#define HV_SCRIPT_KEY  0x02 /* Ctrl-B: script mode for the line that follows */
#define HV_KILL_KEY    0x15 /* Ctrl-U: forget a half-typed line */
#define BHCTL_QUIT_KEY 0x1c /* Ctrl-\: bhctl console leaves */

/* Where the console is and how long to wait for it. */
struct hv_target {
	const char *socket; /* unix socket (tools/run-qemu.sh --serial-socket) */
	const char *tty;    /* or a serial device */
	int baud;
	int timeout_ms; /* for each answer */
};

/* An open console connection; buf holds received bytes not yet consumed; events: the event
 * lines ({"event":...}) received and not yet taken, each ending in a newline (malloc'ed). */
struct hv_conn {
	int fd;
	const char *name;
	int timeout_ms;
	char buf[65536];
	size_t len;
	char *events;
	size_t ev_len;
};

/* The reply of a script-mode command (docs/console.md): rc, out (its human output, for the
 * user) and json (the whole reply object, for its data fields); both malloc'ed. */
struct hv_reply {
	int rc;
	char *out;
	char *json;
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

/* Run one shell command in script mode and read its reply (*r; free with hv_reply_free()).
 * Event lines that come meanwhile are kept in c->events. 0, or BHCTL_NOHV after printing
 * why (a reply that is no JSON object with an integer rc is no answer either). */
int hv_request(struct hv_conn *c, const char *cmd, struct hv_reply *r);
void hv_reply_free(struct hv_reply *r);

/* The oldest event line not yet taken (malloc'ed, in *ev), waiting for one until the
 * monotonic time end_ms: 1, 0 at end_ms, or BHCTL_NOHV after printing why. */
int hv_next_event(struct hv_conn *c, long long end_ms, char **ev);
long long hv_now_ms(void);

/* start_wait.c: after a start or restart whose reply is r, follow the partition's state
 * events until it runs (print "partition P: started on cpu N") or its start fails. 0, or
 * BHCTL_FAILED / BHCTL_NOHV after printing why. */
int start_wait(struct hv_conn *c, const struct hv_reply *r);

#endif
