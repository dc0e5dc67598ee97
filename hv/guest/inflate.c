/* inflate.c - gzip (RFC 1952) / deflate (RFC 1951) decompression of an untrusted stream into
 * a bounded buffer: Linux's `make uImage` is a gzip'd kernel. Canonical Huffman codes decoded
 * a bit at a time (no tables to build beyond the counts and sorted symbols: small and simple
 * to bound). Every read is checked against the input, every write and back-reference against
 * the output; the work is bounded by the output size (each step produces a byte, or consumes
 * input). No state outside the call: partitions load in parallel on their own CPUs. */
#include <string.h>
#include <hv/err.h>
#include <hv/inflate.h>

#define MAX_BITS     15  /* longest deflate code */
#define MAX_LCODES   286 /* literal/length codes in use */
#define MAX_DCODES   30  /* distance codes in use */
#define FIXED_LCODES 288
#define NO_SYM       (-1) /* decode(): no symbol (a value, not an error) */

/* Input bits, least significant first (RFC 1951, 3.1.1). */
struct bits {
	const uint8_t *in;
	size_t len, pos;
	uint32_t buf; /* bits not yet used, in the low cnt bits */
	unsigned int cnt;
	bool over; /* ran past the input */
};

/* A canonical Huffman code: how many codes of each length, symbols ordered by code. */
struct huff {
	uint16_t count[MAX_BITS + 1];
	uint16_t sym[FIXED_LCODES];
};

/* The output window: the partition's memory from the load address. */
struct out {
	uint8_t *buf;
	size_t max, pos;
};

static const uint16_t len_base[29] = { 3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
				       15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
				       67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1,    2,    3,    4,     5,     7,    9,    13,
					17,   25,   33,   49,    65,    97,   129,  193,
					257,  385,  513,  769,   1025,  1537, 2049, 3073,
					4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
					6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static uint32_t getbits(struct bits *b, unsigned int n)
{
	uint32_t v;

	while (b->cnt < n) {
		if (b->pos == b->len) {
			b->over = true;
			return 0;
		}
		b->buf |= (uint32_t)b->in[b->pos++] << b->cnt;
		b->cnt += 8;
	}
	v = b->buf & ((1u << n) - 1); /* n <= 16 */
	b->buf >>= n;
	b->cnt -= n;
	return v;
}

/* Counts and sorted symbols from code lengths; -HV_EINVAL if the lengths over-subscribe the code
 * space (an incomplete code is allowed: an unused code is an error when met). */
static int build(struct huff *h, const uint8_t *lengths, unsigned int n)
{
	uint16_t offs[MAX_BITS + 1];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned int i = 0; i < n; i++)
		h->count[lengths[i]]++;
	for (unsigned int len = 1; len <= MAX_BITS; len++) {
		left = 2 * left - h->count[len];
		if (left < 0)
			return -HV_EINVAL;
	}
	offs[1] = 0;
	for (unsigned int len = 1; len < MAX_BITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (unsigned int i = 0; i < n; i++)
		if (lengths[i])
			h->sym[offs[lengths[i]]++] = (uint16_t)i;
	return 0;
}

/* One symbol (RFC 1951, 3.2.2: codes are packed most significant bit first), or NO_SYM. */
static int decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0;

	for (unsigned int len = 1; len <= MAX_BITS; len++) {
		int count = h->count[len];

		code |= (int)getbits(b, 1);
		if (b->over)
			return NO_SYM;
		if (code - first < count)
			return h->sym[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return NO_SYM;
}

static int stored(struct bits *b, struct out *o, const char **why)
{
	size_t len;

	b->buf = 0; /* to a byte boundary */
	b->cnt = 0;
	if (b->len - b->pos < 4) {
		*why = "truncated gzip data";
		return -HV_EINVAL;
	}
	len = b->in[b->pos] | (size_t)b->in[b->pos + 1] << 8;
	if ((size_t)(b->in[b->pos + 2] | b->in[b->pos + 3] << 8) != (~len & 0xffff)) {
		*why = "corrupt gzip data (stored block length)";
		return -HV_EINVAL;
	}
	b->pos += 4;
	if (b->len - b->pos < len || o->max - o->pos < len) {
		*why = b->len - b->pos < len
			       ? "truncated gzip data"
			       : "the decompressed image does not fit in the partition's memory";
		return -HV_EINVAL;
	}
	memcpy(o->buf + o->pos, b->in + b->pos, len);
	o->pos += len;
	b->pos += len;
	return 0;
}

/* Literals and length/distance pairs until end of block (256). */
static int codes(struct bits *b, struct out *o, const struct huff *lit, const struct huff *dist,
		 const char **why)
{
	for (;;) {
		int sym = decode(b, lit), d;
		size_t len, back;

		if (sym < 0 || sym >= MAX_LCODES)
			goto corrupt;
		if (sym == 256)
			return 0;
		if (sym < 256) {
			if (o->pos == o->max)
				goto full;
			o->buf[o->pos++] = (uint8_t)sym;
			continue;
		}
		sym -= 257;
		len = len_base[sym] + getbits(b, len_extra[sym]);
		d = decode(b, dist);
		if (d < 0 || d >= MAX_DCODES)
			goto corrupt;
		back = dist_base[d] + getbits(b, dist_extra[d]);
		if (b->over || back > o->pos)
			goto corrupt; /* before the start of the output */
		if (o->max - o->pos < len)
			goto full;
		for (size_t i = 0; i < len; i++, o->pos++) /* may overlap itself */
			o->buf[o->pos] = o->buf[o->pos - back];
	}
corrupt:
	*why = "corrupt gzip data";
	return -HV_EINVAL;
full:
	*why = "the decompressed image does not fit in the partition's memory";
	return -HV_EINVAL;
}

static int fixed(struct bits *b, struct out *o, const char **why)
{
	struct huff lit, dist;
	uint8_t len[FIXED_LCODES];
	unsigned int i;

	for (i = 0; i < 144; i++)
		len[i] = 8;
	for (; i < 256; i++)
		len[i] = 9;
	for (; i < 280; i++)
		len[i] = 7;
	for (; i < FIXED_LCODES; i++)
		len[i] = 8;
	build(&lit, len, FIXED_LCODES);
	for (i = 0; i < MAX_DCODES; i++)
		len[i] = 5;
	build(&dist, len, MAX_DCODES);
	return codes(b, o, &lit, &dist, why);
}

static int dynamic(struct bits *b, struct out *o, const char **why)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
					   11, 4,  12, 3, 13, 2, 14, 1, 15 };
	uint8_t len[MAX_LCODES + MAX_DCODES];
	unsigned int nlen = getbits(b, 5) + 257, ndist = getbits(b, 5) + 1;
	unsigned int ncode = getbits(b, 4) + 4, i;
	struct huff lencode, lit, dist;

	if (nlen > MAX_LCODES || ndist > MAX_DCODES)
		goto corrupt;
	memset(len, 0, sizeof(len));
	for (i = 0; i < ncode; i++)
		len[order[i]] = (uint8_t)getbits(b, 3);
	if (b->over || build(&lencode, len, 19))
		goto corrupt;
	for (i = 0; i < nlen + ndist;) {
		int sym = decode(b, &lencode);
		unsigned int rep;
		uint8_t val = 0;

		if (sym < 0)
			goto corrupt;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				goto corrupt; /* nothing to repeat */
			val = len[i - 1];
			rep = 3 + getbits(b, 2);
		} else {
			rep = sym == 17 ? 3 + getbits(b, 3) : 11 + getbits(b, 7);
		}
		if (b->over || i + rep > nlen + ndist)
			goto corrupt;
		while (rep--)
			len[i++] = val;
	}
	if (!len[256] || build(&lit, len, nlen) || build(&dist, len + nlen, ndist))
		goto corrupt;
	return codes(b, o, &lit, &dist, why);
