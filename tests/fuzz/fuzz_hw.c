/* fuzz_hw.c - libFuzzer target: config_load() with an arbitrary hardware tree (the blob checks
 * that bhctl and the hypervisor's boot path run first included) against a fixed config
 * ($BULKHEAD_FUZZ_CFG, a .dtb). Exercises hv/fdt/util.c: reg, ranges, aliases, cells. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/config.h>

static char cfg_blob[1 << 16];
static size_t cfg_size;
static struct hv_config cfg;

static void ignore(void *ctx, const char *node, const char *prop, const char *msg)
{
	*(size_t *)ctx += strlen(node) + (prop ? strlen(prop) : 0) + strlen(msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("BULKHEAD_FUZZ_CFG");
	FILE *f = fopen(path ? path : "build/host/fuzz/cfg.dtb", "rb");

	if (!f || !(cfg_size = fread(cfg_blob, 1, sizeof(cfg_blob), f))) {
		fprintf(stderr, "fuzz_hw: set BULKHEAD_FUZZ_CFG to a config .dtb\n");
		exit(2);
	}
	fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *hw = malloc(size ? size : 1);
	size_t chars = 0;

	memcpy(hw, data, size);
	if (!config_check_blob(hw, size, ignore, &chars))
		config_load(hw, cfg_blob, cfg_size, &cfg, ignore, &chars);
	free(hw);
	return 0;
}
