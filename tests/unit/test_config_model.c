/* test_config_model.c - config_load() through its C API: the model built from the Topaz example
 * (tests/configs/good/topaz-2p-linux.dts), the report callback's arguments, size limits.
 * Usage: test_config_model HW.dtb TOPAZ.dtb */
#include <string.h>
#include <hv/config.h>
#include <hv/fdt_util.h>
#include "unit.h"

static struct hv_config cfg;

/* Errors seen by the callback, for checking its arguments. */
struct seen {
	int n;
	char node[256], prop[64], msg[256];
};

static void record(void *ctx, const char *node, const char *prop, const char *msg)
{
	struct seen *s = ctx;

	s->n++;
	snprintf(s->node, sizeof(s->node), "%s", node);
	snprintf(s->prop, sizeof(s->prop), "%s", prop ? prop : "(null)");
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
}

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	static char bufs[2][1 << 16];
	static int next;
	char *b = bufs[next++ & 1];

	if (!f)
		return NULL;
	*size = fread(b, 1, sizeof(bufs[0]), f);
	fclose(f);
	return b;
}

static int part_by_label(const char *label)
{
	for (int i = 0; i < cfg.nr_parts; i++)
		if (!strcmp(cfg.part[i].label, label))
			return i;
	return -1;
}

static void check_partitions(const void *hw, const void *blob)
{
	int p1 = part_by_label("p1-linux"), p2 = part_by_label("p2-linux");
	char path[128];

	CHECK_EQ(cfg.version, 1);
	CHECK_EQ(cfg.nr_parts, 2);
	CHECK(p1 >= 0 && p2 >= 0);
	if (p1 < 0 || p2 < 0)
		return;
	CHECK_EQ(cfg.part[p1].cpus, 0x3);
	CHECK_EQ(cfg.part[p2].cpus, 0xc);
	CHECK(!cfg.part[p1].no_auto_start && cfg.part[p2].no_auto_start);
	CHECK_EQ(cfg.part[p1].watchdog_ms, 5000);
	CHECK(cfg.part[p1].has_image && cfg.part[p1].has_dtb_window);
	CHECK_EQ(cfg.part[p1].image_src, 0x1c000000);
	CHECK_EQ(cfg.part[p1].image_size, 0x800000);
	CHECK_EQ(cfg.part[p1].dtb_window.base, 0x1000000);
	CHECK(cfg.part[p1].node_update < 0 && cfg.part[p1].aliases >= 0);
	CHECK_EQ(cfg.hw.nr_ram, 1);
	CHECK_EQ(cfg.hw.ram[0].size, 0x20000000);
	CHECK_EQ(cfg.hw.cpus, 0xf);
	CHECK_EQ(cfg.nr_gpmas, 4);
	for (int g = 0; g < cfg.nr_gpmas; g++) {
		const struct cfg_pma *a = &cfg.pma[cfg.gpma[g].pma];

		CHECK(cfg.gpma[g].part == p1 || cfg.gpma[g].part == p2);
		CHECK(a->shared == (cfg.gpma[g].guest == 0x10000000));
		CHECK_EQ(config_gpma_size(&cfg, g), a->phys.size);
	}
	CHECK_EQ(cfg.nr_devices, 7);
	for (int d = 0; d < cfg.nr_devices; d++) {
		const struct cfg_device *dev = &cfg.device[d];

		CHECK(dev->hw_node > 0);
		CHECK(!fdt_get_path(hw, dev->hw_node, path, sizeof(path)));
		if (!strcmp(dev->device, "pci0")) {
			CHECK(!strcmp(path, "/pci@fe0008000"));
			CHECK_EQ(dev->owner, p1);
			CHECK(dev->dma_window >= 0);
		}
		if (!strcmp(dev->device, "serial0"))
			CHECK_EQ(dev->owner, CFG_OWNER_HV);
	}
	(void)blob;
}

static void check_links(void)
{
	int p1 = part_by_label("p1-linux"), p2 = part_by_label("p2-linux");

	CHECK_EQ(cfg.nr_bcs, 3);
	for (int i = 0; i < cfg.nr_bcs; i++) {
		CHECK_EQ(cfg.bc[i].peer_kind, CFG_BC_MUX);
		CHECK_EQ(cfg.bc[i].peer, 0);
		CHECK_EQ(cfg.bc[i].mux_channel, cfg.bc[i].owner == CFG_OWNER_HV ? 0
						: cfg.bc[i].owner == p1         ? 1
										: 2);
	}
	CHECK_EQ(cfg.nr_muxes, 1);
	CHECK_EQ(cfg.device[cfg.mux[0].device].owner, CFG_OWNER_HV);
	CHECK(cfg.hv.stdout_bc >= 0 && cfg.hv.stdout_dev == CFG_NONE);
	CHECK_EQ(cfg.bc[cfg.hv.stdout_bc].owner, CFG_OWNER_HV);
	CHECK(cfg.hv.memory_pma >= 0 && cfg.pma[cfg.hv.memory_pma].hv);
	CHECK_EQ(cfg.nr_doorbells, 1);
	CHECK_EQ(cfg.doorbell[0].senders, 1);
	CHECK_EQ(cfg.doorbell[0].receivers, 1);
	CHECK_EQ(cfg.nr_managers, 1);
	CHECK_EQ(cfg.manager[0].manager, p1);
	CHECK_EQ(cfg.manager[0].managed, p2);
	CHECK(!strcmp(config_owner_name(&cfg, CFG_OWNER_HV), "hypervisor"));
	CHECK(!strcmp(config_owner_name(&cfg, p2), "p2-linux"));
}

static void check_limits(const void *hw, const void *blob, size_t size)
{
	struct seen s = { 0 };

	/* A blob that claims more bytes than the caller has. */
	CHECK_EQ(config_load(hw, blob, size - 1, &cfg, record, &s), 1);
	CHECK_EQ(s.n, 1);
	CHECK(!strcmp(s.node, "/") && !strcmp(s.prop, "(null)"));
	CHECK(!strncmp(s.msg, "truncated: header totalsize is", 30));
	/* The hardware tree is checked too, and named as such. */
	memset(&s, 0, sizeof(s));
	CHECK_EQ(config_load(blob + 4, blob, size, &cfg, record, &s), 1);
	CHECK(!strcmp(s.node, "(hardware tree)"));
	/* A NULL callback only counts. */
	CHECK_EQ(config_load(hw, blob, size - 1, &cfg, NULL, NULL), 1);
	CHECK_EQ(config_check_blob(blob, size, NULL, NULL), 0);
	CHECK_EQ(config_check_blob(blob, 39, record, &s), 1);
}

int main(int argc, char **argv)
{
	size_t hw_size, size;
	const void *hw = argc > 2 ? slurp(argv[1], &hw_size) : NULL;
	const void *blob = argc > 2 ? slurp(argv[2], &size) : NULL;
	struct seen s = { 0 };

	if (!hw || !blob) {
		printf("usage: test_config_model HW.dtb TOPAZ.dtb\n");
		return 2;
	}
	for (int round = 0; round < 2; round++) { /* a second load starts from scratch */
		CHECK_EQ(config_load(hw, blob, size, &cfg, record, &s), 0);
		CHECK_EQ(s.n, 0);
		check_partitions(hw, blob);
		check_links();
	}
	check_limits(hw, blob, size);
	return unit_done("test_config_model");
}
