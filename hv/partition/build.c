/* build.c - the memory and vCPU units: a partition's memory map and dtb window, its
 * vCPUs on their physical CPUs (built from the config), and what every start puts in its
 * scrubbed memory (guest image, device tree, ePAPR spin table). */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/err.h>
#include <hv/guest_tree.h>
#include <hv/image.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/arch.h>
#include <hv/arch/boot.h>

#define DEFAULT_DTB 0x10000ull /* dtb window when the config names none */

/* The config every partition is built from (set by the memory unit's init). */
static struct unit_env env;

/* Image sources (guest-image, linux-rootfs) in a memory-like node of the hardware tree (NOR
 * flash behind the local bus, SRAM): mapped for the hypervisor once at boot, before the
 * secondaries copy the TLB1 table (arch_ioremap). RAM sources are read at VA = PA. */
#define MAX_ROM_SRCS (2 * CFG_MAX_PARTITIONS)

struct rom_src {
	uint64_t pa, size;
	const void *va;
};

static struct rom_src rom_srcs[MAX_ROM_SRCS];
static unsigned int nr_rom_srcs;

static bool in_rom(const struct hv_config *cfg, uint64_t pa, uint64_t size)
{
	for (int i = 0; i < cfg->hw.nr_rom; i++)
		if (pa >= cfg->hw.rom[i].base &&
		    pa + size <= cfg->hw.rom[i].base + cfg->hw.rom[i].size)
			return true;
	return false;
}

static int map_rom_src(const struct hv_config *cfg, const char *part, uint64_t pa, uint64_t size)
{
	const void *va;

	if (!size || !in_rom(cfg, pa, size))
		return 0;
	va = nr_rom_srcs < MAX_ROM_SRCS ? arch_ioremap(pa, size) : NULL;
	if (!va) {
		hv_printf("partition %s: cannot map its image source 0x%llx (0x%llx bytes) in "
			  "flash\n",
			  part, (unsigned long long)pa, (unsigned long long)size);
		return -HV_ENOMEM;
	}
	rom_srcs[nr_rom_srcs++] = (struct rom_src){ pa, size, va };
	return 0;
}

/* The hypervisor's address of an image source: its flash mapping, or RAM at VA = PA. */
static const void *src_ptr(uint64_t pa, uint64_t size)
{
	for (unsigned int i = 0; i < nr_rom_srcs; i++)
		if (pa >= rom_srcs[i].pa && pa + size <= rom_srcs[i].pa + rom_srcs[i].size)
			return (const uint8_t *)rom_srcs[i].va + (pa - rom_srcs[i].pa);
	return (const void *)(uintptr_t)pa;
}

/* zero-pma (Topaz): the area is zeroed once, when the hypervisor boots, whoever maps it. */
static void zero_areas(const void *cfg_fdt, const struct hv_config *cfg)
{
	char path[128];

	for (int i = 0; i < cfg->nr_pmas; i++) {
		const struct cfg_pma *a = &cfg->pma[i];

		if (!a->zero || a->hv)
			continue;
		if (fdt_get_path(cfg_fdt, a->node, path, sizeof(path)) < 0)
			strcpy(path, "?");
		if (guest_phys_zero(a->phys.base, a->phys.size)) {
			hv_printf("memory: %s cannot be zeroed (zero-pma): not in the hypervisor's "
				  "RAM mapping\n",
				  path);
			continue;
		}
		hv_printf("memory: %s zeroed (zero-pma, %llu KiB)\n", path,
			  (unsigned long long)(a->phys.size >> 10));
	}
}

static int memory_init(const struct unit_env *e)
{
	const struct hv_config *cfg = e->cfg;

	env = *e;
	nr_rom_srcs = 0;
	zero_areas(e->cfg_fdt, cfg);
	for (int i = 0; i < cfg->nr_parts; i++) {
		const struct cfg_partition *cp = &cfg->part[i];

		if ((cp->has_image && map_rom_src(cfg, cp->label, cp->image_src, cp->image_size)) ||
		    (cp->has_rootfs &&
		     map_rom_src(cfg, cp->label, cp->rootfs_src.base, cp->rootfs_src.size)))
			return -HV_ENOMEM;
	}
	return 0;
}

#define NO_PCPU (-1) /* pcpu_of_hw_id(): no such CPU */

static int pcpu_of_hw_id(unsigned int hw_id)
{
	for (unsigned int c = 0; c < hv_nr_cpus; c++)
		if (hv_cpus[c].hw_id == hw_id)
			return (int)c;
	return NO_PCPU;
}

/* One vCPU per hardware CPU id set in cpus (bit n = /cpus reg n, n < CFG_MAX_CPUS = 64, the
 * config's whole range), in id order. */
static int setup_vcpus(struct partition *p, uint64_t cpus)
{
	for (unsigned int hw = 0; hw < CFG_MAX_CPUS; hw++) {
		int pcpu = (cpus >> hw) & 1 ? pcpu_of_hw_id(hw) : -2;

		if (pcpu == -2)
			continue;
		if (pcpu < 0 || p->nr_vcpus == PART_MAX_VCPUS) {
			hv_printf("partition %s: CPU %u cannot be used\n", p->name, hw);
			return -HV_EINVAL;
		}
		p->vcpu[p->nr_vcpus] = (struct vcpu){ .part = p,
						      .index = p->nr_vcpus,
						      .pcpu = (unsigned int)pcpu };
		p->nr_vcpus++;
	}
	return 0;
}

_Static_assert(CFG_MAX_CPUS <= 64 && sizeof(((struct cfg_partition *)0)->cpus) * 8 >= CFG_MAX_CPUS,
	       "a partition's CPU mask holds every CPU id the config allows");

