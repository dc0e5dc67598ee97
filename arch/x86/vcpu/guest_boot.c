/* guest_boot.c - the guest boot protocol on x86-64 (docs/x86.md): vCPU 0 starts in 32-bit
 * protected mode with flat segments and paging off at the image's entry point, EAX =
 * 0x45504150 ("EPAP") and EBX = the guest-physical address of its device tree (svm.c). The
 * tree's /cpus has one "cpu" node per vCPU, reg = its number, and timebase-frequency = the
 * TSC's rate; each secondary has
 * enable-method = "spin-table" and cpu-release-addr = its release area: 16 bytes at the end
 * of the device-tree window (as ePAPR's spin table, in the guest's byte order): a 64-bit entry
 * address, 1 = not released, and a 64-bit argument. The guest writes the argument, then the
 * entry; the secondary starts there in the same state as vCPU 0 with EBX = the argument. */
#include <hv/err.h>
#include <stdio.h>
#include <libfdt.h>
#include <hv/arch/boot.h>
#include <hv/console.h>
#include <hv/partition.h>
#include <hv/platform.h>

#define TRY(x)                     \
	do {                       \
		int _e = (x);      \
		if (_e < 0)        \
			return _e; \
	} while (0)

#define RELEASE_SIZE 16 /* entry, argument: little-endian u64 each */
#define NOT_RELEASED 1

static int add_cpu(void *fdt, int cpus, const struct partition *p, unsigned int i)
{
	char name[16];
	int node;

	snprintf(name, sizeof(name), "cpu@%u", i);
	node = fdt_add_subnode(fdt, cpus, name);
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "cpu"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "bulkhead,x86-vcpu"));
	TRY(fdt_setprop_u32(fdt, node, "reg", i));
	if (!i)
		return fdt_setprop_string(fdt, node, "status", "okay");
	TRY(fdt_setprop_string(fdt, node, "status", "disabled"));
	TRY(fdt_setprop_string(fdt, node, "enable-method", "spin-table"));
	return fdt_setprop_u64(fdt, node, "cpu-release-addr", p->vcpu[i].spin_gpa);
}

static int x86_tree_cpus(void *fdt, const struct partition *p, const struct platform *plat,
			 const struct plat_cpu *hw)
{
	int cpus = fdt_add_subnode(fdt, 0, "cpus");

	TRY(cpus);
	TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	/* the TSC's rate, as PowerPC's trees give the time base's (ePAPR 1.1, CPU node) */
	TRY(fdt_setprop_u32(fdt, cpus, "timebase-frequency", hw->timebase_hz));
	for (unsigned int i = p->nr_vcpus; i-- > 0;) /* libfdt adds before the siblings */
		TRY(add_cpu(fdt, cpus, p, i));
	return 0;
}

static void x86_secondary_init(struct vcpu *v)
{
	uint64_t e[2] = { NOT_RELEASED, 0 }; /* the CPU's byte order is the guest's */

	guest_write(v->part, v->spin_gpa, e, sizeof(e));
}

static bool x86_secondary_released(struct vcpu *v, uint64_t *entry, uint64_t *arg)
{
	uint64_t e[2];

	if (guest_read(v->part, v->spin_gpa, e, sizeof(e)) || e[0] == NOT_RELEASED)
		return false;
	*entry = e[0];
	*arg = e[1];
	return true;
}

const struct guest_boot_ops guest_boot = {
	.name = "Bulkhead x86 (32-bit protected mode, EBX = device tree, spin table)",
	.secondary_area = RELEASE_SIZE,
	.secondary_ima = 0,
	.tree_cpus = x86_tree_cpus,
	.secondary_init = x86_secondary_init,
	.secondary_released = x86_secondary_released,
};

/* Guests are 32-bit little-endian ELF images (the class hv/guest/image.c parses). */
const struct arch_elf arch_guest_elf = { 1, 1, "not a 32-bit little-endian ELF" };

/* Assigned functions' configuration spaces, in the hole below the local APIC. */
const uint64_t arch_guest_pci_cfg_gpa = 0xf0000000;
