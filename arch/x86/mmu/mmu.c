/* mmu.c - the hypervisor's address space: the boot page tables (head.S) identity-map the low
 * 4 GiB, uncached from HV_MMIO_START, so a device below 4 GiB is reached at its physical
 * address. Above 4 GiB nothing is mapped yet: such a request is refused. */
#include <hv/arch.h>
#include <arch/layout.h>

void *arch_ioremap(uint64_t phys, uint64_t size)
{
	if (!size || phys < HV_MMIO_START || phys + size < phys || phys + size > HV_IDMAP_END)
		return NULL;
	return (void *)(uintptr_t)phys;
}

/* RAM the hypervisor reaches at VA = PA: the write-back part of the identity map (q35 has no
 * RAM between HV_MMIO_START and 4 GiB; RAM above 4 GiB is not mapped yet). */
bool arch_ram_mapped(uint64_t pa, uint64_t size)
{
	return pa + size >= pa && pa + size <= HV_MMIO_START;
}
