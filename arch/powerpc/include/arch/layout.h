/* layout.h - numbers for the shared link.ld and for the boot code (PowerPC e500mc). */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define HV_OUTPUT_FORMAT  "elf32-powerpc"
/* A BFD architecture name, not C: kept as it is. */
/* clang-format off */
#define HV_OUTPUT_ARCH powerpc:common
/* clang-format on */
#define HV_LOAD_ADDR      0x01000000 /* where U-Boot's bootm and QEMU -kernel put us */
#define HV_MAX_CPUS       8
#define HV_STACK_SIZE     0x4000   /* per CPU, hypervisor C code */
#define HV_EXC_STACK_SIZE 0x4000   /* per CPU, exception entry */
#define HV_HEAP_SIZE      0x100000 /* newlib malloc arena */

#endif
