/* mmu.c - the hypervisor's own address space on e500mc: a table of TLB1 entries (RAM at
 * VA = PA, device windows at VAs from IO_VA_BASE up) written on the boot CPU and replayed on
 * every secondary (each e500mc core has its own TLB1; E500MCRM 6.3). */
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/platform.h>
#include <arch/spr.h>
#include "powerpc.h"

#define IO_VA_BASE 0xe0000000u /* device windows; RAM is mapped below this */
#define IO_VA_END  0xfffff000u
#define MAX_MAPS   24
#define TSIZE_4K   1 /* page size = 4^TSIZE KiB (MAV 1.0) */
#define TSIZE_256M 9
#define TSIZE_MAX  11 /* 4 GiB */

/* One hypervisor TLB1 mapping; slot = TLB1 entry number it occupies on every CPU. */
struct tlb1_map {
	uint32_t va;
	uint64_t pa;
	unsigned int tsize;
	uint32_t mas2_attr;
	unsigned int slot;
};

static struct tlb1_map maps[MAX_MAPS];
static unsigned int nr_maps;
static uint32_t io_va_next = IO_VA_BASE;
static unsigned int boot_slot; /* TLB1 slot head.S used for the first RAM mapping */
static uint64_t ram_top;       /* end of the RAM mapped at VA = PA (below IO_VA_BASE) */

static uint64_t tsize_bytes(unsigned int tsize)
{
	return 1ull << (10 + 2 * tsize);
}

static void tlb1_write(const struct tlb1_map *m)
{
	mtspr(SPRN_MAS0, MAS0_TLBSEL1 | MAS0_ESEL(m->slot));
	mtspr(SPRN_MAS1, MAS1_VALID | MAS1_IPROT | MAS1_TSIZE(m->tsize));
	mtspr(SPRN_MAS2, m->va | m->mas2_attr);
	mtspr(SPRN_MAS3, ((uint32_t)m->pa & 0xfffff000u) | MAS3_SX | MAS3_SW | MAS3_SR);
	mtspr(SPRN_MAS7, (uint32_t)(m->pa >> 32));
	__asm__ volatile("isync; tlbwe; isync" ::: "memory");
}

/* Slots are handed out from the top of TLB1 down, skipping the boot slot. */
static int add_map(uint32_t va, uint64_t pa, unsigned int tsize, uint32_t attr)
{
	unsigned int nentry = mfspr(SPRN_TLB1CFG) & 0xfff;
	unsigned int slot = nentry - 1 - nr_maps;
	struct tlb1_map *m;

	if (nr_maps >= MAX_MAPS || slot <= boot_slot)
		return -HV_ENOSPC;
	m = &maps[nr_maps++];
	*m = (struct tlb1_map){
		.va = va, .pa = pa, .tsize = tsize, .mas2_attr = attr, .slot = slot
	};
	tlb1_write(m);
	return 0;
}

void *arch_ioremap(uint64_t phys, uint64_t size)
{
	unsigned int tsize = TSIZE_4K;
	uint64_t base;

	for (unsigned int i = 0; i < nr_maps; i++) {
		uint64_t len = tsize_bytes(maps[i].tsize);

		if (phys >= maps[i].pa && phys + size <= maps[i].pa + len)
			return (void *)(uintptr_t)(maps[i].va + (uint32_t)(phys - maps[i].pa));
	}
	for (;; tsize++) {
		if (tsize > TSIZE_MAX)
			return NULL;
		base = phys & ~(tsize_bytes(tsize) - 1);
		if (phys + size <= base + tsize_bytes(tsize))
			break;
	}
	uint64_t len = tsize_bytes(tsize);
	uint32_t va = (io_va_next + (uint32_t)len - 1) & ~((uint32_t)len - 1);

	if (va < io_va_next || (uint64_t)va + len - 1 > IO_VA_END)
		return NULL;
	if (add_map(va, base, tsize, MAS2_I | MAS2_G))
		return NULL;
	io_va_next = va + (uint32_t)len;
	return (void *)(uintptr_t)(va + (uint32_t)(phys - base));
}

/* Read a 32-bit word at physical address pa (4-byte aligned) for the hypervisor, e.g. a
 * guest instruction: only RAM mapped at VA = PA is read; any other address (a device, RAM
 * above the mapped part, a 36-bit address) is -HV_EFAULT, never truncated into a pointer. */
int powerpc_phys_read32(uint64_t pa, uint32_t *val)
{
	if ((pa & 3) || pa >= ram_top || ram_top - pa < 4)
		return -HV_EFAULT;
	*val = *(const volatile uint32_t *)(uintptr_t)pa;
	return 0;
}

bool arch_ram_mapped(uint64_t pa, uint64_t size)
{
	return pa + size >= pa && pa + size <= ram_top;
}

/* Map RAM beyond the first 256 MiB (head.S mapped that) in 256 MiB pages, VA = PA, up to
 * IO_VA_BASE. RAM is the platform's first RAM range. */
static void map_ram(const struct platform *plat)
{
	uint64_t pg = tsize_bytes(TSIZE_256M), end;

	if (!plat->nr_ram)
		return;
	end = plat->ram[0].base + plat->ram[0].size;
	ram_top = end < IO_VA_BASE ? end : IO_VA_BASE;
	for (uint64_t pa = pg; pa < end && pa < IO_VA_BASE; pa += pg)
		add_map((uint32_t)pa, pa, TSIZE_256M, MAS2_M);
}

void powerpc_mmu_init_boot(const struct platform *plat, unsigned int slot)
{
	boot_slot = slot;
	map_ram(plat);
}

/* Secondary CPU: head.S left only the RAM mapping, in the low slot the spin-table release
 * used (QEMU and U-Boot use the lowest slots); install the rest of the table from the top.
 * Nothing may be printed before this: the console is not mapped yet on this CPU. */
void powerpc_mmu_init_secondary(unsigned int slot)
{
	for (unsigned int i = 0; i < nr_maps; i++)
		if (maps[i].slot != slot)
			tlb1_write(&maps[i]);
}
