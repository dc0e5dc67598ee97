/* arch/boot.h - the guest boot protocol: how a partition's CPUs are described to its
 * software, how a secondary vCPU is released and where each vCPU starts. One protocol per
 * architecture, provided as guest_boot (PowerPC: ePAPR 1.1 in arch/powerpc/vcpu/guest_boot.c;
 * x86 adds its own), and the guest image formats the architecture runs. */
#ifndef HV_ARCH_BOOT_H
#define HV_ARCH_BOOT_H

#include <stdbool.h>
#include <stdint.h>

struct partition;
struct plat_cpu;
struct platform;
struct vcpu;

struct guest_boot_ops {
	const char *name; /* "ePAPR 1.1" */
	/* Bytes each secondary vCPU's release area takes at the end of the guest's device-tree
	 * window (the ePAPR spin table entry). */
	uint64_t secondary_area;
	/* Initial mapped area of a secondary vCPU when it is released. */
	uint64_t secondary_ima;
	/* Add the guest tree's CPU nodes for p (the physical CPU its vCPU 0 runs on: hw). */
	int (*tree_cpus)(void *fdt, const struct partition *p, const struct platform *plat,
			 const struct plat_cpu *hw);
	/* Write v's release area "not released" (partition start). */
	void (*secondary_init)(struct vcpu *v);
	/* Has the guest released secondary v? Then its entry point and first argument. */
	bool (*secondary_released)(struct vcpu *v, uint64_t *entry, uint64_t *arg);
};

extern const struct guest_boot_ops guest_boot;

/* ELF images the architecture's guests come as: e_ident class (1 = ELFCLASS32; the only one
 * hv/guest/image.c parses so far) and data encoding (1 = little-, 2 = big-endian); hv/guest/image.c
 * refuses any other with the message not_this. */
struct arch_elf {
	uint8_t class, data;
	const char *not_this; /* "not a 32-bit big-endian ELF" */
};
extern const struct arch_elf arch_guest_elf;

/* Guest-physical window where assigned PCI functions' configuration spaces appear (one page
 * each, hv/pci/pci.c): a hole the architecture's guest address map keeps free of RAM. */
extern const uint64_t arch_guest_pci_cfg_gpa;

#endif
