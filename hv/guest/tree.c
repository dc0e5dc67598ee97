/* tree.c - the device tree each partition boots with (ePAPR 1.1 guest bindings):
 * /hypervisor (hcall-instructions, guest id and name, handles), memory, /cpus (written by the
 * architecture's guest boot protocol, <hv/arch/boot.h>), /chosen (stdout = the console byte
 * channel), then the config's node-update. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/arch/boot.h>
#include <hv/byte_chan.h>
#include <bulkhead/abi.h>
#include <hv/config.h>
#include <hv/cpu.h>
#include <hv/device.h>
#include <hv/err.h>
#include <hv/fdt_util.h>
#include <hv/guest_tree.h>
#include <hv/manager.h>
#include <hv/vpic.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include <hv/errmgr.h>

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0) /* an hv code */

static int setprop_u64(void *fdt, int node, const char *name, uint64_t v)
{
	return hv_err_fdt(fdt_setprop_u64(fdt, node, name, v));
}

static int add_root(void *fdt, const struct partition *p)
{
	FDT_TRY(fdt_setprop_u32(fdt, 0, "#address-cells", 2));
	FDT_TRY(fdt_setprop_u32(fdt, 0, "#size-cells", 2));
	FDT_TRY(fdt_setprop_string(fdt, 0, "model", "Bulkhead partition"));
	FDT_TRY(fdt_setprop_string(fdt, 0, "epapr-version", "ePAPR-1.1"));
	return hv_err_fdt(fdt_setprop_string(fdt, 0, "compatible", "bulkhead,partition"));
}

/* interrupts = <handle sense ...> at the vPIC (ePAPR 1.1 interrupt specifiers, 2 cells). */
static int add_irq(void *fdt, int node, uint32_t pic, uint32_t handle, uint32_t sense)
{
	if (!fdt_getprop(fdt, node, "interrupt-parent", NULL))
		FDT_TRY(fdt_setprop_u32(fdt, node, "interrupt-parent", pic));
	FDT_TRY(fdt_appendprop_u32(fdt, node, "interrupts", handle));
	return hv_err_fdt(fdt_appendprop_u32(fdt, node, "interrupts", sense));
}

/* A managed partition: "fsl,hv-partition-handle", reg = handle, label = its name, and its
 * state-change doorbell as a child (Linux's fsl_hypervisor driver finds the doorbell by the
 * "epapr,hv-receive-doorbell" compatible and the partition by the parent's hv-handle). */
static int add_partition_handle(void *fdt, int handles, int h, const struct handle *hd,
				uint32_t pic)
{
	static const char compat[] = "fsl,hv-state-change-doorbell\0epapr,hv-receive-doorbell";
	const struct partition *target = manager_handle_target(hd);
	char name[32];
	int node, db;

	snprintf(name, sizeof(name), "partition@%d", h);
	node = fdt_add_subnode(fdt, handles, name);
	FDT_TRY(node);
	FDT_TRY(fdt_setprop_string(fdt, node, "compatible", "fsl,hv-partition-handle"));
	FDT_TRY(fdt_setprop_u32(fdt, node, "reg", (uint32_t)h));
	FDT_TRY(fdt_setprop_u32(fdt, node, "hv-handle", (uint32_t)h));
	FDT_TRY(fdt_setprop_string(fdt, node, "label", target->name));
	if (manager_doorbell_handle(hd) < 0)
		return 0;
	db = fdt_add_subnode(fdt, node, "state-change-doorbell");
	FDT_TRY(db);
	FDT_TRY(fdt_setprop(fdt, db, "compatible", compat, sizeof(compat)));
	return add_irq(fdt, db, pic, (uint32_t)manager_doorbell_handle(hd), VPIC_SENSE_EDGE);
}

/* Handle nodes are added last handle first: libfdt inserts a new subnode before its
 * siblings, so the guest sees them in handle order. */
static int add_byte_channels(void *fdt, int handles, const struct partition *p, const void *cfg_fdt,
			     const struct hv_config *cfg, uint32_t pic)
{
	char name[32];

	for (int h = PART_MAX_HANDLES - 1; h >= 0; h--) {
		const struct handle *hd = p->handles[h];
		const struct byte_chan *c = hd && hd->type == HANDLE_BYTE_CHANNEL ? hd->obj : NULL;
		int node;

		if (hd && hd->type == HANDLE_PARTITION) {
			TRY(add_partition_handle(fdt, handles, h, hd, pic));
			continue;
		}
		if (!c)
			continue;
		snprintf(name, sizeof(name), "byte-channel@%d", h);
		node = fdt_add_subnode(fdt, handles, name);
		FDT_TRY(node);
		FDT_TRY(fdt_setprop_string(fdt, node, "compatible", "epapr,hv-byte-channel"));
		FDT_TRY(fdt_setprop_u32(fdt, node, "reg", (uint32_t)h));
		FDT_TRY(fdt_setprop_u32(fdt, node, "hv-handle", (uint32_t)h));
		TRY(fdt_setprop_string(fdt, node, "label",
				       fdt_get_name(cfg_fdt, cfg->bc[c->cfg_index].node, NULL)));
		if (!c->rx_irq || !c->tx_irq)
			continue; /* the vPIC was full (said at boot): the guest polls */
		/* rx then tx, level (drivers/tty/ehv_bytechan.c: irq 0 = rx, 1 = tx) */
		TRY(add_irq(fdt, node, pic, (uint32_t)c->rx_handle, VPIC_SENSE_LEVEL));
		TRY(add_irq(fdt, node, pic, (uint32_t)c->tx_handle, VPIC_SENSE_LEVEL));
	}
	return 0;
}

