/* cmd_devices.c - "bhctl devices HW CFG [--partition NAME] [--json]": the device
 * descriptors each partition will get (BH_DEVICE_GET_INFO/REGION_INFO/IRQ_INFO/DT_PATH),
 * computed offline from the hardware tree and the config with the hypervisor's own
 * descriptor builder (hv/dev/desc.c). The text lines are the ones the lsdev guest prints
 * from inside the partition, so the two can be compared. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <hv/device_desc.h>
#include <hv/err.h>
#include "bhctl.h"
#include "devices.h"

#define IRQ_HANDLES_MAX DEV_MAX_IRQS

struct dev_opts {
	const char *hw, *cfg, *part;
	bool json;
};

void bhctl_devices_offline_usage(FILE *out)
{
	fprintf(out,
		"usage: bhctl devices HW CFG [--partition NAME] [--json]\n"
		"  The devices each partition will be given, as its guest sees them through the\n"
		"  device ABI (docs/abi.md): handles, regions, interrupts, hardware-tree origin.\n"
		"  HW and CFG are .dtb files or .dts sources (compiled with dtc).\n"
		"  Exit: 0 done, 1 the config is invalid, 2 usage or unreadable file.\n");
}

bool bhctl_devices_is_offline(int argc, char **argv)
{
	int files = 0;

	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);

		files += n > 4 &&
			 (!strcmp(argv[i] + n - 4, ".dtb") || !strcmp(argv[i] + n - 4, ".dts"));
	}
	return files == 2;
}

static int parse(int argc, char **argv, struct dev_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o->json = true;
		else if (!strcmp(argv[i], "--partition") && i + 1 < argc)
			o->part = argv[++i];
		else if (argv[i][0] == '-')
			return -EINVAL;
		else if (!o->hw)
			o->hw = argv[i];
		else if (!o->cfg)
			o->cfg = argv[i];
		else
			return -EINVAL;
	}
	return o->hw && o->cfg ? 0 : -EINVAL;
}

static void on_error(void *ctx, const char *node, const char *prop, const char *msg)
{
	fprintf(stderr, "bhctl: %s%s%s: %s\n", node, prop ? ":" : "", prop ? prop : "", msg);
}

static void path_of(const void *hw, const struct dev_desc *d, uint32_t kind, uint32_t idx,
		    char *buf, size_t len, uint32_t *prop, uint32_t *pidx)
{
	size_t needed;

	if (dev_desc_dt_path(hw, d, kind, idx, buf, len, &needed, prop, pidx))
		snprintf(buf, len, "?");
}

static void put_line(void *ctx, const char *line)
{
	printf("%s\n", line);
}

/* The same lines as partitions/lsdev prints. */
static void print_text(const void *hw, const struct dev_desc *d)
{
	dev_desc_print(hw, d, put_line, NULL);
}

static void print_json(const void *hw, const struct dev_desc *d, bool first)
{
	struct bh_device_info di;
	char path[256];
	uint32_t prop, pidx;

	dev_desc_info(d, &di);
	path_of(hw, d, BH_DT_KIND_DEVICE, 0, path, sizeof(path), &prop, &pidx);
	printf("%s\n      {\"handle\": %u, \"path\": ", first ? "" : ",", d->handle);
	json_str(stdout, path);
	printf(", \"flags\": %u, \"regions\": [", di.flags);
	for (uint32_t i = 0; i < di.num_regions; i++) {
		struct bh_region_info ri;

		dev_desc_region(d, i, &ri);
		path_of(hw, d, BH_DT_KIND_REGION, i, path, sizeof(path), &prop, &pidx);
		printf("%s{\"index\": %u, \"flags\": %u, \"guest_addr\": %llu, \"size\": %llu, "
		       "\"phys_addr\": %llu, \"prop\": \"%s\", \"prop_index\": %u}",
		       i ? ", " : "", i, ri.flags, (unsigned long long)ri.guest_addr,
		       (unsigned long long)ri.size, (unsigned long long)ri.phys_addr,
		       dev_desc_prop_name(prop), pidx);
	}
	printf("], \"irqs\": [");
	for (uint32_t i = 0; i < di.num_irqs; i++) {
		struct bh_irq_info qi;
		uint32_t h[IRQ_HANDLES_MAX];

		dev_desc_irq(d, i, &qi, h, IRQ_HANDLES_MAX);
		path_of(hw, d, BH_DT_KIND_IRQ, i, path, sizeof(path), &prop, &pidx);
		printf("%s{\"index\": %u, \"flags\": %u, \"count\": %u, \"handles\": [",
		       i ? ", " : "", i, qi.flags, qi.count);
		if (qi.count)
			printf("%u", h[0]);
		printf("], \"prop\": \"%s\", \"prop_index\": %u, \"path\": ",
		       dev_desc_prop_name(prop), pidx);
		json_str(stdout, path);
		printf("}");
	}
	printf("]}");
}

/* One partition's devices in handle order; 0, or 1 if a descriptor cannot be built. */
static int show_partition(const void *hw, const void *cfg_fdt, const struct hv_config *cfg,
			  int part, bool json)
{
	uint32_t next = dev_desc_first_handle(cfg, part);
	struct dev_desc d;
	int n = 0, bad = 0;

	for (int i = 0; i < cfg->nr_devices; i++) {
		int err;

		if (cfg->device[i].owner != part)
			continue;
		err = dev_desc_build(hw, cfg_fdt, cfg, i, &d);
		if (err) {
			fprintf(stderr, "bhctl: %s: %s\n", cfg->device[i].device, hv_strerror(err));
			bad = 1;
			continue;
		}
		next = dev_desc_number(&d, next);
		if (json)
			print_json(hw, &d, !n);
		else
			print_text(hw, &d);
		n++;
	}
	return bad;
}

int bhctl_devices_offline(int argc, char **argv)
{
	struct dev_opts o;
	struct bhctl_cfg *b = calloc(1, sizeof(*b));
	int rc = BHCTL_OK, shown = 0;

	if (!b || parse(argc, argv, &o)) {
		bhctl_devices_offline_usage(stderr);
		free(b);
		return BHCTL_USAGE;
	}
	b->hw = bhctl_load_tree(o.hw, &b->hw_size);
	b->cfg = b->hw ? bhctl_load_tree(o.cfg, &b->cfg_size) : NULL;
	if (!b->cfg) {
		rc = BHCTL_USAGE;
	} else if (config_load(b->hw, b->cfg, b->cfg_size, &b->model, on_error, NULL)) {
		rc = BHCTL_INVALID;
	} else {
		if (o.json)
			printf("{\"partitions\": [");
		for (int p = 0; p < b->model.nr_parts; p++) {
			const char *label = b->model.part[p].label;

			if (o.part && strcmp(o.part, label))
				continue;
			if (o.json) {
				printf("%s\n  {\"partition\": ", shown ? "," : "");
				json_str(stdout, label);
				printf(", \"devices\": [");
			} else if (!o.part) {
				printf("partition %s\n", label);
			}
			rc |= show_partition(b->hw, b->cfg, &b->model, p, o.json);
			if (o.json)
				printf("]}");
			shown++;
		}
		if (o.json)
			printf("\n]}\n");
		if (o.part && !shown) {
			fprintf(stderr, "bhctl: no partition '%s' in %s\n", o.part, o.cfg);
			rc = BHCTL_USAGE;
		}
	}
	free(b->hw);
	free(b->cfg);
	free(b);
	return rc;
}
