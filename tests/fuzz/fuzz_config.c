/* fuzz_config.c - libFuzzer target: config_load() on arbitrary config blobs against QEMU
 * ppce500's hardware tree ($BULKHEAD_FUZZ_HW, a .dtb). Seeds: the good and bad configs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/config.h>

static void *hw;
static struct hv_config cfg;

static void ignore(void *ctx, const char *node, const char *prop, const char *msg)
{
	/* Touch every string: a bad pointer shows up here under ASan. */
	*(size_t *)ctx += strlen(node) + (prop ? strlen(prop) : 0) + strlen(msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("BULKHEAD_FUZZ_HW");
	FILE *f = fopen(path ? path : "build/host/fuzz/hw.dtb", "rb");
	static char buf[1 << 16];

	if (!f || !fread(buf, 1, sizeof(buf), f)) {
		fprintf(stderr, "fuzz_config: set BULKHEAD_FUZZ_HW to the hardware .dtb\n");
		exit(2);
	}
	fclose(f);
	hw = buf;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size, 8-byte aligned copy, so that any read past the end is caught. */
	void *blob = malloc(size ? size : 1);
	size_t chars = 0;

	memcpy(blob, data, size);
	config_load(hw, blob, size, &cfg, ignore, &chars);
	free(blob);
	return 0;
}