static int add_hypervisor(void *fdt, const struct partition *p, const void *cfg_fdt,
			  const struct hv_config *cfg)
{
	uint32_t insns[8];
	fdt32_t be[8];
	int n = arch_hcall_instructions(insns, 8);
	int pic = vpic_tree_node(fdt); /* first: it adds a node, offsets below come after */
	int hv, handles;

	TRY(pic);
	hv = fdt_add_subnode(fdt, 0, "hypervisor");
	FDT_TRY(hv);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(insns[i]);
	FDT_TRY(fdt_setprop_string(fdt, hv, "compatible", "epapr,hypervisor-1"));
	FDT_TRY(fdt_setprop(fdt, hv, "hcall-instructions", be, n * 4));
	FDT_TRY(fdt_setprop_u32(fdt, hv, "guest-id", (uint32_t)p->id));
	FDT_TRY(fdt_setprop_string(fdt, hv, "guest-name", p->name));
	FDT_TRY(fdt_setprop_u32(fdt, hv, "bulkhead,abi-version", BULKHEAD_ABI_MAJOR));
	/* what Linux's fsl_hypervisor driver looks for ("no hypervisor found" without it) */
	FDT_TRY(fdt_setprop_u32(fdt, hv, "fsl,hv-version", BULKHEAD_ABI_MAJOR));
	FDT_TRY(fdt_appendprop_u32(fdt, hv, "fsl,hv-version", 0));
	FDT_TRY(fdt_setprop_u32(fdt, hv, "#address-cells", 1));
	FDT_TRY(fdt_setprop_u32(fdt, hv, "#size-cells", 0));
	handles = fdt_add_subnode(fdt, hv, "handles");
	FDT_TRY(handles);
	FDT_TRY(fdt_setprop_u32(fdt, handles, "#address-cells", 1));
	FDT_TRY(fdt_setprop_u32(fdt, handles, "#size-cells", 0));
	return add_byte_channels(fdt, handles, p, cfg_fdt, cfg, (uint32_t)pic);
}

static int add_memory(void *fdt, const struct partition *p)
{
	char name[32];

	for (unsigned int i = 0; i < p->nr_mem; i++) {
		int node;

		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->mem[i].gpa);
		node = fdt_add_subnode(fdt, 0, name);
		FDT_TRY(node);
		FDT_TRY(fdt_setprop_string(fdt, node, "device_type", "memory"));
		FDT_TRY(fdt_appendprop_u64(fdt, node, "reg", p->mem[i].gpa));
		FDT_TRY(fdt_appendprop_u64(fdt, node, "reg", p->mem[i].size));
	}
	return 0;
}

static int add_chosen(void *fdt, const struct partition *p, const struct cfg_partition *cp)
{
	int chosen = fdt_add_subnode(fdt, 0, "chosen");
	char path[64];

	FDT_TRY(chosen);
	if (cp->has_rootfs) { /* Linux's initrd (of/fdt.c early_init_dt_check_for_initrd) */
		TRY(setprop_u64(fdt, chosen, "linux,initrd-start", cp->rootfs_guest));
		TRY(setprop_u64(fdt, chosen, "linux,initrd-end",
				cp->rootfs_guest + cp->rootfs_src.size));
	}
	if (byte_chan_stdout_handle(p) < 0)
		return 0;
	snprintf(path, sizeof(path), "/hypervisor/handles/byte-channel@%d",
		 byte_chan_stdout_handle(p));
	return hv_err_fdt(fdt_setprop_string(fdt, chosen, "stdout-path", path));
}

/* Guest path of the config node a partition's alias names (its byte channels), or NULL. */
static const char *alias_target(const struct partition *p, const struct hv_config *cfg,
				int cfg_node, char *buf, size_t len)
{
	for (int h = 0; h < PART_MAX_HANDLES; h++) {
		const struct handle *hd = p->handles[h];
		const struct byte_chan *c = hd && hd->type == HANDLE_BYTE_CHANNEL ? hd->obj : NULL;

		if (c && cfg->bc[c->cfg_index].node == cfg_node) {
			snprintf(buf, len, "/hypervisor/handles/byte-channel@%d", h);
			return buf;
		}
	}
	return NULL;
}

