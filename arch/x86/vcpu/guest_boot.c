/* guest_boot.c - the guest boot protocol on x86-64 (docs/x86.md): vCPU 0 starts in 32-bit
 * protected mode with flat segments and paging off at the image's entry point, EAX =
 * 0x45504150 ("EPAP") and EBX = the guest-physical address of its device tree (svm.c). The
 * tree's /cpus has one "cpu" node per vCPU, reg = its number. Starting secondary vCPUs is not
 * designed yet: a partition with more than one CPU is refused when its tree is built. */
#include <errno.h>
#include <libfdt.h>
#include <hv/arch/boot.h>
#include <hv/console.h>
#include <hv/partition.h>

#define TRY(x) do { int _e = (x); if (_e < 0) return _e; } while (0)

static int x86_tree_cpus(void *fdt, const struct partition *p, const struct platform *plat,
			 const struct plat_cpu *hw)
{
	int cpus, node;

	if (p->nr_vcpus != 1) {
		hv_printf("partition %s: %u CPUs: x86 partitions have one CPU so far "
			  "(secondary vCPUs are not implemented yet)\n", p->name, p->nr_vcpus);
		return -ENOSYS;
	}
	cpus = fdt_add_subnode(fdt, 0, "cpus");
	TRY(cpus);
	TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	node = fdt_add_subnode(fdt, cpus, "cpu@0");
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "cpu"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "bulkhead,x86-vcpu"));
	TRY(fdt_setprop_u32(fdt, node, "reg", 0));
	return fdt_setprop_string(fdt, node, "status", "okay");
}

static void x86_secondary_init(struct vcpu *v)
{
}

static bool x86_secondary_released(struct vcpu *v, uint64_t *entry, uint64_t *arg)
{
	return false;
}

const struct guest_boot_ops guest_boot = {
	.name = "Bulkhead x86 (32-bit protected mode, EBX = device tree)",
	.secondary_area = 0,
	.secondary_ima = 0,
	.tree_cpus = x86_tree_cpus,
	.secondary_init = x86_secondary_init,
	.secondary_released = x86_secondary_released,
};

/* Guests are 32-bit little-endian ELF images (the class hv/guest/image.c parses). */
const struct arch_elf arch_guest_elf = { 1, 1, "not a 32-bit little-endian ELF" };

/* Assigned functions' configuration spaces, in the hole below the local APIC. */
const uint64_t arch_guest_pci_cfg_gpa = 0xf0000000;
