/* npt.h - nested page tables of the partition whose vCPU runs on a CPU (npt.c). */
#ifndef X86_NPT_H
#define X86_NPT_H

#include <stdint.h>

struct partition;

/* Map exactly p's memory ranges for CPU cpu's vCPU; *root_pa: the nCR3 value. 0, -HV_ENOMEM
 * (more tables than the CPU's pool), -HV_EINVAL (a range above 512 GiB or not page-aligned). */
int npt_build(unsigned int cpu, const struct partition *p, uint64_t *root_pa);

#endif
