/* guest_boot.c - the guest boot protocol on x86-64. Not designed yet (docs/x86.md lists the
 * plan: entry in 32-bit protected mode with the device tree's address in a register, secondary
 * vCPUs released through INIT-SIPI intercepts): building a guest's CPU nodes refuses. */
#include <errno.h>
#include <hv/arch/boot.h>
#include <hv/console.h>
#include <hv/partition.h>

static int x86_tree_cpus(void *fdt, const struct partition *p, const struct platform *plat,
			 const struct plat_cpu *hw)
{
	hv_printf("partition %s: the x86 guest boot protocol is not implemented yet\n", p->name);
	return -ENOSYS;
}

static void x86_secondary_init(struct vcpu *v)
{
}

static bool x86_secondary_released(struct vcpu *v, uint64_t *entry, uint64_t *arg)
{
	return false;
}

const struct guest_boot_ops guest_boot = {
	.name = "none (x86: not implemented yet)",
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