static void setup_memory(struct partition *p, const struct hv_config *cfg, int idx)
{
	for (int g = 0; g < cfg->nr_gpmas && p->nr_mem < PART_MAX_MEM; g++) {
		const struct cfg_gpma *gm = &cfg->gpma[g];
		const struct cfg_pma *pma = &cfg->pma[gm->pma];

		if (gm->part != idx)
			continue;
		/* an area shared by mapping alone is shared too (Topaz); the "implicit-share"
		 * mutation scrubs it as private, the negative control of test_topaz.py */
		bool shared = pma->shared && !(pma->implicit_share && hv_mutated("implicit-share"));

		p->mem[p->nr_mem++] = (struct part_mem){ .gpa = gm->guest,
							 .hpa = pma->phys.base,
							 .size = pma->phys.size,
							 .shared = shared };
	}
}

/* The dtb window (the secondaries' spin-table entries go at its end). */
static void setup_dtb_window(struct partition *p, const struct cfg_partition *cp)
{
	if (cp->has_dtb_window) {
		p->dtb_gpa = cp->dtb_window.base;
		p->dtb_size = cp->dtb_window.size;
	} else if (p->nr_mem) {
		p->dtb_gpa = p->mem[0].gpa + p->mem[0].size - DEFAULT_DTB;
		p->dtb_size = DEFAULT_DTB;
	}
}

static int memory_create(struct partition *p, const struct unit_env *e)
{
	setup_memory(p, e->cfg, p->cfg_index);
	setup_dtb_window(p, &e->cfg->part[p->cfg_index]);
	return 0;
}

static void memory_destroy(struct partition *p)
{
	free(p->tree);
	p->tree = NULL;
	p->nr_mem = 0;
	p->nr_regions = 0; /* regions the devices unit mapped */
	p->dtb_gpa = p->dtb_size = 0;
}

/* The guest tree is a function of the config alone: built at the first start, kept packed,
 * and copied into the partition at every start. */
static int build_tree(struct partition *p)
{
	void *buf = malloc((size_t)p->dtb_size), *kept;
	int err = buf ? guest_tree_build(p, env.hw_fdt, env.cfg_fdt, env.cfg, buf,
					 (size_t)p->dtb_size)
		      : -HV_ENOMEM;

	if (err) {
		hv_printf("partition %s: cannot build its device tree: %s\n", p->name,
			  hv_strerror(err));
		free(buf);
		return err;
	}
	kept = malloc(fdt_totalsize(buf)); /* keep what it needs, not the whole window */
	if (kept) {
		memcpy(kept, buf, fdt_totalsize(buf));
		free(buf);
	}
	p->tree = kept ? kept : buf;
	return 0;
}

static int load_tree(struct partition *p)
{
	if (!p->tree && build_tree(p))
		return -HV_EINVAL;
	return guest_write(p, p->dtb_gpa, p->tree, fdt_totalsize(p->tree)) ? -HV_EFAULT : 0;
}

static int load_image(struct partition *p)
{
	const struct cfg_partition *cp = &env.cfg->part[p->cfg_index];
	const char *why;
	int err;

	if (!cp->has_image) {
		hv_printf("partition %s: no guest-image to start\n", p->name);
		return -HV_ENOENT;
	}
	err = image_load(p, (uint64_t)(uintptr_t)src_ptr(cp->image_src, cp->image_size),
			 cp->image_size, cp->image_guest, &p->entry, &why);
	if (err) {
		hv_printf("partition %s: guest-image at 0x%llx: %s\n", p->name,
			  (unsigned long long)cp->image_src, why);
		return err;
	}
	/* linux-rootfs (an initramfs): copied as it is; /chosen names it (guest/tree.c) */
	if (cp->has_rootfs &&
	    guest_write(p, cp->rootfs_guest, src_ptr(cp->rootfs_src.base, cp->rootfs_src.size),
			(size_t)cp->rootfs_src.size)) {
		hv_printf("partition %s: linux-rootfs does not fit in the partition's memory\n",
			  p->name);
		return -HV_EFAULT;
	}
	return 0;
}

/* At every start, after the scrub: the config's image (unless a manager filled the memory,
 * partition_start_at()) and the device tree. */
static int memory_reset(struct partition *p)
{
	if (p->start_load && load_image(p))
		return -HV_ENOENT;
	return load_tree(p);
}

DEFINE_UNIT(memory, .order = UNIT_ORDER_MEMORY, .init = memory_init,
	    .partition_create = memory_create, .destroy = memory_destroy, .reset = memory_reset);

static int vcpus_create(struct partition *p, const struct unit_env *e)
{
	if (setup_vcpus(p, e->cfg->part[p->cfg_index].cpus))
		return -HV_EINVAL;
	for (unsigned int i = 1; i < p->nr_vcpus; i++)
		p->vcpu[i].spin_gpa = p->dtb_gpa + p->dtb_size - guest_boot.secondary_area * i;
	return 0;
}

static void vcpus_destroy(struct partition *p)
{
	memset(p->vcpu, 0, sizeof(p->vcpu));
	p->nr_vcpus = 0;
}

/* Secondaries wait for the guest's release (the boot protocol's, e.g. an ePAPR spin table),
 * written after the tree: they share the dtb window. */
static int vcpus_reset(struct partition *p)
{
	for (unsigned int i = 1; i < p->nr_vcpus; i++) {
		guest_boot.secondary_init(&p->vcpu[i]);
		p->vcpu[i].state = VCPU_WAIT_SPIN;
	}
	return 0;
}

DEFINE_UNIT(vcpus, .order = UNIT_ORDER_VCPUS, .partition_create = vcpus_create,
	    .destroy = vcpus_destroy, .reset = vcpus_reset);
