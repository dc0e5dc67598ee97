/* cmd_config.c - "bhctl config check|explain|map": the config validator on the host. */
#include <stdlib.h>
#include <string.h>
#include "bhctl.h"

/* One reported error, kept for --json. */
struct error {
	const char *file;
	char *node, *prop, *msg;
};

/* Report context: where errors go and which file they are about. */
struct report {
	const char *file;
	bool json;
	int n, cap;
	struct error *errs;
	int nw, wcap;
	struct error *warns; /* warnings: printed, never counted as errors */
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void keep(const char *file, struct error **list, int *n, int *cap, const char *node,
		 const char *prop, const char *msg)
{
	if (*n == *cap) {
		struct error *ne = realloc(*list, sizeof(*ne) * (size_t)(*cap = *cap * 2 + 16));

		if (!ne)
			return;
		*list = ne;
	}
	(*list)[(*n)++] =
		(struct error){ file, dup_or_null(node), dup_or_null(prop), dup_or_null(msg) };
}

static void on_error(void *ctx, const char *node, const char *prop, const char *msg)
{
	struct report *r = ctx;

	if (!r->json) {
		if (prop)
			fprintf(stderr, "%s: %s: %s: %s\n", r->file, node, prop, msg);
		else
			fprintf(stderr, "%s: %s: %s\n", r->file, node, msg);
	}
	keep(r->file, &r->errs, &r->n, &r->cap, node, prop, msg);
}

/* A warning: the config is valid, but says something the user may not mean. */
static void on_warning(void *ctx, const char *node, const char *prop, const char *msg)
{
	struct report *r = ctx;

	if (!r->json) {
		if (prop)
			fprintf(stderr, "%s: %s: %s: warning: %s\n", r->file, node, prop, msg);
		else
			fprintf(stderr, "%s: %s: warning: %s\n", r->file, node, msg);
	}
	keep(r->file, &r->warns, &r->nw, &r->wcap, node, prop, msg);
}

static void print_json_list(FILE *out, const char *name, const struct error *l, int n)
{
	fprintf(out, "\"%s\": [", name);
	for (int i = 0; i < n; i++) {
		fprintf(out, "%s\n    {\"file\": ", i ? "," : "");
		json_str(out, l[i].file);
		fprintf(out, ", \"node\": ");
		json_str(out, l[i].node);
		fprintf(out, ", \"property\": ");
		json_str(out, l[i].prop);
		fprintf(out, ", \"message\": ");
		json_str(out, l[i].msg);
		fputc('}', out);
	}
	fprintf(out, "%s]", n ? "\n  " : "");
}

static void print_json_errors(FILE *out, const struct report *r)
{
	print_json_list(out, "errors", r->errs, r->n);
	fprintf(out, ",\n  ");
	print_json_list(out, "warnings", r->warns, r->nw);
}

static void free_list(struct error *l, int n)
{
	for (int i = 0; i < n; i++) {
		free(l[i].node);
		free(l[i].prop);
		free(l[i].msg);
	}
	free(l);
}

static void free_report(struct report *r)
{
	free_list(r->errs, r->n);
	free_list(r->warns, r->nw);
}

/* Load and validate; returns the number of errors, or -1 when a file could not be read. */
static int load_pair(struct bhctl_cfg *b, struct report *r)
{
	b->hw = bhctl_load_tree(b->hw_file, &b->hw_size);
	if (!b->hw)
		return -1;
	b->cfg = bhctl_load_tree(b->cfg_file, &b->cfg_size);
	if (!b->cfg)
		return -1;
	r->file = b->hw_file;
	if (config_check_blob(b->hw, b->hw_size, on_error, r))
		return r->n;
	r->file = b->cfg_file;
	config_set_warning_handler(on_warning, r);
	return config_load(b->hw, b->cfg, b->cfg_size, &b->model, on_error, r);
}

static void config_usage(FILE *out)
{
	fprintf(out,
		"usage: bhctl config check [--json] HW CFG\n"
		"       bhctl config explain [--json] HW CFG\n"
		"       bhctl config map HW CFG -o map.svg\n"
		"HW is the board's hardware tree, CFG the config tree (.dts, compiled with dtc,\n"
		"or .dtb). Exit status: 0 valid, 1 invalid (errors as file: node: property:\n"
		"message), 2 usage error or unreadable input. Schema: docs/config.md.\n");
}

/* Options and operands shared by the subcommands. */
struct opts {
	const char *sub, *out;
	bool json;
	const char *files[2];
	int nfiles;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	if (argc < 2)
		return -1;
	o->sub = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o->json = true;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			o->out = argv[++i];
		else if (argv[i][0] == '-' || o->nfiles == 2)
			return -1;
		else
			o->files[o->nfiles++] = argv[i];
	}
	return o->nfiles == 2 ? 0 : -1;
}

static int finish_check(const struct opts *o, struct bhctl_cfg *b, struct report *r, int nerr)
{
	if (o->json) {
		printf("{\n  \"hardware\": ");
		json_str(stdout, b->hw_file);
		printf(",\n  \"config\": ");
		json_str(stdout, b->cfg_file);
		printf(",\n  \"valid\": %s,\n  \"partitions\": %d,\n  ", nerr ? "false" : "true",
		       nerr ? 0 : b->model.nr_parts);
		print_json_errors(stdout, r);
		printf("\n}\n");
	} else if (!nerr) {
		printf("%s: valid (%d partition%s)\n", b->cfg_file, b->model.nr_parts,
		       b->model.nr_parts == 1 ? "" : "s");
	}
	return nerr ? BHCTL_INVALID : BHCTL_OK;
}

static int run_sub(const struct opts *o, struct bhctl_cfg *b)
{
	struct report r = { .json = o->json };
	int nerr = load_pair(b, &r), ret;

	if (nerr < 0) {
		ret = BHCTL_USAGE;
	} else if (!strcmp(o->sub, "check") || nerr) {
		ret = finish_check(o, b, &r, nerr);
	} else if (!strcmp(o->sub, "explain")) {
		if (o->json)
			config_explain_json(stdout, b);
		else
			config_explain_text(stdout, b);
		ret = BHCTL_OK;
	} else {
		FILE *f = fopen(o->out, "w");

		if (!f) {
			perror(o->out);
			ret = BHCTL_USAGE;
		} else {
			ret = config_map_svg(f, b) ? BHCTL_USAGE : BHCTL_OK;
			if (fclose(f))
				ret = BHCTL_USAGE;
		}
	}
	free_report(&r);
	return ret;
}

static int config_run(int argc, char **argv)
{
	struct opts o;
	struct bhctl_cfg *b;
	int ret;

	if (parse_opts(argc, argv, &o) ||
	    (strcmp(o.sub, "check") && strcmp(o.sub, "explain") && strcmp(o.sub, "map")) ||
	    (!strcmp(o.sub, "map") && (!o.out || o.json)) || (strcmp(o.sub, "map") && o.out)) {
		config_usage(stderr);
		return BHCTL_USAGE;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return BHCTL_USAGE;
	b->hw_file = o.files[0];
	b->cfg_file = o.files[1];
	ret = run_sub(&o, b);
	free(b->hw);
	free(b->cfg);
	free(b);
	return ret;
}

const struct bhctl_cmd bhctl_cmd_config = {
	.name = "config",
	.summary = "check, explain or map a partition configuration",
	.usage = config_usage,
	.run = config_run,
};
