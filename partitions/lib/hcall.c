/* hcall.c - the byte-channel, exit, null and memcpy hypercalls on top of each architecture's
 * hcall() (docs/abi.md sections 1 and 1a). The 16 bytes of a byte-channel send or receive
 * travel four a register, the first byte in the most significant byte, on every
 * architecture. */
#include <string.h>
#include <guest/guest.h>

/* Bytes into registers, the first in the most significant byte of the first register. */
static void pack_bytes(uint32_t *r, const void *buf, uint32_t len)
{
	const uint8_t *b = buf;

	for (uint32_t i = 0; i < len; i++)
		r[i / 4] |= (uint32_t)b[i] << (24 - 8 * (i % 4));
}

static void unpack_bytes(void *buf, const uint32_t *r, uint32_t len)
{
	uint8_t *b = buf;

	for (uint32_t i = 0; i < len; i++)
		b[i] = (uint8_t)(r[i / 4] >> (24 - 8 * (i % 4)));
}

/* EV_BYTE_CHANNEL_SEND: r3 = handle, r4 = count, r5..r8 = bytes (big-endian packed);
 * returns r3 = status, r4 = bytes taken. */
uint32_t bc_send(uint32_t handle, const void *buf, uint32_t len, uint32_t *sent)
{
	uint32_t r[8] = { handle };
	uint32_t st;

	if (len > EV_BYTE_CHANNEL_MAX_BYTES)
		len = EV_BYTE_CHANNEL_MAX_BYTES;
	r[1] = len;
	pack_bytes(&r[2], buf, len);
	st = hcall(EV_BYTE_CHANNEL_SEND, r);
	if (sent)
		*sent = st == EV_SUCCESS ? (r[1] && r[1] <= len ? r[1] : len) : 0;
	return st;
}

/* EV_BYTE_CHANNEL_RECEIVE: r3 = handle, r4 = max count; returns r4 = count, r5..r8 = bytes. */
uint32_t bc_receive(uint32_t handle, void *buf, uint32_t max, uint32_t *got)
{
	uint32_t r[8] = { handle };
	uint32_t st, n = 0;

	if (max > EV_BYTE_CHANNEL_MAX_BYTES)
		max = EV_BYTE_CHANNEL_MAX_BYTES;
	r[1] = max;
	st = hcall(EV_BYTE_CHANNEL_RECEIVE, r);
	if (st == EV_SUCCESS) {
		n = r[1] <= max ? r[1] : max;
		unpack_bytes(buf, &r[2], n);
	}
	if (got)
		*got = n;
	return st;
}

/* EV_BYTE_CHANNEL_POLL: r3 = handle; returns r4 = bytes waiting, r5 = free space. */
uint32_t bc_poll(uint32_t handle, uint32_t *rx_count, uint32_t *tx_space)
{
	uint32_t r[8] = { handle };
	uint32_t st = hcall(EV_BYTE_CHANNEL_POLL, r);

	if (rx_count)
		*rx_count = st == EV_SUCCESS ? r[1] : 0;
	if (tx_space)
		*tx_space = st == EV_SUCCESS ? r[2] : 0;
	return st;
}

uint32_t bc_write_all(uint32_t handle, const void *buf, size_t len)
{
	const char *p = buf;
	uint32_t st, sent;

	while (len) {
		st = bc_send(handle, p, len, &sent);
		if (st == EV_EAGAIN)
			continue; /* channel full: the peer (or the hv console) drains it */
		if (st != EV_SUCCESS)
			return st;
		p += sent;
		len -= sent;
	}
	return EV_SUCCESS;
}

uint32_t guest_hv_exit(uint32_t code)
{
	return hcall1(BH_GUEST_EXIT, code);
}

uint32_t guest_hv_null(void)
{
	return hcall0(BH_NULL);
}

/* One scatter-gather entry: big-endian u64 source, target, size, reserved (Linux's
 * fh_sg_list), in memory, on every architecture. */
uint32_t guest_partition_memcpy(uint32_t src_h, uint32_t dst_h, uint32_t src, uint32_t dst,
				uint32_t size)
{
	static uint8_t sg[32] __attribute__((aligned(32)));
	uint32_t r[8] = { src_h, dst_h, (uint32_t)(uintptr_t)sg, 0, 1 };
	const uint32_t v[3] = { src, dst, size };

	memset(sg, 0, sizeof(sg));
	for (int i = 0; i < 3; i++) /* the low word of each u64 */
		for (int b = 0; b < 4; b++)
			sg[8 * i + 4 + b] = (uint8_t)(v[i] >> (24 - 8 * b));
	return hcall(FH_PARTITION_MEMCPY, r);
}
