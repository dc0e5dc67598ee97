/* fake_core.h - fakes of the architecture's DMA hooks and of the core pieces hv/dma/iommu.c,
 * hv/hcall/handle.c and hv/partition/partition.c need, for tests/unit/test_iommu.c. Each fake records what
 * it was asked so the test can check order and arguments. */
#ifndef FAKE_CORE_H
#define FAKE_CORE_H

#include <stddef.h>

struct partition;

/* What the fakes saw, and what they answer. */
struct fake_state {
	char calls[512];           /* "mask,disable,wait,..." in call order */
	char out[4096];            /* everything hv_printf printed since fake_clear() */
	int disable_err;           /* iommu_arch_set_enabled(s, 0) returns this */
	int wait_err;              /* iommu_arch_wait_idle() returns this */
	int notified[8];           /* manager_notify() calls, by partition id */
	int scrubbed[8];           /* guest_scrub() calls, by partition id */
	int loaded[8];             /* image_load() calls, by partition id */
	int opened;                /* enables the back end counted, as the PCI fence
					 * counts them: it closes when this drops to 0 */
	int slow_enable;           /* microseconds the back end takes to enable */
	int quiet;                 /* 1: do not record calls (threads) */
	int rings;                 /* vpic_soft_raise() calls (error manager doorbell) */
	unsigned char guest[1024]; /* what the last guest_write() wrote */
};

extern struct fake_state fake;

/* Forget recorded calls and output (answers are kept). */
void fake_clear(void);

/* Append one name to fake.calls ("a,b,c"). */
void fake_call(const char *name);

#endif
