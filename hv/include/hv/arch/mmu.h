/* arch/mmu.h - the hypervisor's own address space (PowerPC: arch/powerpc/mmu/mmu.c, memzero.c). */
#ifndef HV_ARCH_MMU_H
#define HV_ARCH_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Map a device's MMIO region (CPU physical) for the hypervisor, uncached and guarded.
 * Returns NULL when it cannot be mapped (no translation slot, bad size). Call before
 * arch_cpu_start(): mappings are replayed on each secondary when it comes up. */
void *arch_ioremap(uint64_t phys, uint64_t size);

/* True when all of RAM [pa, pa + size) is mapped for the hypervisor at VA = PA. */
bool arch_ram_mapped(uint64_t pa, uint64_t size);

/* Zero len bytes of (cacheable) RAM at addr as fast as the CPU can. */
void arch_memzero(void *addr, size_t len);

#endif
