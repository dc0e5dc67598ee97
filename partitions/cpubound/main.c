/* cpubound - a deterministic CPU-bound workload for the benchmark (bare vs partition under
 * -icount): CRC-32 (IEEE 802.3, reflected, table-driven) over a 64 KiB buffer filled from a
 * linear congruential generator, chained iters times. No privileged instruction in the
 * timed loop. Prints "cpubound: ticks=N result=0x... iters=N" (ticks = timebase ticks of the
 * CRC loop) and exits 0. The result equals Python's zlib.crc32 chained the same way.
 * bootargs: iters=N (default 64). */
#include <stdio.h>
#include <guest/guest.h>

#define BUF_SIZE 65536
#define CRC_POLY 0xedb88320u /* bit-reversed 0x04c11db7 */
#define LCG_SEED 0x12345678u

static uint8_t buf[BUF_SIZE];
static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t i, c, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC_POLY : c >> 1;
		crc_table[i] = c;
	}
}

/* Numerical Recipes LCG; the top byte of each state is one buffer byte. */
static void fill(void)
{
	uint32_t x = LCG_SEED, i;

	for (i = 0; i < BUF_SIZE; i++) {
		x = x * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(x >> 24);
	}
}

/* Same chaining convention as zlib's crc32(crc, buf, len). */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint32_t len)
{
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int main(void)
{
	uint32_t iters = (uint32_t)guest_arg_u64("iters", 64), i, crc = 0;
	uint64_t t0, t1;

	crc_init();
	fill();
	t0 = guest_tb();
	for (i = 0; i < iters; i++)
		crc = crc32_update(crc, buf, BUF_SIZE);
	t1 = guest_tb();
	printf("cpubound: ticks=%llu result=0x%08lx iters=%lu\n", (unsigned long long)(t1 - t0),
	       (unsigned long)crc, (unsigned long)iters);
	return 0;
}
