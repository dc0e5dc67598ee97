/* guest_boot.c - the guest boot protocol on PowerPC: ePAPR 1.1. A partition's CPUs are
 * "fsl,e500mc" nodes under /cpus; vCPU 0 starts at the image's entry with r3 = the device
 * tree (vcpu.c), each secondary waits on a spin table entry at the end of the device-tree
 * window (5.5.2) until the guest writes its r3 and entry address there. */
#include <string.h>
#include <stdio.h>
#include <libfdt.h>
#include <hv/arch/boot.h>
#include <hv/fdt_util.h>
#include <hv/partition.h>
#include <hv/platform.h>

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0) /* an hv code */

#define SPIN_ENTRY_SIZE 32            /* ePAPR spin table entry (5.5.2), 8-byte aligned */
#define IMA_SECONDARY   (64ull << 20) /* initial mapped area of a released secondary */

/* Properties of the physical CPU a guest CPU node inherits (from its hardware node). */
static int copy_cpu_props(void *fdt, int node, const struct platform *plat,
			  const struct plat_cpu *hw)
{
	static const char *const props[] = { "timebase-frequency", "clock-frequency",
					     "bus-frequency",      "d-cache-size",
					     "i-cache-size",       "d-cache-line-size",
					     "i-cache-line-size" };

	for (size_t i = 0; hw && i < sizeof(props) / sizeof(props[0]); i++) {
		int len;
		const void *v = fdt_getprop(plat->hw_tree, hw->hw_ref, props[i], &len);

		if (v)
			FDT_TRY(fdt_setprop(fdt, node, props[i], v, len));
	}
	return 0;
}

static int add_cpu(void *fdt, int cpus, const struct partition *p, unsigned int i,
		   const struct platform *plat, const struct plat_cpu *hw)
{
	char name[32];
	int node;

	snprintf(name, sizeof(name), "cpu@%u", i);
	node = fdt_add_subnode(fdt, cpus, name);
	FDT_TRY(node);
	FDT_TRY(fdt_setprop_string(fdt, node, "device_type", "cpu"));
	FDT_TRY(fdt_setprop_string(fdt, node, "compatible", "fsl,e500mc"));
	FDT_TRY(fdt_setprop_u32(fdt, node, "reg", i));
	TRY(copy_cpu_props(fdt, node, plat, hw));
	if (!i)
		return hv_err_fdt(fdt_setprop_string(fdt, node, "status", "okay"));
	FDT_TRY(fdt_setprop_string(fdt, node, "status", "disabled"));
	FDT_TRY(fdt_setprop_string(fdt, node, "enable-method", "spin-table"));
	return hv_err_fdt(fdt_setprop_u64(fdt, node, "cpu-release-addr", p->vcpu[i].spin_gpa));
}

static int epapr_tree_cpus(void *fdt, const struct partition *p, const struct platform *plat,
			   const struct plat_cpu *hw)
{
	int cpus = fdt_add_subnode(fdt, 0, "cpus");

	FDT_TRY(cpus);
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	/* last first: libfdt inserts a subnode before its siblings, and Linux takes the boot
	 * CPU from the header's boot_cpuid_phys (vCPU 0) but numbers CPUs in tree order */
	fdt_set_boot_cpuid_phys(fdt, 0);
	for (unsigned int i = p->nr_vcpus; i-- > 0;)
		TRY(add_cpu(fdt, cpus, p, i, plat, hw));
	return 0;
}

/* Spin table entries start "not released": entry_addr = 1, pir = the vCPU number. */
static void epapr_secondary_init(struct vcpu *v)
{
	uint32_t e[8] = { 0, cpu_to_fdt32(1), 0, 0, 0, cpu_to_fdt32(v->index), 0, 0 };

	guest_write(v->part, v->spin_gpa, e, sizeof(e));
}

/* 5.5.2: the guest writes r3 and then entry_addr (not 1) to release the vCPU. */
static bool epapr_secondary_released(struct vcpu *v, uint64_t *entry, uint64_t *arg)
{
	uint32_t e[4];

	if (guest_read(v->part, v->spin_gpa, e, sizeof(e)) || (fdt32_to_cpu(e[1]) & 1))
		return false;
	*entry = ((uint64_t)fdt32_to_cpu(e[0]) << 32) | fdt32_to_cpu(e[1]);
	*arg = fdt32_to_cpu(e[3]);
	return true;
}

const struct guest_boot_ops guest_boot = {
	.name = "ePAPR 1.1",
	.secondary_area = SPIN_ENTRY_SIZE,
	.secondary_ima = IMA_SECONDARY,
	.tree_cpus = epapr_tree_cpus,
	.secondary_init = epapr_secondary_init,
	.secondary_released = epapr_secondary_released,
};

/* Guest ELF images: 32-bit, big-endian (hv/guest/image.c). */
const struct arch_elf arch_guest_elf = {
	.class = 1,
	.data = 2,
	.not_this = "not a 32-bit big-endian ELF",
};

/* Above the CCSR (0xf_e000_0000 on QEMU ppce500); partitions cannot have RAM here. */
const uint64_t arch_guest_pci_cfg_gpa = 0xff0000000ull;
