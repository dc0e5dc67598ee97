/* memzero.c - zero large memory ranges a cache line at a time with dcbz (E500MCRM 5.3.3.3,
 * "dcbz": establishes a zeroed 64-byte line without reading memory). Used to scrub partition
 * memory; the ranges are RAM mapped cacheable by the hypervisor. */
#include <string.h>
#include <hv/arch.h>

#define LINE 64 /* e500mc L1 data cache line (L1CFG0[CBSIZE]) */

void arch_memzero(void *addr, size_t len)
{
	char *p = addr, *end = p + len;

	while (((uintptr_t)p & (LINE - 1)) && p < end)
		*p++ = 0;
	for (; end - p >= LINE; p += LINE)
		__asm__ volatile("dcbz 0, %0" : : "r"(p) : "memory");
	memset(p, 0, (size_t)(end - p));
	__asm__ volatile("sync" ::: "memory");
}
