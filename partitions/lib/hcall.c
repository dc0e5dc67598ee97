/* hcall.c - ePAPR hypercalls (ePAPR 1.1 hypercall ABI): token in r11, arguments in r3..r10, the
 * instruction sequence from /hypervisor/hcall-instructions ("sc 1" on Bulkhead), status
 * in r3 and results in r4..r10. Volatile registers are clobbered as for a function call. */
#include <string.h>
#include <guest/guest.h>

uint32_t hcall(uint32_t token, uint32_t r[8])
{
	register uint32_t r3 __asm__("r3") = r[0];
	register uint32_t r4 __asm__("r4") = r[1];
	register uint32_t r5 __asm__("r5") = r[2];
	register uint32_t r6 __asm__("r6") = r[3];
	register uint32_t r7 __asm__("r7") = r[4];
	register uint32_t r8 __asm__("r8") = r[5];
	register uint32_t r9 __asm__("r9") = r[6];
	register uint32_t r10 __asm__("r10") = r[7];
	register uint32_t r11 __asm__("r11") = token;

	__asm__ volatile(".long 0x44000022" /* sc 1 */
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r11)
			 :
			 : "r0", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	r[0] = r3;
	r[1] = r4;
	r[2] = r5;
	r[3] = r6;
	r[4] = r7;
	r[5] = r8;
	r[6] = r9;
	r[7] = r10;
	return r3;
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
	memcpy(&r[2], buf, len); /* the CPU is big-endian: bytes land MSB first */
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
		memcpy(buf, &r[2], n);
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

/* One scatter-gather entry: big-endian u64 source, target, size, reserved. */
uint32_t guest_partition_memcpy(uint32_t src_h, uint32_t dst_h, uint32_t src, uint32_t dst,
				uint32_t size)
{
	static uint32_t sg[8] __attribute__((aligned(32)));
	uint32_t r[8] = { src_h, dst_h, (uint32_t)(uintptr_t)sg, 0, 1 };

	memset(sg, 0, sizeof(sg));
	sg[1] = src;
	sg[3] = dst;
	sg[5] = size;
	return hcall(FH_PARTITION_MEMCPY, r);
}
