/* ioapic.c - the physical interrupt controller behind the virtual PIC on x86: the I/O APIC
 * (Intel 82093AA datasheet, 3.2: IOREGSEL/IOWIN, the redirection table) with the local APICs.
 * A source is an I/O APIC input; it is routed to vector VEC_IOAPIC_BASE + input at the local
 * APIC of the CPU its partition's vCPU runs on (fixed delivery, physical destination), with
 * the trigger and polarity of its specifier's sense (the tree's ioapic binding: 0 rising
 * edge, 1 low level, 2 high level, 3 falling edge). The IDT hands an interrupt on those
 * vectors to x86_ioapic_interrupt(), which records the input for irqchip_arch_ack() and
 * gives it to the vCPU placed on this CPU (vpic_external(): mask, EOI, pending), or ends it. */
#include <hv/err.h>
#include <hv/arch.h>
#include <hv/arch/irqchip.h>
#include <hv/arch/mmu.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include <hv/vpic.h>
#include "../x86.h"

#define IOREGSEL   0x00
#define IOWIN      0x10
#define IOAPIC_VER 0x01
#define RTE_LO(n)  (0x10 + 2 * (n))
#define RTE_HI(n)  (0x11 + 2 * (n))
#define RTE_MASK   (1u << 16)
#define RTE_LEVEL  (1u << 15)
#define RTE_LOW    (1u << 13) /* polarity: active low */
#define SENSE_LOW  1
#define SENSE_HIGH 2
#define SENSE_FALL 3

static volatile uint32_t *regs;
static unsigned int nr_inputs;
static arch_spinlock_t lock; /* IOREGSEL/IOWIN pairs (taken with interrupts off only) */
/* Each redirection entry's low word as last written: a mask or unmask is one write, no read
 * (an interrupt's path masks its input: docs/benchmarks.md, P8). */
static uint32_t rte_lo[IOAPIC_MAX_INPUTS];
/* The input each CPU took last (irqchip_arch_ack()), IRQCHIP_NONE when none. */
static uint32_t taken[HV_NR_CPUS];

static void lock_regs(void)
{
	while (!arch_spin_trylock(&lock))
		arch_cpu_relax();
}

static uint32_t rd(unsigned int reg)
{
	regs[IOREGSEL / 4] = reg;
	return regs[IOWIN / 4];
}

static void wr(unsigned int reg, uint32_t v)
{
	regs[IOREGSEL / 4] = reg;
	regs[IOWIN / 4] = v;
}

int irqchip_arch_init(const struct plat_irqchip *c)
{
	if (c->kind != PLAT_IRQCHIP_IOAPIC)
		return -HV_ENODEV;
	if (regs)
		return 0; /* already (the first device interrupt's creation came before the boot's
			   * call): its routes stay */
	regs = arch_ioremap(c->regs.base, 0x20);
	if (!regs)
		return -HV_ENODEV;
	nr_inputs = ((rd(IOAPIC_VER) >> 16) & 0xff) + 1;
	if (nr_inputs > IOAPIC_MAX_INPUTS)
		nr_inputs = IOAPIC_MAX_INPUTS;
	for (unsigned int i = 0; i < nr_inputs; i++) {
		rte_lo[i] = RTE_MASK;
		wr(RTE_LO(i), RTE_MASK);
		wr(RTE_HI(i), 0);
	}
	for (unsigned int i = 0; i < HV_NR_CPUS; i++)
		taken[i] = IRQCHIP_NONE;
	hv_printf("irqchip: %s: I/O APIC, %u inputs, all masked\n", c->path, nr_inputs);
	return 0;
}

bool irqchip_arch_ready(void)
{
	return regs != NULL;
}

int irqchip_arch_route(uint32_t src, uint32_t sense, unsigned int pcpu, unsigned int prio)
{
	uint32_t lo = RTE_MASK | (VEC_IOAPIC_BASE + src);

	if (!regs)
		return -HV_ENODEV;
	if (src >= nr_inputs || pcpu >= hv_nr_cpus || sense > SENSE_FALL)
		return -HV_EINVAL;
	if (sense == SENSE_LOW || sense == SENSE_HIGH)
		lo |= RTE_LEVEL;
	if (sense == SENSE_LOW || sense == SENSE_FALL)
		lo |= RTE_LOW;
	lock_regs();
	wr(RTE_LO(src), RTE_MASK);
	wr(RTE_HI(src), hv_cpus[pcpu].hw_id << 24);
	rte_lo[src] = lo;
	wr(RTE_LO(src), lo);
	arch_spin_unlock(&lock);
	return 0;
}

void irqchip_arch_mask(uint32_t src, bool mask)
{
	if (!regs || src >= nr_inputs)
		return;
	lock_regs();
	rte_lo[src] = mask ? rte_lo[src] | RTE_MASK : rte_lo[src] & ~RTE_MASK;
	wr(RTE_LO(src), rte_lo[src]);
	arch_spin_unlock(&lock);
}

uint32_t irqchip_arch_ack(void)
{
	uint32_t src = taken[arch_cpu_id()];

	taken[arch_cpu_id()] = IRQCHIP_NONE;
	return src;
}

/* The local APIC's EOI; for a level-triggered input it is broadcast to the I/O APIC, which
 * clears the entry's Remote IRR (82093AA, 3.2.4). */
void irqchip_arch_eoi(void)
{
	lapic_eoi();
}

/* From the IDT, interrupts off: input src on this CPU. */
void x86_ioapic_interrupt(unsigned int src)
{
	struct vcpu *pv = pcpu_placed_vcpu(arch_cpu_id());

	taken[arch_cpu_id()] = src;
	if (pv) {
		vpic_external(pv);
		return;
	}
	irqchip_arch_mask(src, true); /* nobody here for it: masked until routed again */
	irqchip_arch_ack();
	irqchip_arch_eoi();
}
