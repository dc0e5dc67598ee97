/* stats.h - per-vCPU exit statistics (exits by reason and hypercalls by token, counted from
 * the trap and hypercall paths) and per-partition fault counters; the shell's "stats" command
 * reads and clears them. */
#ifndef HV_STATS_H
#define HV_STATS_H

#include <stdint.h>

struct vcpu;
struct partition;

/* A partition's counters since boot (or the last "stats --clear"). */
struct part_stats {
	uint32_t faults;     /* isolation faults */
	uint32_t bad_hcalls; /* unknown hypercall tokens */
	uint32_t dma_faults; /* DMA accesses of its sources blocked (hv/dma/iommu.c) */
};

/* p's counters (the stats unit's slot). */
struct part_stats *part_stats(const struct partition *p);

/* One exit of v to the hypervisor for reason (the architecture's exception number). */
void stats_count_exit(struct vcpu *v, unsigned int reason);

/* One hypercall with this token made by v. */
void stats_count_hcall(struct vcpu *v, unsigned long token);

/* Zero v's counters. */
void stats_clear(struct vcpu *v);

#endif
