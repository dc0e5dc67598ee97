/* bulkhead/error.h - the error record FH_ERR_GET_INFO copies to the error manager
 * (docs/abi.md#fh_err_get_info). The four strings come first, with the sizes of the record
 * Topaz's error managers read (704 bytes in all, the same size), so that a buffer sized for
 * theirs holds ours; what follows them is Bulkhead's. Big-endian on PowerPC, like every
 * guest structure. Strings are NUL-terminated (empty when not known). */
#ifndef BULKHEAD_ERROR_H
#define BULKHEAD_ERROR_H

#include <stdint.h>

/* Arguments of FH_ERR_GET_INFO: r3 = the error manager's handle (its guest tree node's
 * hv-handle), r4 = size of the buffer, r5:r6 = its guest physical address (high, low), r7 =
 * peek (1: copy the oldest record and keep it queued). r3 returns EV_*, r4 the bytes copied.
 * r3 = BH_ERR_GLOBAL_QUEUE names the same queue (the "1 for global error event queue" of
 * Linux's fsl_hcalls.h comment); Topaz's guest error queue (0 there) is not implemented. */
#define BH_ERR_GLOBAL_QUEUE 1

#define BH_ERR_DOMAIN_ISOLATION "isolation" /* a partition's isolation fault */
#define BH_ERR_DOMAIN_DMA       "dma"       /* a DMA access the IOMMU layer blocked */

struct bh_error {
	char domain[32];          /* BH_ERR_DOMAIN_* */
	char error[128];          /* one line: what happened */
	char hdev_tree_path[256]; /* hardware tree path of the device (DMA), else "" */
	char gdev_tree_path[256]; /* label of the partition the error is about */
	uint32_t partition_id;    /* that partition's id (1-based, as in the shell) */
	uint32_t vcpu;            /* isolation: the vCPU that faulted; DMA: 0 */
	uint64_t addr;            /* DMA: device address of the blocked access, else 0 */
	uint32_t source_id;       /* DMA: LIODN or PCI requester id, else 0 */
	uint32_t flags;           /* DMA: 1 read, 2 write, 0 unknown */
	uint32_t seq;             /* 1 for the first error of this boot, then +1 */
	uint32_t dropped;         /* errors lost to a full queue so far */
};

#endif
