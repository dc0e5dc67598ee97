/* memzero.c - zero large RAM ranges with "rep stosq" (fast-string microcode on real CPUs,
 * one TCG helper call under QEMU). */
#include <string.h>
#include <hv/arch.h>

void arch_memzero(void *addr, size_t len)
{
	char *p = addr;
	size_t words = len / 8;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(words) : "a"(0UL) : "memory");
	memset(p, 0, len & 7);
}
