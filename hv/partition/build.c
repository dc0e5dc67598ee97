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
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/arch/boot.h>

#define DEFAULT_DTB	0x10000ull	/* dtb window when the config names none */

/* The config every partition is built from (set by the memory unit's init). */
static struct unit_env env;

static int memory_init(const struct unit_env *e)
{
	env = *e;
	return 0;
}

#define NO_PCPU		(-1)	/* pcpu_of_hw_id(): no such CPU */

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
		p->vcpu[p->nr_vcpus] = (struct vcpu){ .part = p, .index = p->nr_vcpus,
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
		p->mem[p->nr_mem++] = (struct part_mem){ .gpa = gm->guest, .hpa = pma->phys.base,
							 .size = pma->phys.size,
							 .shared = pma->shared };
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
	p->nr_regions = 0;	/* regions the devices unit mapped */
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
	kept = malloc(fdt_totalsize(buf));	/* keep what it needs, not the whole window */
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
	err = image_load(p, cp->image_src, cp->image_size, cp->image_guest, &p->entry, &why);
	if (err) {
		hv_printf("partition %s: guest-image at 0x%llx: %s\n", p->name,
			  (unsigned long long)cp->image_src, why);
		return err;
	}
	/* linux-rootfs (an initramfs): copied as it is; /chosen names it (guest/tree.c) */
	if (cp->has_rootfs && guest_write(p, cp->rootfs_guest,
					  (const void *)(uintptr_t)cp->rootfs_src.base,
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
	    .partition_create = memory_create, .destroy = memory_destroy,
	    .reset = memory_reset);

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