corrupt:
	*why = "corrupt gzip data (block header)";
	return -HV_EINVAL;
}

/* CRC-32 (ISO 3309, reflected polynomial 0xedb88320), four bits at a time. */
static uint32_t crc32(const uint8_t *p, size_t n)
{
	static const uint32_t t[16] = { 0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
					0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
					0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
					0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c };
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	return ~c;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The gzip member header (RFC 1952, 2.3): its length, or 0 if it is not one we take. */
static size_t gzip_header(const uint8_t *in, size_t len)
{
	size_t pos = 10;
	uint8_t flg;

	if (len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || (in[3] & 0xe0))
		return 0;
	flg = in[3];
	if (flg & 4) { /* FEXTRA */
		size_t xlen = in[pos] | (size_t)in[pos + 1] << 8;

		if (len - pos < 2 + xlen)
			return 0;
		pos += 2 + xlen;
	}
	for (int f = 8; f <= 16; f <<= 1) { /* FNAME, FCOMMENT: zero-terminated */
		if (!(flg & f))
			continue;
		while (pos < len && in[pos])
			pos++;
		if (pos++ >= len)
			return 0;
	}
	if (flg & 2) /* FHCRC */
		pos += 2;
	return pos < len ? pos : 0;
}

int inflate_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max, size_t *out_len,
		 const char **why)
{
	struct bits b = { .in = in, .len = in_len };
	struct out o = { .buf = out, .max = out_max };
	size_t hdr = gzip_header(in, in_len);
	unsigned int last = 0;

	if (!hdr) {
		*why = "not gzip data (or an unsupported gzip header)";
		return -HV_EINVAL;
	}
	b.pos = hdr;
	while (!last) {
		unsigned int type;
		int err;

		last = getbits(&b, 1);
		type = getbits(&b, 2);
		if (b.over) {
			*why = "truncated gzip data";
			return -HV_EINVAL;
		}
		err = type == 0   ? stored(&b, &o, why)
		      : type == 1 ? fixed(&b, &o, why)
		      : type == 2 ? dynamic(&b, &o, why)
				  : (*why = "corrupt gzip data", -HV_EINVAL);
		if (err)
			return err;
	}
	if (in_len - b.pos < 8 || le32(in + b.pos) != crc32(out, o.pos) ||
	    le32(in + b.pos + 4) != (uint32_t)o.pos) {
		*why = "corrupt gzip data (CRC or length check)";
		return -HV_EINVAL;
	}
	*out_len = o.pos;
	return 0;
}
