/* npt.h - nested page tables of the partition whose vCPU runs on a CPU (npt.c). */
#ifndef X86_NPT_H
#define X86_NPT_H

#include <stdint.h>

struct partition;
struct part_region;

/* Map exactly p's memory ranges and its device regions that are on for CPU cpu's vCPU;
 * *root_pa: the nCR3 value. 0, -HV_ENOMEM (more tables than the CPU's pool), -HV_EINVAL (a
 * range above 512 GiB or not page-aligned). */
int npt_build(unsigned int cpu, const struct partition *p, uint64_t *root_pa);
/* Add device region r (turned on while the vCPU runs: a claim) to the tables at root_pa. */
int npt_map_region(unsigned int cpu, uint64_t root_pa, const struct part_region *r);

#endif
