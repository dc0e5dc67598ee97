/* guest_mem.c - a partition's guest-physical address space: translation to host physical
 * and checked copies in and out (the hypervisor maps all RAM at VA = PA). */
#include <errno.h>
#include <string.h>
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

	if (!m)
		return -EFAULT;
	*hpa = m->hpa + (gpa - m->gpa);
	return 0;
}

int gpa_overlaps_partition(const struct partition *p, uint64_t gpa, uint64_t len,
			   uint64_t *hpa)
{
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		const struct part_mem *m = &p->mem[i];

		if (gpa < m->gpa + m->size && m->gpa < gpa + len) {
			*hpa = m->hpa;
			return 0;
		}
	}
	return -EFAULT;
}

static void *host_ptr(uint64_t hpa)
{
	return (void *)(uintptr_t)hpa;
}

int guest_write(const struct partition *p, uint64_t gpa, const void *src, size_t len)
{
	uint64_t hpa;

	if (gpa_to_hpa(p, gpa, len, &hpa))
		return -EFAULT;
	memcpy(host_ptr(hpa), src, len);
	return 0;
}

int guest_read(const struct partition *p, uint64_t gpa, void *dst, size_t len)
{
	uint64_t hpa;

	if (gpa_to_hpa(p, gpa, len, &hpa))
		return -EFAULT;
	memcpy(dst, host_ptr(hpa), len);
	return 0;
}

/* Zero all of the partition's private memory (shared areas keep their contents). */
void guest_scrub(const struct partition *p)
{
	for (unsigned int i = 0; i < p->nr_mem; i++)
		if (!p->mem[i].shared)
			memset(host_ptr(p->mem[i].hpa), 0, (size_t)p->mem[i].size);
}
