/* mem.c - a partition's guest-physical address space: translation to host physical
 * and checked copies in and out (the hypervisor maps all RAM at VA = PA). */
#include <string.h>
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/mutate.h>
#include <hv/partition.h>

static const struct part_mem *find_range(const struct partition *p, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		const struct part_mem *m = &p->mem[i];

		if (gpa >= m->gpa && gpa - m->gpa < m->size && len <= m->size - (gpa - m->gpa))
			return m;
	}
	return NULL;
}

int gpa_to_hpa(const struct partition *p, uint64_t gpa, uint64_t len, uint64_t *hpa)
{
	const struct part_mem *m = find_range(p, gpa, len ? len : 1);

	if (!m && hv_mutated("guest-mem-unbounded") && p->nr_mem) {
		*hpa = p->mem[0].hpa + (gpa - p->mem[0].gpa); /* the bound forgotten */
		return 0;
	}
	if (!m)
		return -HV_EFAULT;
	*hpa = m->hpa + (gpa - m->gpa);
	return 0;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int gpa_overlaps_partition(const struct partition *p, uint64_t gpa, uint64_t len, uint64_t *hpa)
{
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		if (overlaps(gpa, len, p->mem[i].gpa, p->mem[i].size)) {
			*hpa = p->mem[i].hpa;
			return 0;
		}
	}
	for (unsigned int i = 0; i < p->nr_regions; i++) {
		if (overlaps(gpa, len, p->regions[i].gpa, p->regions[i].size)) {
			*hpa = p->regions[i].hpa;
			return 0;
		}
	}
	return -HV_EFAULT;
}

const struct part_region *partition_region(const struct partition *p, uint64_t gpa)
{
	for (unsigned int i = 0; i < p->nr_regions; i++) {
		const struct part_region *r = &p->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && !r->off)
			return r;
	}
	return NULL;
}

static int add_region(struct partition *p, const struct part_region *r)
{
	uint64_t unused;

	if ((r->gpa | r->size) & 0xfff || !r->size || r->gpa + r->size < r->gpa)
		return -HV_EINVAL;
	if (!gpa_overlaps_partition(p, r->gpa, r->size, &unused))
		return -HV_EINVAL;
	if (p->nr_regions == PART_MAX_REGIONS)
		return -HV_ENOSPC;
	p->regions[p->nr_regions++] = *r;
	return 0;
}

int partition_map_device(struct partition *p, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	struct part_region r = { .gpa = gpa, .size = size, .kind = REGION_DEVICE, .hpa = hpa };

	return hpa & 0xfff ? -HV_EINVAL : add_region(p, &r);
}

int partition_region_set(struct partition *p, uint64_t gpa, bool on)
{
	for (unsigned int i = 0; i < p->nr_regions; i++)
		if (p->regions[i].gpa == gpa) {
			p->regions[i].off = !on;
			arch_mb();
			return 0;
		}
	return -HV_ENOENT;
}

int partition_map_emulated(struct partition *p, uint64_t gpa, uint64_t size,
			   const struct mmio_ops *ops, void *ctx)
{
	struct part_region r = {
		.gpa = gpa, .size = size, .kind = REGION_EMULATED, .ops = ops, .ctx = ctx
	};

	return add_region(p, &r);
}

static void *host_ptr(uint64_t hpa)
{
	return (void *)(uintptr_t)hpa;
}

int guest_write(const struct partition *p, uint64_t gpa, const void *src, size_t len)
{
	uint64_t hpa;

	if (gpa_to_hpa(p, gpa, len, &hpa))
		return -HV_EFAULT;
	memcpy(host_ptr(hpa), src, len);
	return 0;
}

int guest_read(const struct partition *p, uint64_t gpa, void *dst, size_t len)
{
	uint64_t hpa;

	if (gpa_to_hpa(p, gpa, len, &hpa))
		return -HV_EFAULT;
	memcpy(dst, host_ptr(hpa), len);
	return 0;
}

/* Zero [hpa, hpa + size) of RAM (zero-pma at boot), reached at VA = PA as guest_scrub() does.
 * -HV_EFAULT when part of it is not mapped so (RAM beyond what the hypervisor maps). */
int guest_phys_zero(uint64_t hpa, uint64_t size)
{
	if (!arch_ram_mapped(hpa, size))
		return -HV_EFAULT;
	arch_memzero(host_ptr(hpa), (size_t)size);
	return 0;
}

/* Zero all of the partition's private memory (shared areas keep their contents). */
void guest_scrub(const struct partition *p)
{
	for (unsigned int i = 0; i < p->nr_mem; i++)
		if (!p->mem[i].shared)
			arch_memzero(host_ptr(p->mem[i].hpa), (size_t)p->mem[i].size);
}
