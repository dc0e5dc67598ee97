/* packet.c - the framing of gdb's remote protocol, taken byte by byte from a hostile
 * sender: "$data#cs" packets of at most GDB_PKT_MAX data bytes (a longer one is drained and
 * NAKed, never stored past the buffer), the checksum checked before anything is parsed,
 * Ctrl-C (0x03) between packets, and the hex helpers the commands parse with. */
#include <hv/err.h>
#include "priv.h"

#define CTRL_C 0x03

int gdb_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return GDB_NOT_HEX;
}

int gdb_hex_decode(const char *h, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hex_val(h[2 * i]);
		int lo = hi < 0 ? GDB_NOT_HEX : gdb_hex_val(h[2 * i + 1]);

		if (lo < 0)
			return -HV_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* At most 16 digits (64 bits); at least one. */
int gdb_parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	int d, n = 0;

	*v = 0;
	while ((d = gdb_hex_val(*s)) >= 0) {
		if (++n > 16)
			return -HV_EINVAL;
		*v = *v << 4 | (uint64_t)d;
		s++;
	}
	*p = s;
	return n ? 0 : -HV_EINVAL;
}

static void packet_start(struct gdb_stub *s)
{
	s->rx_state = RX_DATA;
	s->rx_len = 0;
	s->rx_sum = 0;
	s->rx_overflow = false;
}

/* Between packets: '$' starts one, Ctrl-C interrupts, '-' asks for the last reply again;
 * gdb's '+' and anything else are ignored. */
static void idle_byte(struct gdb_stub *s, uint8_t b)
{
	if (b == '$')
		packet_start(s);
	else if (b == CTRL_C)
		gdb_interrupt(s);
	else if (b == '-')
		gdb_resend(s);
}

static void checksum_done(struct gdb_stub *s)
{
	s->rx_state = RX_IDLE;
	if (s->rx_overflow || s->rx_ck != s->rx_sum) {
		gdb_nak(s);
		return;
	}
	s->ack = true;
	s->rx[s->rx_len] = '\0';
	gdb_handle(s, s->rx, s->rx_len);
	gdb_ack_flush(s);
}

void gdb_rx_byte(struct gdb_stub *s, uint8_t b)
{
	int v;

	switch (s->rx_state) {
	case RX_IDLE:
		idle_byte(s, b);
		return;
	case RX_DATA:
		if (b == '$') {
			packet_start(s); /* gdb gave up on the last one */
		} else if (b == '#') {
			s->rx_state = RX_CK1;
		} else {
			s->rx_sum = (uint8_t)(s->rx_sum + b);
			if (s->rx_len < GDB_PKT_MAX)
				s->rx[s->rx_len++] = (char)b;
			else
				s->rx_overflow = true;
		}
		return;
	case RX_CK1:
	case RX_CK2:
		v = gdb_hex_val((char)b);
		if (v < 0) {
			s->rx_state = RX_IDLE;
			gdb_nak(s);
		} else if (s->rx_state == RX_CK1) {
			s->rx_ck = (uint8_t)(v << 4);
			s->rx_state = RX_CK2;
		} else {
			s->rx_ck = (uint8_t)(s->rx_ck | v);
			checksum_done(s);
		}
		return;
	}
}
