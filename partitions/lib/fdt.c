/* fdt.c - reading the guest's own device tree with libfdt: the /hypervisor node, bootargs,
 * memory, timebase frequency, byte channels and reg translation through "ranges". */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>
#include "internal.h"

#define DEFAULT_TB_FREQ 400000000 /* QEMU ppce500, used if the tree has none */

/* Read ncells big-endian cells as one number (the low 64 bits when ncells > 2). */
static uint64_t read_cells(const fdt32_t *p, int ncells)
{
	uint64_t v = 0;

	while (ncells-- > 0)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

uint32_t guest_fdt_u32(int node, const char *prop, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(guest_boot.fdt, node, prop, &len);

	return p && len >= 4 ? fdt32_to_cpu(*p) : dflt;
}

/* Translate a child bus address through the "ranges" of bus (ePAPR 1.1, "ranges"
 * property); an empty ranges is identity, a missing one means not reachable. */
static int translate_one(int bus, uint64_t *addr)
{
	const void *fdt = guest_boot.fdt;
	int parent = fdt_parent_offset(fdt, bus);
	int cac = fdt_address_cells(fdt, bus), csc = fdt_size_cells(fdt, bus);
	int pac = fdt_address_cells(fdt, parent);
	int len, entry, i;
	const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);

	if (!r)
		return -1;
	entry = cac + pac + csc;
	if (len == 0)
		return 0;
	for (i = 0; (i + 1) * entry * 4 <= len; i++) {
		const fdt32_t *e = r + i * entry;
		uint64_t cb = read_cells(e, cac), pb = read_cells(e + cac, pac);
		uint64_t sz = read_cells(e + cac + pac, csc);

		if (*addr >= cb && *addr - cb < sz) {
			*addr = *addr - cb + pb;
			return 0;
		}
	}
	return -1;
}

int guest_fdt_reg(int node, int idx, uint64_t *pa, uint64_t *size)
{
	const void *fdt = guest_boot.fdt;
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	int len, bus;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	uint64_t addr;

	if (!reg || ac < 1 || sc < 0 || len < (idx + 1) * (ac + sc) * 4)
		return -1;
	reg += idx * (ac + sc);
	addr = read_cells(reg, ac);
	if (size)
		*size = read_cells(reg + ac, sc);
	for (bus = parent; bus > 0; bus = fdt_parent_offset(fdt, bus))
		if (translate_one(bus, &addr))
			return -1;
	*pa = addr;
	return 0;
}

int guest_fdt_cpu_node(uint32_t reg)
{
	const void *fdt = guest_boot.fdt;
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	if (cpus < 0)
		return -1;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (type && !strcmp(type, "cpu") && guest_fdt_u32(node, "reg", ~0u) == reg)
			return node;
	}
	return -1;
}

/* Node name without its unit address equals name? */
static int node_name_is(int node, const char *name)
{
	const char *n = fdt_get_name(guest_boot.fdt, node, NULL);
	size_t l = strlen(name);

	return n && (!strcmp(n, name) || (!strncmp(n, name, l) && n[l] == '@'));
}

int guest_bc_find(const char *name)
{
	const void *fdt = guest_boot.fdt;
	int node = -1;

	if (!guest_boot.hv)
		return -1;
	while ((node = fdt_node_offset_by_compatible(fdt, node, "epapr,hv-byte-channel")) >= 0) {
		const char *label = fdt_getprop(fdt, node, "label", NULL);
		const char *peer = fdt_getprop(fdt, node, "name", NULL);

		if ((label && !strcmp(label, name)) || (peer && !strcmp(peer, name)) ||
		    node_name_is(node, name))
			return (int)guest_fdt_u32(node, "reg", ~0u);
	}
	return -1;
}

/* Find "key=" at the start of a bootargs word; returns the value start or NULL. */
static const char *arg_find(const char *key)
{
	const char *p = guest_boot.bootargs;
	size_t l = strlen(key);

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, l) && p[l] == '=')
			return p + l + 1;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

int guest_arg_str(const char *key, char *buf, size_t len)
{
	const char *v = arg_find(key);
	size_t n = 0;

	if (!v)
		return 0;
	while (v[n] && v[n] != ' ' && n + 1 < len) {
		buf[n] = v[n];
		n++;
	}
	if (len)
		buf[n] = 0;
	return 1;
}

uint64_t guest_arg_u64(const char *key, uint64_t dflt)
{
	const char *v = arg_find(key);

	return v ? strtoull(v, NULL, 0) : dflt;
}

static void find_hypervisor(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/hypervisor"), len;
	const char *name;
	const fdt32_t *insn;

	if (node < 0 || fdt_node_check_compatible(fdt, node, "epapr,hypervisor-1"))
		return;
	guest_boot.hv = 1;
	guest_boot.guest_id =
		guest_fdt_u32(node, "guest-id", guest_fdt_u32(node, "fsl,hv-guest-id", 0));
	name = fdt_getprop(fdt, node, "guest-name", NULL);
	if (name)
		guest_boot.guest_name = name;
	insn = fdt_getprop(fdt, node, "hcall-instructions", &len);
	guest_boot.hcall_ok = insn && len >= 4 && fdt32_to_cpu(insn[0]) == GUEST_HCALL_INSN;
}

static void find_memory(const void *fdt)
{
	int node = -1;
	uint64_t pa, size;

	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
						     sizeof("memory"))) >= 0) {
		if (!guest_fdt_reg(node, 0, &pa, &size)) {
			guest_boot.mem_base = pa;
			guest_boot.mem_size = size;
			return;
		}
	}
}

static void find_tb_freq(const void *fdt)
{
	int cpu = guest_fdt_cpu_node(0);
	int cpus = fdt_path_offset(fdt, "/cpus");
	uint32_t f = 0;

	if (cpu >= 0)
		f = guest_fdt_u32(cpu, "timebase-frequency", 0);
	if (!f && cpus >= 0)
		f = guest_fdt_u32(cpus, "timebase-frequency", 0);
	guest_boot.tb_freq = f ? f : DEFAULT_TB_FREQ;
	guest_boot.tb_freq_dflt = !f;
}

void guest_fdt_init(void)
{
	const void *fdt = guest_boot.fdt;
	int chosen;
	const char *args;

	guest_boot.guest_name = "bare";
	guest_boot.bootargs = "";
	guest_boot.tb_freq = DEFAULT_TB_FREQ;
	if (!fdt || fdt_check_header(fdt))
		return;
	guest_boot.fdt_ok = 1;
	find_hypervisor(fdt);
	chosen = fdt_path_offset(fdt, "/chosen");
	args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
	if (args)
		guest_boot.bootargs = args;
	find_memory(fdt);
	find_tb_freq(fdt);
}
