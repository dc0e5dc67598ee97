/* scrub - sees from the inside whether the hypervisor scrubs a partition's private memory
 * when it is started again (issue 11, docs/dma.md "Scrub"). A shared memory area, named by
 * bootargs shared=<guest address> (4 KiB or more), tells the runs apart: it keeps its
 * contents across a restart.
 * Its private memory is the initial mapping at guest address 0 (the partition's first memory
 * range). First run (no mark in the shared area): fills every word of its private memory that
 * it does not run from (all but its own image, stack and heap, and the device tree it was
 * given) with a pattern that depends on the word's address, fills the shared area's
 * first page the same way after a mark, and asks to be restarted.
 * Next run (the mark is there): scans every word of its private memory, its own image
 * included, and counts the words that still hold the pattern (0 after a scrub), then checks
 * that the shared area kept its page. One line per step. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>

#define MARK         0x5C2B0FF1u /* first word of the shared area after a first run */
#define SHARED_WORDS 1024u       /* one page of the shared area is checked */

extern char __image_start[], __image_end[];

/* The pattern word for guest physical address a: never 0, differs from word to word. */
static uint32_t pattern(uintptr_t a)
{
	return (uint32_t)a * 0x9E3779B1u ^ 0xA5C3F00Du;
}

/* Word i of private memory, through a base the compiler cannot see as NULL. */
static volatile uint32_t *word(uintptr_t a)
{
	uintptr_t base = 0;

	__asm__("" : "+r"(base));
	return (volatile uint32_t *)(base + a);
}

static int skipped(uintptr_t a, uintptr_t fdt, uintptr_t fdt_end)
{
	return (a >= (uintptr_t)__image_start && a < (uintptr_t)__image_end) ||
	       (a >= fdt && a < fdt_end);
}

/* Bytes of the shared page that are not zero (zero-pma test, issue 15). */
static uint32_t nonzero_bytes(volatile uint32_t *shared)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < SHARED_WORDS; i++)
		for (uint32_t w = shared[i]; w; w >>= 8)
			n += (w & 0xff) != 0;
	return n;
}

static void first_run(volatile uint32_t *shared, uintptr_t end)
{
	uintptr_t fdt = (uintptr_t)guest_boot.fdt & ~3u;
	uintptr_t fdt_end = fdt + fdt_totalsize(guest_boot.fdt);
	uint32_t n = 0;

	for (uintptr_t a = 0; a < end; a += 4) {
		if (skipped(a, fdt, fdt_end))
			continue;
		*word(a) = pattern(a);
		n++;
	}
	for (uint32_t i = 1; i < SHARED_WORDS; i++)
		shared[i] = pattern(i * 4);
	shared[0] = MARK;
	__asm__ volatile("sync" ::: "memory");
	printf("first run: pattern in %lu bytes of private memory (of %lu)\n", (unsigned long)n * 4,
	       (unsigned long)end);
	printf("first run: restart me\n");
}

static void next_run(volatile uint32_t *shared, uintptr_t end)
{
	uint32_t found = 0, kept = 0;

	for (uintptr_t a = 0; a < end; a += 4)
		found += *word(a) == pattern(a);
	for (uint32_t i = 1; i < SHARED_WORDS; i++)
		kept += shared[i] == pattern(i * 4);
	printf("next run: scanned %lu bytes of private memory: %lu bytes of the pattern remain\n",
	       (unsigned long)end, (unsigned long)found * 4);
	printf("next run: shared area kept %lu of %lu pattern bytes\n", (unsigned long)kept * 4,
	       (unsigned long)(SHARED_WORDS - 1) * 4);
	shared[0] = 0; /* the run after this one is a first run again */
}

int main(void)
{
	uint64_t shared_gpa = guest_arg_u64("shared", 0);
	uintptr_t end = guest_boot.ima_size; /* the private memory at guest address 0 */
	volatile uint32_t *shared;

	if (!shared_gpa || shared_gpa < end) {
		printf("scrub: needs shared=<guest address above its private memory>\n");
		return 1;
	}
	shared = guest_ioremap(shared_gpa, SHARED_WORDS * 4, 0);
	if (shared[0] != MARK) /* what the area held before this partition used it */
		printf("first run: shared area has %lu non-zero bytes of %lu\n",
		       (unsigned long)nonzero_bytes(shared), (unsigned long)SHARED_WORDS * 4);
	if (shared[0] == MARK)
		next_run(shared, end);
	else
		first_run(shared, end);
	return 0;
}
