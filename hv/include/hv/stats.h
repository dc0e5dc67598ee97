/* stats.h - per-vCPU exit statistics: exits by reason and hypercalls by token, counted from
 * the trap and hypercall paths; the shell's "stats" command reads and clears them. */
#ifndef HV_STATS_H
#define HV_STATS_H

#include <stdint.h>

struct vcpu;

/* One exit of v to the hypervisor for reason (the architecture's exception number). */
void stats_count_exit(struct vcpu *v, unsigned int reason);

/* One hypercall with this token made by v. */
void stats_count_hcall(struct vcpu *v, unsigned long token);

/* Zero v's counters. */
void stats_clear(struct vcpu *v);

#endif
