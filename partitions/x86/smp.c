/* smp (x86) - starts its partition's secondary vCPUs through the x86 spin table (docs/x86.md,
 * guest boot protocol): for each /cpus/cpu@N with a cpu-release-addr, writes the stack top as
 * the argument and then the entry point, and waits until that CPU says it is up. */
#include <stdint.h>
#include "lib/runtime.h"

#define MAX_CPUS 8
#define STACK    4096

static uint8_t stacks[MAX_CPUS][STACK] __attribute__((aligned(16)));
static volatile uint32_t up[MAX_CPUS], starting, cons_lock;

void secondary_main(void);

/* A secondary starts here with EBX = its argument, the stack top. */
__asm__(".text\n"
	".globl secondary_start\n"
	"secondary_start:\n"
	"	movl %ebx, %esp\n"
	"	call secondary_main\n"
	"1:	hlt\n"
	"	jmp 1b\n");
extern const char secondary_start[];

void secondary_main(void)
{
	uint32_t me = starting;

	guest_lock(&cons_lock);
	guest_puts("cpu ");
	guest_put_dec(me);
	guest_puts(" up\n");
	guest_unlock(&cons_lock);
	up[me] = 1;
}

/* Release CPU n through its spin table entry; 0, or -1 when it has none. */
static int release(uint32_t n)
{
	char path[] = "/cpus/cpu@0";
	const uint8_t *rel;
	volatile uint32_t *e;
	uint32_t len;

	path[10] = (char)('0' + n);
	rel = guest_prop(path, "cpu-release-addr", &len);
	if (!rel || len != 8 || be32(rel))
		return -1;
	e = (volatile uint32_t *)(uintptr_t)be32(rel + 4);
	starting = n;
	e[2] = (uint32_t)(uintptr_t)(stacks[n] + STACK); /* argument */
	e[3] = 0;
	e[1] = 0;
	e[0] = (uint32_t)(uintptr_t)secondary_start; /* entry: released */
	while (!up[n])
		;
	return 0;
}

void guest_main(const void *fdt)
{
	uint32_t n = 1;

	guest_init(fdt);
	guest_puts("smp: starting the secondary CPUs\n");
	while (n < MAX_CPUS && !release(n))
		n++;
	guest_lock(&cons_lock);
	guest_puts("smp: ");
	guest_put_dec(n);
	guest_puts(" cpus up\n");
	guest_unlock(&cons_lock);
}
