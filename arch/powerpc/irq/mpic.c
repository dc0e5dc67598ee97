/* mpic.c - the Freescale MPIC (OpenPIC-derived, version 4.2 on QEMU ppce500), owned by the
 * hypervisor and driven for the virtual PIC (hv/dev/vpic.c) through <hv/irqchip.h>.
 *
 * Register map and sequences: P4080 QorIQ Integrated Multicore Communication Processor
 * Family Reference Manual (P4080RM), chapter 10 "Multicore Programmable Interrupt
 * Controller (MPIC)": 10.3 memory map, 10.3.1.2 GCR (reset, mixed mode), 10.3.1.5 SVR,
 * 10.3.7 IVPR/IIVPR (mask, activity, polarity, sense, priority, vector), 10.3.7 IDR
 * (destination CPU bits, CPU n = bit 31 - n in the manual's big-endian numbering, i.e. the
 * value 1 << n), 10.3.8 per-CPU CTPR / IACK / EOI, 10.4.1 "Interrupt Acknowledge":
 * reading IACK returns the vector of the highest-priority pending interrupt routed to that
 * CPU and marks it in service; writing 0 to EOI ends the highest-priority one in service.
 * The same layout is what QEMU's openpic model implements for its FSL MPIC 4.2. */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/arch/irqchip.h>
#include <hv/err.h>
#include <hv/platform.h>
#include "powerpc.h"

#define MPIC_SIZE       0x40000u
#define MPIC_CTPR       0x00080u /* current CPU's task priority (10.3.8) */
#define MPIC_IACK       0x000a0u /* current CPU's interrupt acknowledge */
#define MPIC_EOI        0x000b0u /* current CPU's end of interrupt */
#define MPIC_FRR        0x01000u /* feature reporting: NIRQ in bits 26..16 */
#define MPIC_GCR        0x01020u /* global configuration */
#define MPIC_SVR        0x010e0u /* spurious vector */
#define MPIC_SRC_BASE   0x10000u /* source n: IVPR at +0x20 * n, IDR at +0x10 */
#define MPIC_SRC_STRIDE 0x20u
#define MPIC_SRC_IDR    0x10u
#define MPIC_CPU_BASE   0x20000u /* CPU n's private registers at + 0x1000 * n */
#define MPIC_CPU_STRIDE 0x1000u

#define GCR_RST         0x80000000u /* reset the controller; self-clearing */
#define GCR_MIXED       0x20000000u /* mixed mode: deliver on the core's int input */
#define IVPR_MSK        0x80000000u
#define IVPR_A          0x40000000u /* in service or pending: do not reprogram */
#define IVPR_P          0x00800000u /* polarity: active high / rising */
#define IVPR_S          0x00400000u /* sense: level */
#define IVPR_PRIO_SHIFT 16
#define SPURIOUS_VECTOR 0xffffu
#define RESET_SPINS     100000

static volatile uint8_t *regs;
static uint32_t nr_sources;
/* The registers' TLB1 entry is in the table before the secondaries start (hv_main() calls
 * irqchip_arch_init() first), and each secondary installs the whole table at its start
 * (powerpc_mmu_init_secondary()): every CPU can use them at once. (A per-access check that
 * this CPU had mapped them cost about 140 instructions per device interrupt: P8 in
 * docs/benchmarks.md.) */
static volatile uint8_t *base(void)
{
	return regs;
}

static uint32_t rd(uint32_t off)
{
	return arch_read32(base() + off);
}

static void wr(uint32_t off, uint32_t v)
{
	arch_write32(base() + off, v);
}

bool irqchip_arch_ready(void)
{
	return regs != NULL;
}

/* 10.3.1.2: GCR[RST] resets every register (sources masked, CTPRs 15); then mixed mode. */
static int reset(void)
{
	int spins = RESET_SPINS;

	wr(MPIC_GCR, GCR_RST);
	while ((rd(MPIC_GCR) & GCR_RST) && --spins)
		;
	if (!spins)
		return -HV_ENODEV;
	wr(MPIC_GCR, GCR_MIXED);
	wr(MPIC_SVR, SPURIOUS_VECTOR);
	nr_sources = ((rd(MPIC_FRR) >> 16) & 0x7ff) + 1;
	for (uint32_t n = 0; n < nr_sources; n++)
		wr(MPIC_SRC_BASE + n * MPIC_SRC_STRIDE, IVPR_MSK | n);
	/* every CPU accepts every priority; sources are what is masked */
	for (unsigned int c = 0; c < hv_nr_cpus; c++)
		wr(MPIC_CPU_BASE + hv_cpus[c].hw_id * MPIC_CPU_STRIDE + MPIC_CTPR, 0);
	return 0;
}

int irqchip_arch_init(const struct plat_irqchip *c)
{
	const struct plat_range r = c->regs;

	if (regs)
		return 0;
	if (c->kind != PLAT_IRQCHIP_MPIC)
		return -HV_ENODEV;
	regs = arch_ioremap(r.base, r.size < MPIC_SIZE ? MPIC_SIZE : r.size);
	if (!regs)
		return -HV_ENODEV;
	if (reset()) {
		regs = NULL;
		return -HV_ENODEV;
	}
	hv_printf("mpic: %lu sources at 0x%llx, owned by the hypervisor\n",
		  (unsigned long)nr_sources, (unsigned long long)r.base);
	return 0;
}

/* MPIC binding sense cell: 0 rising, 1 low level, 2 high level, 3 falling. */
static uint32_t sense_bits(uint32_t sense)
{
	static const uint32_t bits[4] = { IVPR_P, IVPR_S, IVPR_S | IVPR_P, 0 };

	return bits[sense & 3];
}

/* 10.3.7: reprogram a source only while it is masked and not active. */
int irqchip_arch_route(uint32_t src, uint32_t sense, unsigned int pcpu, unsigned int prio)
{
	uint32_t ivpr = MPIC_SRC_BASE + src * MPIC_SRC_STRIDE;
	int spins = RESET_SPINS;

	if (!regs)
		return -HV_ENODEV;
	if (src >= nr_sources || pcpu >= hv_nr_cpus || !prio || prio > 15)
		return -HV_EINVAL;
	wr(ivpr, rd(ivpr) | IVPR_MSK);
	while ((rd(ivpr) & IVPR_A) && --spins)
		;
	wr(ivpr + MPIC_SRC_IDR, 1u << hv_cpus[pcpu].hw_id);
	wr(ivpr, IVPR_MSK | sense_bits(sense) | (prio << IVPR_PRIO_SHIFT) | src);
	return 0;
}

void irqchip_arch_mask(uint32_t src, bool mask)
{
	uint32_t ivpr = MPIC_SRC_BASE + src * MPIC_SRC_STRIDE;

	if (!regs || src >= nr_sources)
		return;
	wr(ivpr, mask ? rd(ivpr) | IVPR_MSK : rd(ivpr) & ~IVPR_MSK);
}

/* 10.4.1: the read is the acknowledge. */
uint32_t irqchip_arch_ack(void)
{
	uint32_t vec;

	if (!regs)
		return IRQCHIP_NONE;
	vec = rd(MPIC_IACK) & 0xffff;
	return vec == SPURIOUS_VECTOR || vec >= nr_sources ? IRQCHIP_NONE : vec;
}

void irqchip_arch_eoi(void)
{
	if (regs)
		wr(MPIC_EOI, 0);
}
