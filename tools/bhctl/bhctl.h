/* bhctl.h - the host control tool: command table and helpers shared by the command files. */
#ifndef BHCTL_H
#define BHCTL_H

#include <stddef.h>
#include <stdio.h>
#include <hv/config.h>

/* Exit codes of every command. */
#define BHCTL_OK      0 /* success / valid */
#define BHCTL_INVALID 1 /* the input was read and is invalid */
#define BHCTL_USAGE   2 /* bad command line, unreadable file, dtc failed */

/* One command group ("bhctl <name> ..."); each lives in its own cmd_<name>.c. */
struct bhctl_cmd {
	const char *name;
	const char *summary;
	void (*usage)(FILE *out);
	int (*run)(int argc, char **argv); /* argv[0] is the group name */
};

extern const struct bhctl_cmd bhctl_cmd_config;
/* cmd_console.c, cmd_ops.c: a running hypervisor's console (docs/console.md) */
extern const struct bhctl_cmd bhctl_cmd_console, bhctl_cmd_list, bhctl_cmd_status, bhctl_cmd_start,
	bhctl_cmd_stop, bhctl_cmd_restart, bhctl_cmd_stats, bhctl_cmd_devices, bhctl_cmd_dma,
	bhctl_cmd_shell;
extern const struct bhctl_cmd bhctl_cmd_gdb; /* cmd_gdb.c: docs/gdb.md */

/* load.c: read a .dtb, or compile a .dts with dtc; malloc'ed, NULL after printing why. */
void *bhctl_load_tree(const char *path, size_t *size);

/* json.c: print s as a JSON string literal (with quotes); NULL prints null. */
void json_str(FILE *out, const char *s);

/* A loaded and validated pair of trees (cmd_config.c). */
struct bhctl_cfg {
	const char *hw_file, *cfg_file;
	void *hw, *cfg;
	size_t hw_size, cfg_size;
	struct hv_config model;
};

/* config_explain.c / config_map.c */
void config_explain_text(FILE *out, const struct bhctl_cfg *b);
void config_explain_json(FILE *out, const struct bhctl_cfg *b);
int config_map_svg(FILE *out, const struct bhctl_cfg *b);

/* config_regions.c: owners of the physical address space, for explain and map. */
enum region_kind { REG_RAM, REG_PMA, REG_DEVICE };

struct region {
	enum region_kind kind;
	uint64_t base, size;
	int owner; /* partition index, CFG_OWNER_HV, or CFG_NONE (free) */
	char name[96];
};

int config_regions(const struct bhctl_cfg *b, struct region *out, int max);
void config_pma_users(const struct hv_config *cfg, int pma, char *buf, size_t len);
int device_irqs(const void *hw, int node, unsigned int *irqs, int max);

#endif
