/* smp.c - starting an x86 partition's secondary vCPUs through its spin table (docs/x86.md,
 * guest boot protocol: at cpu-release-addr a little-endian u64 entry, 1 while the vCPU waits,
 * then a u64 argument; the guest writes the argument, then the entry) and telling CPUs apart
 * by their stacks. */
#include <libfdt.h>
#include <guest/guest.h>

#define SEC_STACK_SIZE 0x4000 /* guest.ld: 16 KiB per secondary CPU */

extern char __sec_stacks[], __sec_stacks_end[];
extern void _secondary_start(void);

/* The release area at cpu-release-addr. */
struct spin_area {
	volatile uint64_t entry; /* 1 until released */
	volatile uint64_t arg;   /* EBX at the entry: our stack top */
};

/* What each released CPU runs, indexed by CPU index. */
static void (*volatile sec_fn[GUEST_MAX_CPUS])(unsigned int cpu);

unsigned int guest_cpu_id(void)
{
	uintptr_t sp;

	__asm__("movl %%esp, %0" : "=r"(sp));
	if (sp >= (uintptr_t)__sec_stacks && sp < (uintptr_t)__sec_stacks_end)
		return 1 + (sp - (uintptr_t)__sec_stacks) / SEC_STACK_SIZE;
	return 0;
}

void guest_x86_vectors_init(void);

/* C entry of a released CPU (start.S set its stack): its own descriptor tables. */
void guest_secondary_entry(void)
{
	unsigned int cpu = guest_cpu_id();

	guest_x86_vectors_init();
	if (cpu < GUEST_MAX_CPUS && sec_fn[cpu])
		sec_fn[cpu](cpu);
	for (;;)
		__asm__ volatile("cli; hlt");
}

int guest_start_cpu(uint32_t reg, unsigned int cpu, void (*fn)(unsigned int cpu))
{
	int node = guest_fdt_cpu_node(reg), len;
	const fdt64_t *rel;
	struct spin_area *sa;

	if (node < 0 || cpu == 0 || cpu >= GUEST_MAX_CPUS)
		return -1;
	rel = fdt_getprop(guest_boot.fdt, node, "cpu-release-addr", &len);
	if (!rel || len != 8)
		return -1;
	sa = guest_ioremap(fdt64_to_cpu(*rel), sizeof(*sa), 0);
	if (!sa || sa->entry != 1)
		return -1;
	sec_fn[cpu] = fn;
	sa->arg = (uintptr_t)__sec_stacks + (uint64_t)cpu * SEC_STACK_SIZE;
	guest_sync();
	sa->entry = (uintptr_t)_secondary_start; /* the release */
	return 0;
}
