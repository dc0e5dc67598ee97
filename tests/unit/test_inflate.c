/* test_inflate.c - hv/guest/inflate.c, the gzip decompressor of uImages (issue 13).
 * usage: test_inflate RAW GZ...: each GZ (made by tests/test_unit.py with Python's gzip, at
 * several levels: stored, fixed and dynamic Huffman blocks, a file name in the header) must
 * inflate to exactly RAW. Then every GZ is attacked: truncated at many lengths, single bits
 * flipped all over, an output buffer one byte short, a back-reference before the start:
 * each must fail cleanly (ASan/UBSan watch every access) or, for a flip the CRC cannot see,
 * stay within the output buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/err.h>
#include <hv/inflate.h>
#include "unit.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		exit(2);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* out is exactly max bytes of heap: ASan catches a write past it. */
static int run(const uint8_t *gz, size_t len, size_t max, size_t *got, const char **why)
{
	uint8_t *out = malloc(max ? max : 1);
	int r = inflate_gzip(gz, len, out, max, got, why);

	free(out);
	return r;
}

static void good(const uint8_t *raw, size_t raw_len, const uint8_t *gz, size_t gz_len)
{
	uint8_t *out = malloc(raw_len);
	const char *why = NULL;
	size_t got = 0;

	CHECK_EQ(inflate_gzip(gz, gz_len, out, raw_len, &got, &why), 0);
	CHECK_EQ(got, raw_len);
	CHECK(!memcmp(out, raw, raw_len));
	free(out);
	CHECK_EQ(run(gz, gz_len, raw_len - 1, &got, &why), -HV_EINVAL); /* one byte short */
	CHECK(why && strstr(why, "does not fit"));
}

static void hostile(const uint8_t *gz, size_t gz_len, size_t raw_len)
{
	uint8_t *bad = malloc(gz_len);
	const char *why;
	size_t got;

	for (size_t cut = 0; cut < gz_len; cut += cut < 64 ? 1 : gz_len / 97 + 1)
		CHECK_EQ(run(gz, cut, raw_len, &got, &why), -HV_EINVAL);
	for (size_t bit = 0; bit < gz_len * 8; bit += bit < 512 ? 1 : gz_len / 13 + 7) {
		memcpy(bad, gz, gz_len);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (run(bad, gz_len, raw_len, &got, &why) == 0)
			CHECK(got <= raw_len); /* a flip in the header's name or mtime */
	}
	free(bad);
}

int main(int argc, char **argv)
{
	/* fixed-Huffman block whose first code is a back-reference: length 3, distance 1,
	 * with nothing written yet */
	static const uint8_t before_start[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x03,
						0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 };
	size_t raw_len, gz_len, got;
	uint8_t *raw;
	const char *why = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: test_inflate RAW GZ...\n");
		return 2;
	}
	raw = slurp(argv[1], &raw_len);
	for (int i = 2; i < argc; i++) {
		uint8_t *gz = slurp(argv[i], &gz_len);

		good(raw, raw_len, gz, gz_len);
		hostile(gz, gz_len, raw_len);
		free(gz);
	}
	CHECK_EQ(run(before_start, sizeof(before_start), 64, &got, &why), -HV_EINVAL);
	CHECK_EQ(run((const uint8_t *)"not gzip at all, not at all", 27, 64, &got, &why),
		 -HV_EINVAL);
	CHECK(why && strstr(why, "not gzip"));
	free(raw);
	return unit_done("test_inflate");
}
