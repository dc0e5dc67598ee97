/* smp.c - starting secondary CPUs through the ePAPR spin table (ePAPR 1.1, SMP boot: spin
 * table) and telling CPUs apart. */
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>
#include <guest/user.h>
#include "frame.h"

extern char __sec_stacks[], __sec_stacks_end[];
extern void _secondary_start(void);

/* One ePAPR spin-table entry (ePAPR 1.1, spin table entry); 64-bit fields are written as
 * two big-endian words, the low word of entry_addr last: that store releases the CPU. */
struct spin_table {
	uint32_t entry_hi, entry_lo; /* 1 while the CPU spins */
	uint32_t r3_hi, r3_lo;       /* r3 for the released CPU */
	uint32_t rsvd;
	uint32_t pir;
};

/* What each released CPU runs, indexed by CPU index. */
static void (*volatile sec_fn[GUEST_MAX_CPUS])(unsigned int cpu);

unsigned int guest_cpu_id(void)
{
	uint32_t sp;
	int u;

	__asm__("mr %0,1" : "=r"(sp));
	u = guest_user_stack_cpu(sp);
	if (u >= 0)
		return (unsigned int)u;
	if (sp >= (uint32_t)__sec_stacks && sp < (uint32_t)__sec_stacks_end)
		return 1 + (sp - (uint32_t)__sec_stacks) / GUEST_SEC_STACK_SIZE;
	return 0;
}

/* C entry of a released CPU (start.S set its stack): per-CPU vectors and mappings. */
void guest_secondary_entry(unsigned int cpu)
{
	guest_vectors_init();
	guest_tlb_replay();
	if (cpu < GUEST_MAX_CPUS && sec_fn[cpu])
		sec_fn[cpu](cpu);
	for (;;)
		__asm__ volatile("or 1,1,1");
}

/* The release address as a pointer: directly when the initial mapping (virtual = physical)
 * covers it, else through a cache-inhibited mapping (QEMU's table is outside RAM). */
static volatile struct spin_table *spin_table_map(uint64_t pa)
{
	if (pa + sizeof(struct spin_table) <= guest_boot.ima_size)
		return (volatile struct spin_table *)(uint32_t)pa;
	return guest_ioremap(pa, sizeof(struct spin_table), 0);
}

/* Write back a cached line of the table so the spinning CPU (or the hypervisor) sees it. */
static void flush_line(volatile void *p)
{
	__asm__ volatile("dcbf 0,%0; sync" : : "r"(p) : "memory");
}

int guest_start_cpu(uint32_t reg, unsigned int cpu, void (*fn)(unsigned int cpu))
{
	const void *fdt = guest_boot.fdt;
	int node = guest_fdt_cpu_node(reg), len;
	const char *method;
	const fdt32_t *rel;
	uint64_t pa;
	volatile struct spin_table *st;

	if (node < 0 || cpu == 0 || cpu >= GUEST_MAX_CPUS)
		return -1;
	method = fdt_getprop(fdt, node, "enable-method", NULL);
	rel = fdt_getprop(fdt, node, "cpu-release-addr", &len);
	if (!rel || (method && strcmp(method, "spin-table")))
		return -1;
	pa = len >= 8 ? ((uint64_t)fdt32_to_cpu(rel[0]) << 32) | fdt32_to_cpu(rel[1])
		      : fdt32_to_cpu(rel[0]);
	st = spin_table_map(pa);
	if (!st)
		return -1;
	sec_fn[cpu] = fn;
	st->r3_hi = 0;
	st->r3_lo = cpu;
	st->entry_hi = 0;
	flush_line(st);
	st->entry_lo = (uint32_t)_secondary_start; /* release */
	flush_line(st);
	return 0;
}
