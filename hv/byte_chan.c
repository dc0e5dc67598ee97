/* byte_chan.c - byte channels: a ring per receiving end; consoles are line-buffered onto the
 * hypervisor's UART with the owner's name as prefix. */
#include <errno.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/config.h>
#include <hv/console.h>
#include <hv/partition.h>

static struct byte_chan chans[BC_MAX];
static int nr_chans;
static const struct handle_ops bc_ops;

static size_t ring_count(const struct bc_ring *r)
{
	return (r->head - r->tail) % (2 * BC_RING_SIZE);
}

static size_t ring_put(struct bc_ring *r, const uint8_t *d, size_t len)
{
	size_t n = 0;

	while (n < len && ring_count(r) < BC_RING_SIZE) {
		r->buf[r->head % BC_RING_SIZE] = d[n++];
		arch_mb();	/* data before the index the reader polls */
		r->head = (r->head + 1) % (2 * BC_RING_SIZE);
	}
	return n;
}

static size_t ring_get(struct bc_ring *r, uint8_t *d, size_t len)
{
	size_t n = 0;

	while (n < len && ring_count(r)) {
		d[n++] = r->buf[r->tail % BC_RING_SIZE];
		arch_mb();
		r->tail = (r->tail + 1) % (2 * BC_RING_SIZE);
	}
	return n;
}

static void console_flush_line(struct byte_chan *c)
{
	if (c->owner)
		hv_printf("[%s] %.*s\n", c->owner->name, (int)c->line_len, c->line);
	else
		hv_printf("%.*s\n", (int)c->line_len, c->line);
	c->line_len = 0;
}

/* Console output: whole lines, so partitions sharing the UART stay readable. */
static size_t console_send(struct byte_chan *c, const uint8_t *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (d[i] == '\n' || c->line_len == BC_LINE_MAX) {
			console_flush_line(c);
			if (d[i] == '\n')
				continue;
		}
		if (d[i] != '\r')
			c->line[c->line_len++] = (char)d[i];
	}
	return len;
}

size_t byte_chan_send(struct byte_chan *c, const uint8_t *data, size_t len)
{
	if (c->peer)
		return ring_put(&c->peer->rx, data, len);
	if (c->mux_channel >= 0)
		return console_send(c, data, len);
	return len;	/* unconnected: bytes are dropped, as on an open line */
}

size_t byte_chan_receive(struct byte_chan *c, uint8_t *data, size_t len)
{
	return ring_get(&c->rx, data, len);
}

size_t byte_chan_inject(struct byte_chan *c, const uint8_t *data, size_t len)
{
	return ring_put(&c->rx, data, len);
}

size_t byte_chan_rx_count(const struct byte_chan *c)
{
	return ring_count(&c->rx);
}

size_t byte_chan_tx_space(const struct byte_chan *c)
{
	if (c->peer)
		return BC_RING_SIZE - ring_count(&c->peer->rx);
	return BC_RING_SIZE;
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

	c->rx.head = c->rx.tail = 0;
	if (c->line_len)
		console_flush_line(c);
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

int byte_chans_create(const struct hv_config *cfg)
{
	if (cfg->nr_bcs > BC_MAX) {
		hv_printf("config: %d byte channels; this build supports %d\n", cfg->nr_bcs, BC_MAX);
		return -ENOSPC;
	}
	for (int i = 0; i < cfg->nr_bcs; i++) {
		struct byte_chan *c = &chans[nr_chans++];
		int owner = cfg->bc[i].owner;

		*c = (struct byte_chan){ .cfg_index = i, .mux_channel = -1,
					 .owner = owner >= 0 ? &partitions[owner] : NULL };
		c->handle = (struct handle){ HANDLE_BYTE_CHANNEL, &bc_ops, c };
	}
	for (int i = 0; i < nr_chans; i++)
		connect(cfg, i);
	return 0;
}
