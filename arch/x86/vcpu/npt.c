/* npt.c - nested page tables (AMD64 APM vol. 2, 15.25): guest-physical -> host-physical for
 * exactly the partition's memory ranges (struct part_mem) and its device regions that are on
 * (REGION_DEVICE: an assigned PCI function's BARs, uncached), 2 MiB pages where guest address,
 * host address and size allow, 4 KiB pages elsewhere. Everything else is absent, so any other
 * guest-physical access is a nested page fault (svm.c: an emulated region's access, or an
 * isolation fault). One table set per physical CPU (the vCPU placed there), rebuilt at each
 * run of a vCPU. */
#include <hv/err.h>
#include <string.h>
#include <hv/cpu.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include "npt.h"

#define NPT_POOL  64 /* table pages per CPU */
#define PTE_P     0x001ull
#define PTE_RW    0x002ull
#define PTE_US    0x004ull /* nested walks are user accesses: needed at every level */
#define PTE_PWT   0x008ull /* with PCD: uncacheable through the reset PAT (APM 7.8.2) */
#define PTE_PCD   0x010ull
#define PTE_PS    0x080ull
#define PTE_ADDR  0x000ffffffffff000ull
#define SZ_4K     0x1000ull
#define SZ_2M     0x200000ull
#define GPA_LIMIT (1ull << 39) /* what one PML4 entry's worth of tables covers here */

struct npt_pool {
	uint64_t page[NPT_POOL][512];
	unsigned int used;
} __attribute__((aligned(4096))); /* each element's pages page-aligned */

static struct npt_pool pools[HV_NR_CPUS];

static uint64_t *alloc_table(struct npt_pool *pool)
{
	uint64_t *t;

	if (pool->used == NPT_POOL)
		return NULL;
	t = pool->page[pool->used++];
	memset(t, 0, SZ_4K);
	return t;
}

/* The table of level to_lvl (2 = page directory, 1 = page table) holding gpa under root
 * (level 4, the PML4), with the tables on the way made if absent. */
static uint64_t *walk(struct npt_pool *pool, uint64_t *root, uint64_t gpa, int to_lvl)
{
	uint64_t *t = root;

	for (int lvl = 4; lvl > to_lvl; lvl--) {
		uint64_t *e = &t[(gpa >> (12 + 9 * (lvl - 1))) & 511];

		if (!(*e & PTE_P)) {
			uint64_t *n = alloc_table(pool);

			if (!n)
				return NULL;
			*e = (uint64_t)(uintptr_t)n | PTE_P | PTE_RW | PTE_US;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	return t;
}

/* Map [gpa, gpa + size) to hpa with the leaf bits attr (besides P, RW, US, PS). */
static int map_range(struct npt_pool *pool, uint64_t *root, uint64_t gpa0, uint64_t hpa0,
		     uint64_t size, uint64_t attr)
{
	uint64_t off = 0;

	if (gpa0 + size < gpa0 || gpa0 + size > GPA_LIMIT || (gpa0 | hpa0 | size) & 0xfff)
		return -HV_EINVAL;
	while (off < size) {
		uint64_t gpa = gpa0 + off, hpa = hpa0 + off;
		bool big = !(gpa & (SZ_2M - 1)) && !(hpa & (SZ_2M - 1)) && size - off >= SZ_2M;
		uint64_t *t = walk(pool, root, gpa, big ? 2 : 1);

		if (!t)
			return -HV_ENOMEM;
		if (big)
			t[(gpa >> 21) & 511] = hpa | PTE_P | PTE_RW | PTE_US | PTE_PS | attr;
		else
			t[(gpa >> 12) & 511] = hpa | PTE_P | PTE_RW | PTE_US | attr;
		off += big ? SZ_2M : SZ_4K;
	}
	return 0;
}

static int map_device(struct npt_pool *pool, uint64_t *root, const struct part_region *r)
{
	return map_range(pool, root, r->gpa, r->hpa, r->size, PTE_PWT | PTE_PCD);
}

int npt_map_region(unsigned int cpu, uint64_t root_pa, const struct part_region *r)
{
	if (r->kind != REGION_DEVICE || r->off)
		return -HV_EINVAL;
	return map_device(&pools[cpu], (uint64_t *)(uintptr_t)root_pa, r);
}

int npt_build(unsigned int cpu, const struct partition *p, uint64_t *root_pa)
{
	struct npt_pool *pool = &pools[cpu];
	uint64_t *root;

	pool->used = 0;
	root = alloc_table(pool);
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		const struct part_mem *m = &p->mem[i];
		int err = map_range(pool, root, m->gpa, m->hpa, m->size, 0);

		if (err)
			return err;
	}
	for (unsigned int i = 0; i < p->nr_regions; i++) {
		const struct part_region *r = &p->regions[i];
		int err = r->kind == REGION_DEVICE && !r->off ? map_device(pool, root, r) : 0;

		if (err)
			return err;
	}
	/* Negative control (test image): 2 MiB past the last range mapped too, onto the host
	 * memory that follows it (docs/security.md, "npt-extra"). */
	if (hv_mutated("npt-extra") && p->nr_mem) {
		const struct part_mem *l = &p->mem[p->nr_mem - 1];
		int err = map_range(pool, root, l->gpa + l->size, l->hpa + l->size, SZ_2M, 0);

		if (err)
			return err;
	}
	*root_pa = (uint64_t)(uintptr_t)root;
	return 0;
}