/* The partition's config "aliases": phandles become guest paths, strings pass through. */
static int add_aliases(void *fdt, const struct partition *p, const void *cfg_fdt,
		       const struct hv_config *cfg, int cfg_aliases)
{
	int node, prop;
	char path[64];

	if (cfg_aliases < 0)
		return 0;
	node = fdt_add_subnode(fdt, 0, "aliases");
	FDT_TRY(node);
	fdt_for_each_property_offset(prop, cfg_fdt, cfg_aliases)
	{
		const char *name;
		int len;
		const void *v = fdt_getprop_by_offset(cfg_fdt, prop, &name, &len);
		const char *target =
			len == 4 ? alias_target(p, cfg,
						fdt_node_offset_by_phandle(cfg_fdt, fdt32_ld(v)),
						path, sizeof(path))
				 : NULL;

		if (target)
			FDT_TRY(fdt_setprop_string(fdt, node, name, target));
		else if (len != 4)
			FDT_TRY(fdt_setprop(fdt, node, name, v, len));
	}
	return 0;
}

/* ---- node-update (config "node-update" nodes: verbs, plain properties, child nodes) ---- */

static int update_verb(void *fdt, int node, const char *verb, const char *val, int len)
{
	if (!strcmp(verb, "delete-prop")) {
		for (const char *s = val; s < val + len; s += strlen(s) + 1)
			fdt_delprop(fdt, node, s);
	} else if (!strcmp(verb, "delete-node")) {
		for (const char *s = val; s < val + len; s += strlen(s) + 1) {
			int child = fdt_subnode_offset(fdt, node, s);

			if (child >= 0)
				FDT_TRY(fdt_del_node(fdt, child));
		}
	} else if (!strcmp(verb, "delete-subnodes")) {
		int child;

		while ((child = fdt_first_subnode(fdt, node)) >= 0)
			FDT_TRY(fdt_del_node(fdt, child));
	} else {
		return 1; /* not a verb */
	}
	return 0;
}

/* prepend-stringlist = "prop", "s1", ...: the strings go in front of prop's list. */
static int prepend(void *fdt, int node, const char *val, int len)
{
	char buf[256];
	int old_len, n = len - (int)strlen(val) - 1;
	const char *old = fdt_getprop(fdt, node, val, &old_len);

	if (!old)
		old_len = 0;
	if (n + old_len > (int)sizeof(buf))
		return -HV_EFDT_NOSPACE;
	memcpy(buf, val + strlen(val) + 1, n);
	if (old_len)
		memcpy(buf + n, old, old_len);
	return hv_err_fdt(fdt_setprop(fdt, node, val, buf, n + old_len));
}

int guest_tree_node_update(void *fdt, int node, const void *cfg_fdt, int update)
{
	int prop, child;

	fdt_for_each_property_offset(prop, cfg_fdt, update)
	{
		const char *name;
		int len, r;
		const char *val = fdt_getprop_by_offset(cfg_fdt, prop, &name, &len);

		if (!strcmp(name, "prepend-stringlist")) {
			TRY(prepend(fdt, node, val, len));
			continue;
		}
		r = update_verb(fdt, node, name, val, len);
		TRY(r);
		if (r)
			FDT_TRY(fdt_setprop(fdt, node, name, val, len));
	}
	fdt_for_each_subnode(child, cfg_fdt, update)
	{
		const char *name = fdt_get_name(cfg_fdt, child, NULL);
		int target = fdt_subnode_offset(fdt, node, name);

		if (target < 0)
			target = fdt_add_subnode(fdt, node, name);
		FDT_TRY(target);
		TRY(guest_tree_node_update(fdt, target, cfg_fdt, child));
	}
	return 0;
}

int guest_tree_build(const struct partition *p, const void *hw, const void *cfg_fdt,
		     const struct hv_config *cfg, void *buf, size_t size)
{
	const struct cfg_partition *cp = &cfg->part[p->cfg_index];
	const struct plat_cpu *hw_cpu = p->nr_vcpus ? hv_cpu_plat(p->vcpu[0].pcpu) : NULL;

	FDT_TRY(fdt_create_empty_tree(buf, (int)size));
	/* the window holds the tree and the secondaries' release areas at its end (the boot
	 * protocol's, partition.c): reserved whole, so the guest never reuses it */
	FDT_TRY(fdt_add_mem_rsv(buf, p->dtb_gpa, p->dtb_size));
	TRY(add_root(buf, p));
	TRY(add_hypervisor(buf, p, cfg_fdt, cfg));
	TRY(add_memory(buf, p));
	TRY(guest_boot.tree_cpus(buf, p, hv_platform, hw_cpu)); /* the boot protocol's */
	TRY(add_chosen(buf, p, cp));
	TRY(device_tree_add(buf, p, hw, cfg_fdt, cfg)); /* issue 5: assigned devices */
	TRY(errmgr_tree_add(buf, p));                   /* issue 15: the error-manager node */
	TRY(guest_tree_phandle_updates(buf, p, hw, cfg_fdt, cfg)); /* Topaz, issue 15 */
	TRY(add_aliases(buf, p, cfg_fdt, cfg, cp->aliases));
	if (cp->node_update >= 0)
		TRY(guest_tree_node_update(buf, 0, cfg_fdt, cp->node_update));
	return hv_err_fdt(fdt_pack(buf));
}
