/* powerpc.h - declarations shared by the files of arch/powerpc (not seen by the core). */
#ifndef ARCH_POWERPC_H
#define ARCH_POWERPC_H

#include <stdint.h>
#include <arch/trap_frame.h>

void arch_install_vectors(void);
void powerpc_mmu_init_boot(const void *fdt, unsigned int slot);
void powerpc_mmu_init_secondary(unsigned int slot);
void powerpc_time_init(const void *fdt);
void powerpc_trap(struct trap_frame *tf, unsigned int vclass);
void _secondary_start(void);

#endif
