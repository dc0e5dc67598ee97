/* stub.c - the stubs of the config's gdb-stub nodes: set-up, the shell's attach, the
 * console CPU's poll, and the output side. What a stub sends travels on the console wire as
 * whole lines "%gdb:N <bytes>" (N: its mux channel), which bhctl gdb passes to gdb; what gdb
 * sends arrives as the shell's attached input (docs/gdb.md). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/hv.h>
#include "priv.h"

static struct gdb_stub stubs[GDB_STUB_MAX];
static int nr_stubs;
static volatile bool ready;
static arch_spinlock_t init_lock;

static void stub_init(struct gdb_stub *s, const struct cfg_gdb_stub *c)
{
	struct partition *p = &partitions[c->part];

	s->cfg = c;
	s->part = p;
	s->first = c->first_vcpu;
	s->count = c->nr_vcpus ? c->nr_vcpus : p->nr_vcpus;
	if (s->first >= p->nr_vcpus)
		s->count = 0;
	else if (s->count > p->nr_vcpus - s->first)
		s->count = p->nr_vcpus - s->first;
	s->chan = (struct byte_chan){ .mux_channel = (int)c->mux_channel, .cfg_index = -1 };
	s->gthread = s->cthread = -1;
	s->stop_sig = GDB_SIGTRAP;
	s->stop_vcpu = (int)s->first;
}

/* The stubs are made at first use, once the config is in force (hv_cfg). */
static bool stubs_ready(void)
{
	if (ready)
		return true;
	if (!hv_cfg)
		return false;
	while (!arch_spin_trylock(&init_lock))
		arch_cpu_relax();
	if (!ready) {
		for (int i = 0; i < hv_cfg->nr_gdb_stubs && i < GDB_STUB_MAX; i++)
			stub_init(&stubs[i], &hv_cfg->gdb_stub[i]);
		nr_stubs =
			hv_cfg->nr_gdb_stubs < GDB_STUB_MAX ? hv_cfg->nr_gdb_stubs : GDB_STUB_MAX;
		arch_mb();
		ready = true;
	}
	arch_spin_unlock(&init_lock);
	return true;
}

struct gdb_stub *gdb_stub_at(int i)
{
	return stubs_ready() && i >= 0 && i < nr_stubs ? &stubs[i] : NULL;
}

int gdb_attach(struct partition *p, unsigned int n, struct byte_chan **chan,
	       unsigned int *mux_channel)
{
	struct gdb_stub *s;

	for (int i = 0; (s = gdb_stub_at(i)); i++) {
		if (s->part != p || n--)
			continue;
		s->rx_state = RX_IDLE;
		s->ack = false;
		*chan = &s->chan;
		*mux_channel = s->cfg->mux_channel;
		return 0;
	}
	return -HV_ENOENT;
}

/* One line on the wire: the stub's prefix, then text (never a control character). */
static void send_line(struct gdb_stub *s, const char *text)
{
	int n = snprintf(s->line, sizeof(s->line), "%%gdb:%u %s%s", s->cfg->mux_channel,
			 s->ack ? "+" : "", text);

	s->ack = false;
	if (n > 0)
		console_write(s->line,
			      (size_t)n < sizeof(s->line) ? (size_t)n : sizeof(s->line) - 1);
}

void gdb_send(struct gdb_stub *s)
{
	uint8_t sum = 0;

	if (s->out_full) {
		s->out_len = 0;
		s->out_full = false;
		gdb_out(s, "E01");
	}
	for (size_t i = 0; i < s->out_len; i++)
		sum = (uint8_t)(sum + (uint8_t)s->out[i]);
	snprintf(s->last, sizeof(s->last), "$%.*s#%02x", (int)s->out_len, s->out, sum);
	s->out_len = 0;
	send_line(s, s->last);
}

/* gdb's NAK: the last packet once more. A pending ack with nothing to send goes alone. */
void gdb_resend(struct gdb_stub *s)
{
	if (s->last[0])
		send_line(s, s->last);
}

void gdb_nak(struct gdb_stub *s)
{
	s->ack = false;
	send_line(s, "-");
}

void gdb_ack_flush(struct gdb_stub *s)
{
	if (s->ack)
		send_line(s, "");
}

void gdb_out(struct gdb_stub *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->out_full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->out + s->out_len, sizeof(s->out) - s->out_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s->out) - s->out_len)
		s->out_full = true;
	else
		s->out_len += (size_t)n;
}

void gdb_out_hex(struct gdb_stub *s, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (s->out_full || n * 2 >= sizeof(s->out) - s->out_len) {
		s->out_full = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		s->out[s->out_len++] = hex[d[i] >> 4];
		s->out[s->out_len++] = hex[d[i] & 15];
	}
}

/* Bytes gdb sent (bounded per poll by the channel's ring), then any stop to report. */
static void poll_stub(struct gdb_stub *s)
{
	uint8_t buf[64];
	size_t n;

	while ((n = byte_chan_receive(&s->chan, buf, sizeof(buf))) > 0)
		for (size_t i = 0; i < n; i++)
			gdb_rx_byte(s, buf[i]);
	gdb_check_stop(s);
}

void gdb_poll(void)
{
	struct gdb_stub *s;

	for (int i = 0; (s = gdb_stub_at(i)); i++)
		poll_stub(s);
}

void gdb_vcpu_entering(struct vcpu *v)
{
	struct gdb_stub *s;

	if (v->index)
		return;
	for (int i = 0; (s = gdb_stub_at(i)); i++)
		if (s->part == v->part) {
			gdb_bp_forget(s); /* the image was loaded again */
			gdb_hw_clear(s);
			if (s->cfg->wait_at_start && !s->first)
				gdb_bp_insert(s, v, gdb_arch_pc(gdb_arch_frame(v)), BP_START);
		}
}
