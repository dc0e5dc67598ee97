/* hv_session.c - the shell's script mode as bhctl uses it (docs/console.md, "Script mode"):
 * get a prompt, send Ctrl-B + command + CR, skip to the echoed command line, read the reply
 * (one JSON object on one line), and keep the event lines ({"event":...}) that come. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bhctl.h"
#include "hv_conn.h"
#include "json_read.h"

#define PROBE_MS 1000 /* a lost probe (UART not yet set up) is sent again */

long long hv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int no_answer(const struct hv_conn *c, const char *what)
{
	fprintf(stderr, "bhctl: no hypervisor answering on %s (%s within %d s)\n", c->name, what,
		c->timeout_ms / 1000);
	return BHCTL_NOHV;
}

static void consume(struct hv_conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

struct hv_conn *hv_connect(const struct hv_target *t, int *err)
{
	struct hv_conn *c = malloc(sizeof(*c));

	*err = c ? hv_open(c, t) : BHCTL_USAGE;
	if (!*err)
		*err = hv_sync(c);
	return c;
}

int hv_sync(struct hv_conn *c)
{
	static const char probe[] = { HV_DETACH_KEY, HV_KILL_KEY, '\r' };
	long long end = hv_now_ms() + c->timeout_ms;

	while (hv_now_ms() < end) {
		long long next = hv_now_ms() + PROBE_MS;

		c->len = 0;
		c->ev_len = 0; /* events before the shell's attention are not ours */
		if (hv_send(c, probe, sizeof(probe)))
			return no_answer(c, "connection lost");
		while (hv_now_ms() < next) {
			char *p;

			if (hv_fill(c, (int)(next - hv_now_ms())) < 0)
				return no_answer(c, "connection closed");
			p = memmem(c->buf, c->len, HV_PROMPT, strlen(HV_PROMPT));
			if (p) {
				consume(c, (size_t)(p - c->buf) + strlen(HV_PROMPT));
				return 0;
			}
		}
	}
	return no_answer(c, "no prompt");
}

static int starts_with(const char *s, const char *head)
{
	return !strncmp(s, head, strlen(head));
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

/* Take the next complete line out of c->buf into line (CRs dropped); 0 if none yet. */
static int next_line(struct hv_conn *c, char *line, size_t max)
{
	char *nl = memchr(c->buf, '\n', c->len);
	size_t n = 0, len;

	if (!nl)
		return 0;
	len = (size_t)(nl - c->buf);
	for (size_t i = 0; i < len && n < max - 1; i++)
		if (c->buf[i] != '\r')
			line[n++] = c->buf[i];
	line[n] = '\0';
	consume(c, len + 1);
	return 1;
}

/* An event line is kept for hv_next_event(); 1 if line was one. */
static int keep_event(struct hv_conn *c, const char *line)
{
	size_t n = strlen(line);
	char *p;

	if (!starts_with(line, "{\"event\":"))
		return 0;
	p = realloc(c->events, c->ev_len + n + 2);
	if (!p)
		return 1;
	memcpy(p + c->ev_len, line, n);
	p[c->ev_len + n] = '\n';
	p[c->ev_len + n + 1] = '\0';
	c->events = p;
	c->ev_len += n + 1;
	return 1;
}

/* The reply line: its rc and out; 0, or -1 if it is not a reply. */
static int take_reply(const char *line, struct hv_reply *r)
{
	long rc;

	if (json_get_int(line, "rc", &rc) || json_get_str(line, "out", &r->out))
		return -1;
	r->rc = (int)rc;
	r->json = strdup(line);
	return r->json ? 0 : -1;
}

void hv_reply_free(struct hv_reply *r)
{
	free(r->out);
	free(r->json);
	r->out = r->json = NULL;
}

/* Lines until the echo of cmd, then the reply: the next line that is a JSON object with
 * "cmd" (partition lines and other CPUs' messages are passed over, events kept). */
int hv_request(struct hv_conn *c, const char *cmd, struct hv_reply *r)
{
	static char line[sizeof(((struct hv_conn *)0)->buf)];
	long long end = hv_now_ms() + c->timeout_ms;
	int echoed = 0;
	char script = HV_SCRIPT_KEY;

	*r = (struct hv_reply){ 0 };
	if (hv_send(c, &script, 1) || hv_send(c, cmd, strlen(cmd)) || hv_send(c, "\r", 1))
		return no_answer(c, "connection lost");
	for (;;) {
		while (next_line(c, line, sizeof(line))) {
			if (keep_event(c, line))
				continue;
			if (!echoed)
				echoed = ends_with(line, cmd);
			else if (starts_with(line, "{\"cmd\":"))
				return take_reply(line, r) ? no_answer(c, "a reply that is no "
									  "JSON object with rc")
							   : 0;
		}
		if (hv_now_ms() >= end)
			return no_answer(c, echoed ? "no reply to the command"
						   : "the command was not echoed");
		if (hv_fill(c, (int)(end - hv_now_ms())) < 0)
			return no_answer(c, "connection closed");
	}
}

int hv_next_event(struct hv_conn *c, long long end_ms, char **ev)
{
	static char line[sizeof(((struct hv_conn *)0)->buf)];

	for (;;) {
		char *nl = c->ev_len ? memchr(c->events, '\n', c->ev_len) : NULL;

		if (nl) {
			*ev = strndup(c->events, (size_t)(nl - c->events));
			c->ev_len -= (size_t)(nl - c->events) + 1;
			memmove(c->events, nl + 1, c->ev_len + 1);
			return *ev ? 1 : no_answer(c, "out of memory");
		}
		while (!c->ev_len && next_line(c, line, sizeof(line)))
			keep_event(c, line);
		if (c->ev_len)
			continue;
		if (hv_now_ms() >= end_ms)
			return 0;
		if (hv_fill(c, (int)(end_ms - hv_now_ms())) < 0)
			return no_answer(c, "connection closed");
	}
}
