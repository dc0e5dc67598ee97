/* byte_chan.c - byte channels: a ring per receiving end; consoles are line-buffered onto the
 * hypervisor's UART with the owner's name as prefix.
 *
 * Every vCPU of the owning partition (and the peer's vCPUs, and the shell's "console P") can
 * be in here at once: each end's lock guards that end's receive ring and console line
 * (struct byte_chan). Lock order: a channel lock, then vpic_lock (the interrupt levels), the
 * message log and console locks (hv_printf); no channel lock is taken while another is held.
 *
 * Interrupts (ePAPR 1.1 byte channels, Linux drivers/tty/ehv_bytechan.c): each end owned by
 * a partition has two level sources at its vPIC, rx (bytes wait in its ring) and tx (its
 * peer's ring has room; always for a console or an unconnected end). Both levels are functions
 * of one ring, so they are set under that ring's lock, right where the ring changes: a level
 * computed outside the lock could be applied after a newer one and leave rx asserted on an
 * empty ring (an interrupt storm) or deasserted with bytes waiting (a lost wake-up). */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/config.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/vpic.h>

#define ESCAPED_LEN 4 /* a control byte is shown as \xNN */

static struct byte_chan chans[BC_MAX];
static int nr_chans;
static const struct handle_ops bc_ops;

static void bc_lock(struct byte_chan *c)
{
	if (hv_mutated("console-unlocked"))
		return;
	while (!arch_spin_trylock(&c->lock))
		arch_cpu_relax();
}

static void bc_unlock(struct byte_chan *c)
{
	if (!hv_mutated("console-unlocked"))
		arch_spin_unlock(&c->lock);
}

/* Under the lock of the ring's channel: 0..BC_RING_SIZE. */
static size_t ring_count(const struct bc_ring *r)
{
	return (r->head - r->tail) % (2 * BC_RING_SIZE);
}

static size_t ring_put(struct bc_ring *r, const uint8_t *d, size_t len)
{
	size_t n = 0;
	size_t room = hv_mutated("bc-ring-unbounded") ? 2 * BC_RING_SIZE - 1 : BC_RING_SIZE;

	while (n < len && ring_count(r) < room) {
		r->buf[r->head % BC_RING_SIZE] = d[n++];
		r->head = (r->head + 1) % (2 * BC_RING_SIZE);
	}
	return n;
}

static size_t ring_get(struct bc_ring *r, uint8_t *d, size_t len)
{
	size_t n = 0;

	while (n < len && ring_count(r)) {
		d[n++] = r->buf[r->tail % BC_RING_SIZE];
		r->tail = (r->tail + 1) % (2 * BC_RING_SIZE);
	}
	return n;
}

/* Under c's lock, after c's receive ring changed: its owner's rx level and its peer's tx. */
static void ring_changed(struct byte_chan *c)
{
	size_t n = ring_count(&c->rx);

	if (c->rx_irq)
		vpic_soft_level(c->rx_irq, n > 0);
	if (c->peer && c->peer->peer == c && c->peer->tx_irq)
		vpic_soft_level(c->peer->tx_irq, n < BC_RING_SIZE || hv_mutated("bc-tx-always"));
}

/* Under c's lock, c attached: its unfinished line shown as the console's open line (a prompt
 * appears before the operator types; docs/console.md), with the label console_flush_line()
 * will print it with. */
static void show_open_line(struct byte_chan *c)
{
	char buf[sizeof(c->owner->name) + 4 + BC_LINE_MAX];
	int n = c->owner ? snprintf(buf, sizeof(buf), "[%s] ", c->owner->name) : 0;

	if (n < 0 || (size_t)n + c->line_len > sizeof(buf))
		return;
	memcpy(buf + n, c->line, c->line_len);
	console_guest_open(buf, (size_t)n + c->line_len);
}

/* Under c's lock. While c is attached its line is on the wire as the open line already, up to
 * what the last send left: shown in full first, so that the line below ends it in place. */
static void console_flush_line(struct byte_chan *c)
{
	if (c->attached)
		show_open_line(c);
	if (c->owner)
		hv_printf("[%s] %.*s\n", c->owner->name, (int)c->line_len, c->line);
	else
		hv_printf("%.*s\n", (int)c->line_len, c->line);
	c->line_len = 0;
}

/* What the operator's terminal gets for byte b: printable ASCII and tab as they are, any other
 * byte (ESC, CR, BEL, C1 controls, 8-bit) as the text \xNN, so a guest cannot move the cursor,
 * overwrite or forge other lines, or send its terminal escape sequences. */
