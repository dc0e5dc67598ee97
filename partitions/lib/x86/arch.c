/* arch.c - the x86 entry points of the portable runtime (docs/x86.md): hcall() on VMMCALL
 * (docs/abi.md 1a), the boot CPU's set-up (its descriptor tables: exc.c; paging stays off),
 * guest_ioremap() (physical == virtual) and the end of a run. */
#include <guest/guest.h>
#include "../internal.h"

uint32_t x86_hcall(uint32_t token, uint32_t regs[6]);

uint32_t hcall(uint32_t token, uint32_t r[8])
{
	uint32_t st = x86_hcall(token, r);

	r[6] = r[7] = 0; /* not passed on x86 (32-bit guests have no R8, R9) */
	return st;
}

/* No watchdog register on x86: the hypercall (docs/abi.md). */
void guest_watchdog_feed(void)
{
	uint32_t r[8] = { 0 };

	hcall(BH_WATCHDOG_FEED, r);
}

void guest_x86_vectors_init(void);

void guest_arch_init(void)
{
	guest_x86_vectors_init();
}

void *guest_ioremap(uint64_t pa, uint32_t size, int keep)
{
	if (pa >> 32 || pa + size > 0x100000000ull)
		return NULL; /* beyond what 32-bit addressing with paging off reaches */
	return (void *)(uintptr_t)pa;
}

void guest_tlb_replay(void)
{
}

/* An x86 guest runs only as a partition: when BH_GUEST_EXIT fails, the CPU stays halted. */
void guest_poweroff(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
