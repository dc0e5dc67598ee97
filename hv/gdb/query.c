/* query.c - the stub's 'q' packets: features, threads (one per vCPU of the stub's
 * debug-cpus, id = vCPU index + 1) and the target description. */
#include <string.h>
#include "priv.h"

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void thread_list(struct gdb_stub *s)
{
	gdb_out(s, "m");
	for (unsigned int i = 0; i < s->count; i++)
		gdb_out(s, "%s%x", i ? "," : "", s->first + i + 1);
	if (!s->count)
		gdb_out(s, "%x", (unsigned int)s->stop_vcpu + 1);
	gdb_send(s);
}

/* qXfer:features:read:target.xml:offset,length: "m" + part, or "l" + the last part. The
 * description has no character that needs escaping ($, #, }, *). */
static void features(struct gdb_stub *s, const char *arg)
{
	const char *xml = gdb_arch_target_xml();
	size_t total = strlen(xml);
	uint64_t off, len;

	if (!starts(arg, "target.xml:")) {
		gdb_out(s, "E00");
		return gdb_send(s);
	}
	arg += strlen("target.xml:");
	if (gdb_parse_hex(&arg, &off) || *arg++ != ',' || gdb_parse_hex(&arg, &len) || *arg) {
		gdb_out(s, "E01");
		return gdb_send(s);
	}
	if (len > GDB_OUT_MAX - 16)
		len = GDB_OUT_MAX - 16;
	if (off >= total) {
		gdb_out(s, "l");
	} else {
		size_t n = total - (size_t)off < len ? total - (size_t)off : (size_t)len;

		gdb_out(s, "%c%.*s", off + n < total ? 'm' : 'l', (int)n, xml + off);
	}
	gdb_send(s);
}

void gdb_query(struct gdb_stub *s, const char *q)
{
	if (starts(q, "Supported"))
		gdb_out(s, "PacketSize=%x;qXfer:features:read+", GDB_PKT_MAX);
	else if (!strcmp(q, "Attached"))
		gdb_out(s, "1");
	else if (!strcmp(q, "C"))
		gdb_out(s, "QC%x", (unsigned int)s->stop_vcpu + 1);
	else if (!strcmp(q, "fThreadInfo"))
		return thread_list(s);
	else if (!strcmp(q, "sThreadInfo"))
		gdb_out(s, "l");
	else if (starts(q, "Xfer:features:read:"))
		return features(s, q + strlen("Xfer:features:read:"));
	gdb_send(s);
}