static size_t shown_as(uint8_t b, char *out)
{
	static const char hex[] = "0123456789abcdef";

	if ((b >= ' ' && b < 0x7f) || b == '\t' || hv_mutated("console-raw")) {
		out[0] = (char)b;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 15];
	return ESCAPED_LEN;
}

/* Console output: whole lines of at most BC_LINE_MAX characters, so partitions sharing the UART
 * stay readable; a longer line is cut in pieces, each with its label. CRs are dropped. */
static size_t console_send(struct byte_chan *c, const uint8_t *d, size_t len)
{
	char shown[ESCAPED_LEN];

	bc_lock(c);
	for (size_t i = 0; i < len; i++) {
		size_t n, at;

		if (d[i] == '\n') {
			console_flush_line(c);
			continue;
		}
		if (d[i] == '\r')
			continue;
		n = shown_as(d[i], shown);
		if (c->line_len > BC_LINE_MAX - n && !hv_mutated("console-unbounded"))
			console_flush_line(c);
		at = c->line_len;
		if (at > BC_LINE_MAX - n && !hv_mutated("console-unbounded"))
			continue; /* cannot happen: the line was just flushed */
		memcpy(c->line + at, shown, n);
		c->line_len = at + n;
	}
	if (c->attached && c->line_len)
		show_open_line(c);
	bc_unlock(c);
	return len;
}

void byte_chan_attach(struct byte_chan *c, bool on)
{
	bc_lock(c);
	c->attached = on;
	if (on && c->line_len)
		show_open_line(c); /* a prompt written before the attach shows at once */
	bc_unlock(c);
	if (!on)
		console_guest_close();
}

size_t byte_chan_send(struct byte_chan *c, const uint8_t *data, size_t len)
{
	struct byte_chan *peer = c->peer;
	size_t n;

	if (peer) {
		bc_lock(peer);
		n = ring_put(&peer->rx, data, len);
		ring_changed(peer);
		bc_unlock(peer);
		return n;
	}
	if (c->mux_channel >= 0)
		return console_send(c, data, len);
	return len; /* unconnected: bytes are dropped, as on an open line */
}

size_t byte_chan_receive(struct byte_chan *c, uint8_t *data, size_t len)
{
	size_t n;

	bc_lock(c);
	n = ring_get(&c->rx, data, len);
	ring_changed(c);
	bc_unlock(c);
	return n;
}

size_t byte_chan_inject(struct byte_chan *c, const uint8_t *data, size_t len)
{
	size_t n;

	bc_lock(c);
	n = ring_put(&c->rx, data, len);
	ring_changed(c);
	bc_unlock(c);
	return n;
}

size_t byte_chan_rx_count(struct byte_chan *c)
{
	size_t n;

	bc_lock(c);
	n = ring_count(&c->rx);
	bc_unlock(c);
	return n;
}

size_t byte_chan_tx_space(struct byte_chan *c)
{
	struct byte_chan *peer = c->peer;

	return peer ? BC_RING_SIZE - byte_chan_rx_count(peer) : BC_RING_SIZE;
}

int byte_chan_irqs_create(struct byte_chan *c, struct partition *p)
{
	struct byte_chan *peer = c->peer && c->peer->peer == c ? c->peer : NULL;

	c->rx_handle = vpic_soft_create(p, &c->rx_irq, true);
	if (c->rx_handle < 0)
		return c->rx_handle;
	c->tx_handle = vpic_soft_create(p, &c->tx_irq, true);
	if (c->tx_handle < 0)
		return c->tx_handle;
	bc_lock(c);
	ring_changed(c); /* rx: bytes sent before the owner's first start are kept */
	bc_unlock(c);
	if (!peer) {
		vpic_soft_level(c->tx_irq, true); /* a console, an open line: always room */
		return 0;
	}
	bc_lock(peer);
	ring_changed(peer); /* tx: room in the peer's ring */
	bc_unlock(peer);
	return 0;
}

struct byte_chan *byte_chan_of_cfg(int cfg_index)
{
	for (int i = 0; i < nr_chans; i++)
		if (chans[i].cfg_index == cfg_index)
			return &chans[i];
	return NULL;
}

/* The owner stops: whatever it had not read is dropped (bytes sent to it before its first
 * start are kept), and a partial console line is shown. */
static int bc_prereset(struct handle *h)
{
	struct byte_chan *c = h->obj;

	bc_lock(c);
	c->rx.head = c->rx.tail = 0;
	ring_changed(c);
	if (c->line_len)
		console_flush_line(c);
	bc_unlock(c);
	return 0;
}

static const struct handle_ops bc_ops = { .prereset = bc_prereset };

