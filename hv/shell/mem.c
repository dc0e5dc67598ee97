/* mem.c - "mem": what the hypervisor holds — its heap (newlib's mallinfo), each
 * partition's handles and the DMA sources attached. Printed before and after a run of
 * restarts, two equal outputs show that nothing leaked. */
#include <malloc.h>
#include <hv/err.h>
#include <hv/heap.h>
#include <hv/iommu.h>
#include <hv/partition.h>
#include <hv/shell.h>
#include "priv.h"

static unsigned int handles_in_use(const struct partition *p)
{
	unsigned int n = 0;

	for (int i = 0; i < PART_MAX_HANDLES; i++)
		n += p->handles[i] != NULL;
	return n;
}

/* The reply's data: ,"heap":{...},"handles":[{"name","in_use","max"}],"dma_sources":N */
static void mem_json(const struct mallinfo *mi)
{
	sh_printf(",\"heap\":{\"in_use\":%lu,\"free\":%lu,\"claimed\":%lu,\"reserved\":%lu},"
		  "\"handles\":[",
		  (unsigned long)mi->uordblks, (unsigned long)mi->fordblks,
		  (unsigned long)mi->arena, (unsigned long)heap_reserved());
	for (unsigned int i = 0; i < nr_partitions; i++) {
		sh_printf("%s{\"name\":", i ? "," : "");
		sh_json_str(partitions[i].name);
		sh_printf(",\"in_use\":%u,\"max\":%u}", handles_in_use(&partitions[i]),
			  (unsigned int)PART_MAX_HANDLES);
	}
	sh_printf("],\"dma_sources\":%u", iommu_sources_in_use());
}

int cmd_mem(int argc, char **argv)
{
	struct sh_args a;
	struct mallinfo mi;

	if (shell_args(argc, argv, 0, 0, 0, &a))
		return -HV_EINVAL;
	__malloc_lock(NULL);
	mi = mallinfo();
	__malloc_unlock(NULL);
	sh_printf("heap: %lu bytes in use, %lu free, %lu claimed of %lu reserved\n",
		  (unsigned long)mi.uordblks, (unsigned long)mi.fordblks, (unsigned long)mi.arena,
		  (unsigned long)heap_reserved());
	for (unsigned int i = 0; i < nr_partitions; i++)
		sh_printf("handles: %s %u of %u\n", partitions[i].name,
			  handles_in_use(&partitions[i]), (unsigned int)PART_MAX_HANDLES);
	sh_printf("dma sources: %u attached\n", iommu_sources_in_use());
	if (sh_data_begin()) {
		mem_json(&mi);
		sh_data_end();
	}
	return 0;
}
