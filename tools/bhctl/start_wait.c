/* start_wait.c - a partition start is asynchronous (the partition's own CPU loads it): after
 * "start"/"restart" bhctl waits until the partition has left "starting" and reads the
 * hypervisor's log for what became of it ("partition P: started on cpu N" or "... not
 * started"), looking only at messages newer than the command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bhctl.h"
#include "hv_conn.h"

#define NAME_MAX_LEN	64

/* Run cmd; 0 with *out, or BHCTL_NOHV (printed). A failed cmd is BHCTL_FAILED. */
static int query(struct hv_conn *c, const char *cmd, char **out)
{
	int rc, err = hv_command(c, cmd, out, &rc);

	if (!err && rc) {
		fprintf(stderr, "bhctl: '%s' failed: %s", cmd, *out);
		err = BHCTL_FAILED;
	}
	return err;
}

int start_log_seq(struct hv_conn *c, unsigned long *seq)
{
	char *out = NULL;
	int err = query(c, "log 1", &out);

	*seq = err ? 0 : strtoul(out, NULL, 10);
	free(out);
	return err;
}

/* "partition <id> <name>: <state>[, up ...]" from "info P": name and state. */
static int info_state(struct hv_conn *c, const char *part, char *name, char *state)
{
	char cmd[128], *out = NULL, *l;
	int err;

	snprintf(cmd, sizeof(cmd), "info %s", part);
	err = query(c, cmd, &out);
	for (l = out; !err && l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		unsigned int id;

		if (sscanf(l, "partition %u %63[^:]: %15[a-z]", &id, name, state) == 3)
			break;
	}
	if (!err && (!l || !*l)) {
		fprintf(stderr, "bhctl: no state of %s in: %s", part, out);
		err = BHCTL_FAILED;
	}
	free(out);
	return err;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The newest log message after seq0 about name's start, into msg; 0 if there is none. */
static int start_message(struct hv_conn *c, const char *name, unsigned long seq0, char *msg,
			 size_t len)
{
	char started[NAME_MAX_LEN + 32], failed[NAME_MAX_LEN + 32], *out = NULL;
	int err = query(c, "log 64", &out), found = 0;

	snprintf(started, sizeof(started), "partition %s: started on ", name);
	snprintf(failed, sizeof(failed), "partition %s: not started", name);
	for (char *l = out; !err && l && *l; ) {
		char *nl = strchr(l, '\n'), *text;
		unsigned long seq = strtoul(l, &text, 10);

		if (nl)
			*nl = '\0';
		text = strstr(l, "partition ");
		if (seq > seq0 && text && (!strncmp(text, started, strlen(started)) ||
					   !strcmp(text, failed))) {
			snprintf(msg, len, "%s", text);
			found = 1;
		}
		l = nl ? nl + 1 : NULL;
	}
	free(out);
	return err ? -err : found;
}

int start_wait(struct hv_conn *c, const char *part, unsigned long seq0)
{
	char name[NAME_MAX_LEN], state[16], msg[256];
	long long end = now_ms() + c->timeout_ms;
	int err, found = 0;

	do {
		err = info_state(c, part, name, state);
		if (err)
			return err;
		if (strcmp(state, "starting"))
			found = start_message(c, name, seq0, msg, sizeof(msg));
		if (found < 0)
			return -found;
		if (found)
			break;
	} while (now_ms() < end);
	if (!found) {
		fprintf(stderr, "bhctl: %s is still %s after %d s\n", name, state,
			c->timeout_ms / 1000);
		return BHCTL_FAILED;
	}
	if (strstr(msg, ": not started")) {
		fprintf(stderr, "bhctl: %s (see 'bhctl shell log')\n", msg);
		return BHCTL_FAILED;
	}
	printf("%s\n", msg);
	return BHCTL_OK;
}
