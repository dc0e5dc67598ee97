/* hv_session.c - the shell's script mode as bhctl uses it (docs/console.md, "Script mode"):
 * get a prompt, send Ctrl-B + command + CR, skip to the echoed command line, keep the lines
 * up to "rc=N" except partition console lines ("[label] text"). */
#define _GNU_SOURCE	/* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bhctl.h"
#include "hv_conn.h"

#define PROBE_MS	1000	/* a lost probe (UART not yet set up) is sent again */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int no_answer(const struct hv_conn *c, const char *what)
{
	fprintf(stderr, "bhctl: no hypervisor answering on %s (%s within %d s)\n", c->name,
		what, c->timeout_ms / 1000);
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
	long long end = now_ms() + c->timeout_ms;

	while (now_ms() < end) {
		long long next = now_ms() + PROBE_MS;

		c->len = 0;
		if (hv_send(c, probe, sizeof(probe)))
			return no_answer(c, "connection lost");
		while (now_ms() < next) {
			char *p;

			if (hv_fill(c, (int)(next - now_ms())) < 0)
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

/* "[label] text": a partition's console line, not the command's output. */
static int partition_line(const char *s)
{
	const char *end = s[0] == '[' ? strchr(s, ']') : NULL;

	return end && end > s + 1 && end[1] == ' ' && !memchr(s, ' ', (size_t)(end - s));
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

static void append(char **out, size_t *len, const char *line)
{
	size_t n = strlen(line);
	char *p = realloc(*out, *len + n + 2);

	if (!p)
		return;
	memcpy(p + *len, line, n);
	p[*len + n] = '\n';
	p[*len + n + 1] = '\0';
	*out = p;
	*len += n + 1;
}

int hv_command(struct hv_conn *c, const char *cmd, char **out, int *rc)
{
	static char line[sizeof(((struct hv_conn *)0)->buf)];
	long long end = now_ms() + c->timeout_ms;
	size_t out_len = 0;
	int echoed = 0;
	char script = HV_SCRIPT_KEY;

	*out = calloc(1, 1);
	if (hv_send(c, &script, 1) || hv_send(c, cmd, strlen(cmd)) || hv_send(c, "\r", 1))
		return no_answer(c, "connection lost");
	for (;;) {
		while (next_line(c, line, sizeof(line))) {
			if (!echoed) {
				echoed = ends_with(line, cmd);
			} else if (!strncmp(line, "rc=", 3)) {
				*rc = atoi(line + 3);
				return 0;
			} else if (!partition_line(line)) {
				append(out, &out_len, line);
			}
		}
		if (now_ms() >= end)
			return no_answer(c, echoed ? "no end of the command's output" :
					 "the command was not echoed");
		if (hv_fill(c, (int)(end - now_ms())) < 0)
			return no_answer(c, "connection closed");
	}
}
