/* vcpu.h - a partition's virtual CPU, as the core sees it; the register state is the
 * architecture's (struct vcpu_arch). */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <hv/arch/vcpu.h>
#include <arch/vcpu_arch.h> /* struct vcpu_arch: the contract of <hv/arch/vcpu.h> */

struct partition;

/* Why a vCPU is not running guest code. */
enum vcpu_state {
	VCPU_OFF = 0,   /* partition stopped */
	VCPU_LOADING,   /* vCPU 0 of a starting partition: its CPU loads the partition */
	VCPU_WAIT_SPIN, /* secondary: waiting for the guest's spin-table release */
	VCPU_RUNNABLE,  /* has guest state, should run */
	VCPU_RUNNING,   /* in guest context on its physical CPU */
};

#define STATS_EXIT_REASONS 64 /* exception numbers counted one by one; the last: above */
#define STATS_HCALL_SLOTS  16 /* distinct hypercall tokens counted one by one */

/* Per-vCPU exit statistics (hv/core/stats.c counts, the shell's stats prints). */
struct vcpu_stats {
	uint32_t traps;                     /* all exits to the hypervisor */
	uint32_t emulated;                  /* privileged instructions emulated */
	uint32_t hcalls;                    /* hypercalls */
	uint32_t tlb_refills;               /* shadow TLB misses filled */
	uint32_t reflected;                 /* exceptions and interrupts delivered to the guest */
	uint32_t exits[STATS_EXIT_REASONS]; /* exits by the architecture's exception number */
	struct {
		uint32_t token;
		uint32_t count;     /* 0: slot free */
	} hcall[STATS_HCALL_SLOTS]; /* hypercalls by token, in order of first use */
	uint32_t hcall_other;       /* hypercalls whose token found no free slot */
};

/* One virtual CPU, pinned to one physical CPU for the life of the configuration. */
struct vcpu {
	struct partition *part;
	unsigned int index; /* vCPU number inside the partition (guest PIR) */
	unsigned int pcpu;  /* physical CPU it runs on */
	volatile enum vcpu_state state;
	uint64_t spin_gpa; /* guest spin-table entry (secondaries) */
	/* Set by a hypercall handler that did a bounded slice of its work and updated its
	 * argument registers: the architecture makes the guest execute the same hypercall again
	 * (after any interrupt due), so that long work never keeps the vCPU out of guest context
	 * and a stop or a kick is taken between two slices. */
	bool hcall_again;
	struct vcpu_stats stats;
	struct vcpu_arch arch;
};

/* The vCPU running on the calling physical CPU, or NULL. */
struct vcpu *vcpu_current(void);

#endif
