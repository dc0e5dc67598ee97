/* layout.h - numbers for the shared link.ld and for the boot code (x86-64). The image is linked
 * 64-bit at its physical load address (identity-mapped, -mcmodel=small) and converted to an
 * ELF32 for multiboot loaders (arch/x86/arch.mk). */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define HV_OUTPUT_FORMAT  "elf64-x86-64"
/* A BFD architecture name, not C: kept as it is. */
/* clang-format off */
#define HV_OUTPUT_ARCH i386:x86-64
/* clang-format on */
#define HV_LOAD_ADDR      0x01000000 /* 16 MiB, as on PowerPC; docs/x86.md memory map */
#define HV_MAX_CPUS       8
#define HV_STACK_SIZE     0x4000   /* per CPU, hypervisor C code */
#define HV_EXC_STACK_SIZE 0x4000   /* per CPU, exceptions taken in the hypervisor */
#define HV_HEAP_SIZE      0x100000 /* newlib malloc arena */

/* The boot page tables (head.S) identity-map the low 4 GiB with 2 MiB pages: RAM below
 * HV_MMIO_START write-back, the rest (q35: ECAM, IOAPIC, LAPIC, VT-d, BIOS) uncached. */
#define HV_IDMAP_END  0x100000000
#define HV_MMIO_START 0x80000000

/* Segment selectors of the hypervisor's GDT (head.S). */
#define HV_CS   0x08
#define HV_DS   0x10
#define HV_CS32 0x18

/* Where the secondaries' real-mode start code is copied (cpu/trampoline.S): a 4 KiB page
 * below 1 MiB (its page number is the SIPI vector), RAM that the q35 tree leaves out. */
#define HV_TRAMPOLINE 0x8000

#endif
