/* start_wait.c - a partition start is asynchronous (the partition's own CPU loads it): after
 * "start"/"restart" bhctl follows the partition's state events ({"event":"state",...},
 * docs/console.md "Events") until it is running, or stopped again after "starting" (the
 * start failed), and says which in its own words. Only JSON is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bhctl.h"
#include "hv_conn.h"
#include "json_read.h"

/* The partition of a start/restart reply: its data "partition":{"id":N,"name":"..."}. */
struct target {
	long id;
	char *name;
	int starting; /* its "starting" event has been seen */
};

/* "partition P: started on cpu 1" / "... on cpus 1 2" from the event's "cpus". */
static void print_started(const struct target *t, const char *ev)
{
	const char *cpus = json_field(ev, "cpus"), *e = NULL;
	int n = 0;
	long cpu;

	for (e = json_elem(cpus, NULL); e; e = json_elem(cpus, e))
		n++;
	printf("partition %s: started on cpu%s", t->name, n > 1 ? "s" : "");
	for (e = json_elem(cpus, NULL); e; e = json_elem(cpus, e))
		if (!json_int(e, &cpu))
			printf(" %ld", cpu);
	printf("\n");
}

/* One event: 1 done (running), -1 failed (stopped after starting), 0 not yet. */
static int follow(struct target *t, const char *ev)
{
	char *kind = NULL, *state = NULL;
	long id;
	int done = 0;

	if (!json_get_str(ev, "event", &kind) && !strcmp(kind, "state") &&
	    !json_get_int(ev, "id", &id) && id == t->id && !json_get_str(ev, "state", &state)) {
		if (!strcmp(state, "starting"))
			t->starting = 1;
		else if (!strcmp(state, "running"))
			done = 1;
		else if (!strcmp(state, "stopped") && t->starting)
			done = -1;
	}
	if (done > 0)
		print_started(t, ev);
	free(kind);
	free(state);
	return done;
}

/* No outcome within the timeout: say which state the partition is in ("info P" data). */
static int still(struct hv_conn *c, const struct target *t)
{
	char cmd[64], *state = NULL;
	struct hv_reply r;
	const char *parts;
	int err;

	snprintf(cmd, sizeof(cmd), "info %ld", t->id);
	err = hv_request(c, cmd, &r);
	if (err)
		return err;
	parts = json_field(r.json, "partitions");
	if (json_get_str(json_elem(parts, NULL), "state", &state))
		state = strdup("?");
	fprintf(stderr, "bhctl: %s is still %s after %d s\n", t->name, state ? state : "?",
		c->timeout_ms / 1000);
	free(state);
	hv_reply_free(&r);
	return BHCTL_FAILED;
}

static int wait_events(struct hv_conn *c, struct target *t)
{
	long long end = hv_now_ms() + c->timeout_ms;
	char *ev;
	int got = 0, done = 0;

	while (!done && (got = hv_next_event(c, end, &ev)) == 1) {
		done = follow(t, ev);
		free(ev);
	}
	if (done > 0)
		return BHCTL_OK;
	if (done < 0) {
		fprintf(stderr, "bhctl: partition %s: not started (see 'bhctl shell log')\n",
			t->name);
		return BHCTL_FAILED;
	}
	return got ? got : still(c, t);
}

int start_wait(struct hv_conn *c, const struct hv_reply *r)
{
	const char *p = json_field(r->json, "partition");
	struct target t = { 0 };
	int err;

	if (json_get_int(p, "id", &t.id) || json_get_str(p, "name", &t.name)) {
		fprintf(stderr, "bhctl: the reply names no partition: %s\n", r->json);
		return BHCTL_FAILED;
	}
	err = wait_events(c, &t);
	free(t.name);
	return err;
}
