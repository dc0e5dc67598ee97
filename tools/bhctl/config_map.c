/* config_map.c - "bhctl config map": the physical address space as an SVG picture. Regions are
 * drawn in address order, each with a height that grows with log2 of its size (a linear scale
 * would hide 4 KiB devices next to GiBs of RAM); holes between regions are marked. */
#include <stdlib.h>
#include "bhctl.h"

#define MAX_REGIONS 1024
#define WIDTH       960
#define BAR_X       190
#define BAR_W       300
#define GAP_H       14

typedef unsigned long long ull;

/* s with XML's special characters escaped, in buf. */
static const char *xml(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 7 < len; s++) {
		const char *e = *s == '<'   ? "&lt;"
				: *s == '>' ? "&gt;"
				: *s == '&' ? "&amp;"
				: *s == '"' ? "&quot;"
					    : NULL;

		if (e)
			n += (size_t)snprintf(buf + n, len - n, "%s", e);
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

static void colour(int owner, enum region_kind kind, char *buf, size_t len)
{
	if (owner == CFG_OWNER_HV)
		snprintf(buf, len, "#d62728");
	else if (owner == CFG_NONE)
		snprintf(buf, len, kind == REG_RAM ? "#eeeeee" : "#bbbbbb");
	else
		snprintf(buf, len, "hsl(%d,65%%,%d%%)", (owner * 137) % 360, 55 + (owner % 3) * 8);
}

static int row_height(uint64_t size)
{
	int h = 16;

	for (uint64_t s = size >> 12; s > 1; s >>= 1)
		h += 4;
	return h > 120 ? 120 : h;
}

static const char *owner_text(const struct hv_config *cfg, int owner)
{
	return owner == CFG_NONE ? "free" : config_owner_name(cfg, owner);
}

static void size_text(uint64_t size, char *buf, size_t len)
{
	if (size >= (1ull << 30) && !(size & ((1ull << 30) - 1)))
		snprintf(buf, len, "%llu GiB", (ull)(size >> 30));
	else if (size >= (1ull << 20) && !(size & ((1ull << 20) - 1)))
		snprintf(buf, len, "%llu MiB", (ull)(size >> 20));
	else if (size >= 1024 && !(size & 1023))
		snprintf(buf, len, "%llu KiB", (ull)(size >> 10));
	else
		snprintf(buf, len, "%llu bytes", (ull)size);
}

static int legend(FILE *out, const struct hv_config *cfg)
{
	char col[32], name[128];
	int y = 50;

	for (int i = -1; i < cfg->nr_parts; i++, y += 18) {
		int o = i < 0 ? CFG_OWNER_HV : i;

		colour(o, REG_PMA, col, sizeof(col));
		fprintf(out,
			"<rect x=\"20\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
			"<text x=\"40\" y=\"%d\">%s</text>\n",
			y, col, y + 12, xml(config_owner_name(cfg, o), name, sizeof(name)));
	}
	return y + 10;
}

static int draw_row(FILE *out, const struct hv_config *cfg, const struct region *r, int y)
{
	char col[32], sz[32], name[256], owner[128];
	int h = row_height(r->size);

	colour(r->owner, r->kind, col, sizeof(col));
	size_text(r->size, sz, sizeof(sz));
	fprintf(out,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
		"stroke=\"#333\"%s/>\n",
		BAR_X, y, BAR_W, h, col, r->kind == REG_DEVICE ? " stroke-dasharray=\"4 2\"" : "");
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0x%09llx</text>\n", BAR_X - 8,
		y + 12, (ull)r->base);
	fprintf(out, "<text x=\"%d\" y=\"%d\">%s %s: %s (%s)</text>\n", BAR_X + BAR_W + 10, y + 12,
		r->kind == REG_DEVICE ? "device"
		: r->kind == REG_PMA  ? "memory"
				      : "RAM",
		xml(r->name, name, sizeof(name)),
		xml(owner_text(cfg, r->owner), owner, sizeof(owner)), sz);
	return y + h;
}

int config_map_svg(FILE *out, const struct bhctl_cfg *b)
{
	struct region *r = calloc(MAX_REGIONS, sizeof(*r));
	char cfgf[512], hwf[512];
	int n, y, height = 0;

	if (!r)
		return -1;
	n = config_regions(b, r, MAX_REGIONS);
	for (int i = 0; i < n; i++)
		height += row_height(r[i].size) + GAP_H;
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"monospace\" font-size=\"12\">\n"
		"<title>Bulkhead physical address map: %s</title>\n"
		"<text x=\"20\" y=\"24\" font-size=\"16\">Physical address space of %s on %s</text>\n",
		WIDTH, height + 120 + 18 * (b->model.nr_parts + 1),
		xml(b->cfg_file, cfgf, sizeof(cfgf)), cfgf, xml(b->hw_file, hwf, sizeof(hwf)));
	y = legend(out, &b->model);
	for (int i = 0; i < n; i++) {
		if (i && r[i].base > r[i - 1].base + r[i - 1].size) {
			fprintf(out,
				"<text x=\"%d\" y=\"%d\" fill=\"#888\">... hole of 0x%llx bytes"
				"</text>\n",
				BAR_X + 10, y + 11,
				(ull)(r[i].base - r[i - 1].base - r[i - 1].size));
			y += GAP_H;
		}
		y = draw_row(out, &b->model, &r[i], y);
	}
	fprintf(out, "</svg>\n");
	free(r);
	return ferror(out) ? -1 : 0;
}
