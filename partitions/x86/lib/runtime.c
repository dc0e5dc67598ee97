/* runtime.c - the x86 part of the test guests' runtime (docs/x86.md): the console byte
 * channel named by the device tree's /chosen/stdout-path, text output through
 * EV_BYTE_CHANNEL_SEND, boot arguments from /chosen/bootargs, and the few string helpers a
 * freestanding 32-bit guest needs. The device tree is read with a small walker of its
 * structure block (devicetree spec 0.4, 5.4), bounded by the header's sizes. */
#include <stddef.h>
#include <stdint.h>
#include <bulkhead/errors.h>
#include <bulkhead/hcall.h>
#include "runtime.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static const uint8_t *tree;
static uint32_t tree_size;
static int console = -1;

uint32_t be32(const void *v)
{
	const uint8_t *p = v;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

#define PATH_MAX_LEN 128
#define DEPTH_MAX    16

/* Property name of the node at path ("/chosen", "/cpus/cpu@1") and its length, or NULL. */
const void *guest_prop(const char *path, const char *name, uint32_t *len)
{
	uint32_t off, str, end, depth = 0, at[DEPTH_MAX];
	char cur[PATH_MAX_LEN];

	if (!tree || tree_size < 40)
		return NULL;
	off = be32(tree + 8);
	str = be32(tree + 12);
	end = off + be32(tree + 36);
	if (end > tree_size || str > tree_size)
		return NULL;
	cur[0] = 0;
	while (off + 4 <= end) {
		uint32_t tok = be32(tree + off);

		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *n = (const char *)tree + off;
			uint32_t l = (uint32_t)strlen(cur), nl = (uint32_t)strlen(n);

			if (depth == DEPTH_MAX || l + nl + 2 > PATH_MAX_LEN)
				return NULL;
			at[depth++] = l;
			if (depth > 1) { /* the root's name is empty: its path is "" */
				cur[l] = '/';
				for (uint32_t i = 0; i <= nl; i++)
					cur[l + 1 + i] = n[i];
			}
			off += (nl + 4) & ~3u;
		} else if (tok == FDT_END_NODE) {
			if (!depth)
				return NULL;
			cur[at[--depth]] = 0;
		} else if (tok == FDT_PROP && off + 8 <= end) {
			uint32_t plen = be32(tree + off), nameoff = be32(tree + off + 4);

			off += 8;
			if (streq(cur, path) && str + nameoff < tree_size &&
			    streq((const char *)tree + str + nameoff, name) && off + plen <= end) {
				*len = plen;
				return tree + off;
			}
			off += (plen + 3) & ~3u;
		} else if (tok != FDT_NOP) {
			break;
		}
	}
	return NULL;
}

static const char *chosen_prop(const char *name, uint32_t *len)
{
	return guest_prop("/chosen", name, len);
}

void guest_init(const void *fdt)
{
	const char *path, *at;
	uint32_t len;

	if (!fdt || be32(fdt) != FDT_MAGIC)
		return;
	tree = fdt;
	tree_size = be32(tree + 4);
	path = chosen_prop("stdout-path", &len);
	at = path ? path + len : NULL;
	while (at && at > path && at[-1] != '@')
		at--;
	if (at && at > path) {
		console = 0;
		for (; *at >= '0' && *at <= '9'; at++)
			console = console * 10 + (*at - '0');
	}
}

/* EV_BYTE_CHANNEL_SEND: EBX = handle, ECX = count, EDX, ESI, EDI, EBP = the bytes, four a
 * register, the first in the most significant byte. Retried while the channel is full. */
static void send(const char *buf, uint32_t n)
{
	while (n) {
		uint32_t r[6] = { (uint32_t)console, n > 16 ? 16 : n, 0, 0, 0, 0 };
		uint32_t k = r[1];

		for (uint32_t i = 0; i < k; i++)
			r[2 + i / 4] |= (uint32_t)(uint8_t)buf[i] << (24 - 8 * (i % 4));
		if (x86_hcall(EV_BYTE_CHANNEL_SEND, r) != EV_SUCCESS)
			continue;
		if (!r[1] || r[1] > k)
			r[1] = k;
		buf += r[1];
		n -= r[1];
	}
}

void guest_puts(const char *s)
{
	if (console >= 0)
		send(s, strlen(s));
}

void guest_put_hex(uint32_t v)
{
	char b[11] = "0x";

	for (int i = 0; i < 8; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
	b[10] = 0;
	guest_puts(b);
}

void guest_put_dec(uint32_t v)
{
	char b[12];
	int i = 11;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	guest_puts(b + i);
}

/* The number after "key=" in /chosen/bootargs (decimal or 0x hex), or dflt. */
uint32_t guest_arg(const char *key, uint32_t dflt)
{
	uint32_t len, klen = (uint32_t)strlen(key);
	const char *a = chosen_prop("bootargs", &len), *end = a ? a + len : NULL;

	for (const char *w = a; w && w < end; w++) {
		uint32_t v = 0, base = 10;
		const char *p;

		if ((w != a && w[-1] != ' ') || w + klen + 1 > end)
			continue;
		p = w;
		for (uint32_t i = 0; i < klen && *p == key[i]; i++)
			p++;
		if (p != w + klen || *p != '=')
			continue;
		p++;
		if (p + 1 < end && p[0] == '0' && p[1] == 'x')
			base = 16, p += 2;
		for (; p < end; p++) {
			uint32_t d = *p >= '0' && *p <= '9'   ? (uint32_t)(*p - '0')
				     : *p >= 'a' && *p <= 'f' ? (uint32_t)(*p - 'a' + 10)
							      : 99;

			if (d >= base)
				break;
			v = v * base + d;
		}
		return v;
	}
	return dflt;
}

void guest_lock(volatile uint32_t *l)
{
	uint32_t old;

	do {
		old = 1;
		__asm__ volatile("xchgl %0, %1" : "+r"(old), "+m"(*l) : : "memory");
	} while (old);
}

void guest_unlock(volatile uint32_t *l)
{
	__asm__ volatile("" ::: "memory");
	*l = 0;
}

/* A guest without interrupt handling of its own. */
__attribute__((weak)) void guest_irq(void)
{
}