static void connect(const struct hv_config *cfg, int i)
{
	const struct cfg_byte_channel *b = &cfg->bc[chans[i].cfg_index];

	if (b->peer_kind == CFG_BC_CHANNEL)
		chans[i].peer = byte_chan_of_cfg(b->peer);
	else if (b->peer_kind == CFG_BC_MUX)
		chans[i].mux_channel = (int)b->mux_channel;
}

static int byte_chans_create(const struct hv_config *cfg)
{
	if (cfg->nr_bcs > BC_MAX) {
		hv_printf("config: %d byte channels; this build supports %d\n", cfg->nr_bcs,
			  BC_MAX);
		return -HV_ENOSPC;
	}
	for (int i = 0; i < cfg->nr_bcs; i++) {
		struct byte_chan *c = &chans[nr_chans++];
		int owner = cfg->bc[i].owner;

		*c = (struct byte_chan){ .cfg_index = i,
					 .mux_channel = -1,
					 .owner = owner >= 0 ? &partitions[owner] : NULL };
		c->handle = (struct handle){ HANDLE_BYTE_CHANNEL, &bc_ops, c };
	}
	for (int i = 0; i < nr_chans; i++)
		connect(cfg, i);
	for (int i = 0; i < nr_chans; i++) /* a connection named on one side only */
		if (chans[i].peer && !chans[i].peer->peer)
			chans[i].peer->peer = &chans[i];
	return 0;
}

/* ---- the byte channel units ---- */

static int chans_init(const struct unit_env *env)
{
	return byte_chans_create(env->cfg);
}

/* The config was refused: no channel exists any more (none was ever used). */
static void chans_exit(void)
{
	memset(chans, 0, sizeof(chans));
	nr_chans = 0;
}

/* aliases { stdout = <&channel>; } names the console byte channel: its index, or CFG_NONE. */
static int stdout_cfg_bc(const void *cfg_fdt, const struct hv_config *cfg, int aliases)
{
	int len, node;
	const fdt32_t *ph = aliases < 0 ? NULL : fdt_getprop(cfg_fdt, aliases, "stdout", &len);

	if (!ph || len != 4)
		return CFG_NONE;
	node = fdt_node_offset_by_phandle(cfg_fdt, fdt32_to_cpu(*ph));
	for (int i = 0; i < cfg->nr_bcs; i++)
		if (cfg->bc[i].node == node)
			return i;
	return CFG_NONE;
}

/* The byte channel unit's slot: the handle of p's console channel (its aliases/stdout). */
struct part_chans {
	int stdout_handle; /* -1 if none */
};
static struct part_chans part_chans[PART_MAX];
extern const struct unit byte_chans_unit;

int byte_chan_stdout_handle(const struct partition *p)
{
	return ((const struct part_chans *)unit_slot(p, &byte_chans_unit))->stdout_handle;
}

/* p's channels as handles, in config order. */
static int chans_create(struct partition *p, const struct unit_env *env)
{
	const struct hv_config *cfg = env->cfg;
	int out = stdout_cfg_bc(env->cfg_fdt, cfg, cfg->part[p->cfg_index].aliases);
	struct part_chans *s = unit_slot(p, &byte_chans_unit);

	s->stdout_handle = -1;
	for (int i = 0; i < cfg->nr_bcs; i++) {
		struct byte_chan *c = cfg->bc[i].owner == p->cfg_index ? byte_chan_of_cfg(i) : NULL;
		int h = c ? handle_add(p, &c->handle) : 0;

		if (h < 0)
			return -HV_ENOSPC;
		if (c && i == out)
			s->stdout_handle = h;
	}
	return 0;
}

DEFINE_UNIT(byte_chans, .order = UNIT_ORDER_BYTE_CHANS, UNIT_SLOTS(part_chans), .init = chans_init,
	    .exit = chans_exit, .partition_create = chans_create);

/* A partition's byte channel gets its rx and tx interrupts, after every other handle but the
 * devices' (from the table's top: the numbers of the others stay as without them); when the
 * virtual PIC is full the channel works without (its guest polls), and the console says so. */
static int chan_irqs_create(struct partition *p, const struct unit_env *env)
{
	const struct hv_config *cfg = env->cfg;

	for (int i = 0; i < cfg->nr_bcs; i++) {
		struct byte_chan *c = cfg->bc[i].owner == p->cfg_index ? byte_chan_of_cfg(i) : NULL;

		if (c && byte_chan_irqs_create(c, p))
			hv_printf("partition %s: no interrupts for byte channel %s (the virtual "
				  "PIC is full): its guest must poll it\n",
				  p->name, fdt_get_name(env->cfg_fdt, cfg->bc[i].node, NULL));
	}
	return 0;
}

DEFINE_UNIT(byte_chan_irqs, .order = UNIT_ORDER_BYTE_CHAN_IRQS,
	    .partition_create = chan_irqs_create);
