/* event.c - partition events as JSON lines for script-mode consumers (hv/include/hv/event.h,
 * docs/console.md "Events"). Each event is one line written with one console_write(), so no
 * other CPU's line can split it. */
#include <stdio.h>
#include <hv/console.h>
#include <hv/event.h>
#include <hv/jbuf.h>

#define EVENT_MAX 1024 /* the longest event, every character of its texts escaped */
#define MSG_MAX   121  /* a fault's message is cut to 120 characters */

/* Set by the shell's CPU, read by any CPU: a plain flag, a late reader only misses or sends
 * one event around the moment the operator switches between typing and bhctl. */
static volatile bool consumer;

void event_consumer(bool on)
{
	consumer = on;
}

static void head(struct jbuf *b, const char *kind, const struct partition *p)
{
	jb_printf(b, "{\"event\":\"%s\",\"id\":%d,\"name\":", kind, p->id);
	jb_str(b, p->name);
}

/* An event cut short is not sent (a consumer must never see half an object). */
static void emit(struct jbuf *b)
{
	jb_printf(b, "}\n");
	if (!b->over)
		console_write(b->buf, b->len);
}

void event_state(const struct partition *p, enum part_state s, const char *why)
{
	char buf[EVENT_MAX];
	struct jbuf b;

	if (!consumer)
		return;
	jb_init(&b, buf, sizeof(buf));
	head(&b, "state", p);
	jb_printf(&b, ",\"state\":\"%s\",\"cpus\":[", part_state_name(s));
	for (unsigned int i = 0; i < p->nr_vcpus; i++)
		jb_printf(&b, "%s%u", i ? "," : "", p->vcpu[i].pcpu);
	jb_printf(&b, "],\"why\":");
	jb_str(&b, why);
	emit(&b);
}

void event_fault(const struct partition *p, const char *kind, int vcpu, const char *msg)
{
	char buf[EVENT_MAX], cut[MSG_MAX];
	struct jbuf b;

	if (!consumer)
		return;
	snprintf(cut, sizeof(cut), "%s", msg);
	jb_init(&b, buf, sizeof(buf));
	head(&b, "fault", p);
	jb_printf(&b, ",\"kind\":");
	jb_str(&b, kind);
	if (vcpu >= 0)
		jb_printf(&b, ",\"vcpu\":%d", vcpu);
	else
		jb_printf(&b, ",\"vcpu\":null");
	jb_printf(&b, ",\"msg\":");
	jb_str(&b, cut);
	emit(&b);
}

void event_exit(const struct partition *p, int code)
{
	char buf[EVENT_MAX];
	struct jbuf b;

	if (!consumer)
		return;
	jb_init(&b, buf, sizeof(buf));
	head(&b, "exit", p);
	jb_printf(&b, ",\"code\":%d", code);
	emit(&b);
}
