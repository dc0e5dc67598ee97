/* pamu.c - the PAMU back end on the target: the tables in hypervisor memory, every PAMU of
 * the hardware tree ("fsl,pamu" nodes, one 4 KiB register block per PAMU inside the node's
 * reg) programmed to use them, one primary entry per LIODN attached to a domain. Entries
 * are encoded by pamu_core.c (host-tested). QEMU has no PAMU, so this code has never run:
 * docs/dma.md says so and lists what must be checked on silicon. */
#include <stdbool.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/platform.h>
#include <hv/iommu.h>
#include "pamu_core.h"
#include "pci/atmu.h"

#define PAMU_MAX_UNITS 8
#define PAMU_UNIT_SIZE 0x1000 /* register block of one PAMU (P4080RM: 4 KiB each) */
#define PAACT_ENTRIES  1024   /* LIODNs 0..1023 (Linux sizes its table at 0x500 entries) */
#define SPAACT_ENTRIES 256
#define OMT_ENTRIES    16

/* The tables the PAMUs read. Physical = virtual for hypervisor data (1:1 mapping); the
 * PAMU wants them aligned (4 KiB is enough for all three, P4080RM "PAACT"). */
static struct paace ppaact[PAACT_ENTRIES] __attribute__((aligned(4096)));
static struct paace spaact[SPAACT_ENTRIES] __attribute__((aligned(4096)));
static struct paace omt[OMT_ENTRIES] __attribute__((aligned(4096)));

static volatile uint8_t *units[PAMU_MAX_UNITS];
static unsigned int nr_units;
static unsigned int max_sub = PAMU_MAX_SUBWIN;
static unsigned int spaact_next; /* bump allocator: SPAACT entries are never reused */

/* Per attached LIODN: where its secondary entries are. */
struct pamu_src {
	uint32_t fspi;
	unsigned int nr_sec;
};
static struct pamu_src src_state[IOMMU_MAX_SOURCES];
static unsigned int nr_src_state;

static uint32_t io_read(void *ctx, unsigned int off)
{
	return arch_read32((volatile uint8_t *)ctx + off);
}

static void io_write(void *ctx, unsigned int off, uint32_t v)
{
	arch_write32((volatile uint8_t *)ctx + off, v);
}

static struct pamu_io unit_io(unsigned int i)
{
	return (struct pamu_io){ .read = io_read, .write = io_write, .ctx = (void *)units[i] };
}

/* Make table updates visible to the PAMUs before the next step: the tables are in
 * coherent memory and the PAMU reads are snooped (PAACE caches coherent: to be verified on
 * silicon, docs/dma.md); "sync" orders the stores before any later MMIO. */
static void publish(void)
{
	arch_mb();
}

int pamu_probe(const struct platform *plat)
{
	struct pamu_tables t = {
		.ppaact = (uintptr_t)ppaact,
		.ppaact_size = sizeof(ppaact),
		.spaact = (uintptr_t)spaact,
		.spaact_size = sizeof(spaact),
		.omt = (uintptr_t)omt,
		.omt_size = sizeof(omt),
	};

	for (unsigned int n = 0; n < plat->nr_iommus; n++) {
		const struct plat_range r = plat->iommu[n].regs;

		for (uint64_t off = 0; off + PAMU_UNIT_SIZE <= r.size && nr_units < PAMU_MAX_UNITS;
		     off += PAMU_UNIT_SIZE) {
			struct pamu_io io;

			units[nr_units] = arch_ioremap(r.base + off, PAMU_UNIT_SIZE);
			if (!units[nr_units])
				break;
			io = unit_io(nr_units++);
			if (pamu_hw_max_subwindows(&io) < max_sub)
				max_sub = pamu_hw_max_subwindows(&io);
		}
	}
	if (!nr_units)
		return 0;
	memset(ppaact, 0, sizeof(ppaact)); /* every LIODN invalid: all DMA blocked */
	publish();
	for (unsigned int i = 0; i < nr_units; i++) {
		struct pamu_io io = unit_io(i);

		pamu_hw_setup(&io, &t);
	}
	hv_printf("dma: %u PAMU unit%s enabled, every LIODN blocked\n", nr_units,
		  nr_units == 1 ? "" : "s");
	return (int)nr_units;
}

int pamu_attach(struct iommu_source *s)
{
	struct pamu_plan plan;
	struct pamu_src *ps;
	unsigned int nsec;
	int err;

	if (!nr_units)
		return -HV_ENODEV;
	if (s->id >= PAACT_ENTRIES)
		return -HV_EINVAL;
	err = pamu_plan_domain(s->dom, max_sub, &plan);
	if (err)
		return err;
	nsec = plan.nr_sub ? plan.nr_sub - 1 : 0;
	if (spaact_next + nsec > SPAACT_ENTRIES || nr_src_state == IOMMU_MAX_SOURCES)
		return -HV_ENOSPC;
	ps = &src_state[nr_src_state++];
	ps->fspi = spaact_next;
	ps->nr_sec = nsec;
	spaact_next += nsec;
	for (unsigned int i = 1; i < plan.nr_sub; i++)
		pamu_build_secondary(&spaact[ps->fspi + i - 1], s->id, &plan, i);
	publish();
	pamu_build_primary(&ppaact[s->id], &plan, ps->fspi); /* written invalid */
	publish();
	s->arch = ps;
	return 0;
}

int pamu_set_enabled(struct iommu_source *s, bool on)
{
	if (!s->arch)
		return -HV_ENODEV;
	pamu_entry_set_valid(&ppaact[s->id], on);
	publish();
	/* a read of a PAMU register after the store: the store has left the core */
	(void)arch_read32(units[0] + PAMU_PC);
	return 0;
}

/* Poll every PAMU for a recorded access violation and report it against its source. The
 * access-violation interrupt (PICS[AV_EN]) is enabled; routing it to this function is left
 * to the interrupt controller code (docs/dma.md). */
void pamu_check_violations(void)
{
	for (unsigned int i = 0; i < nr_units; i++) {
		struct pamu_io io = unit_io(i);
		struct pamu_violation v;

		while (pamu_hw_take_violation(&io, &v)) {
			struct iommu_source *s = iommu_source_find(IOMMU_SRC_LIODN, -1, v.liodn);
			struct iommu_fault f = { .addr = v.addr, .reason = v.avs1 };

			if (s)
				iommu_report_fault(s, &f);
			else
				hv_printf("dma: PAMU %u: blocked access of unassigned LIODN %u at "
					  "0x%llx\n",
					  i, (unsigned int)v.liodn, (unsigned long long)v.addr);
		}
	}
}

/* A PAMU cannot say whether a LIODN still has transactions in flight. */
int pamu_wait_idle(struct iommu_source *s)
{
	pamu_check_violations();
	return -HV_EOPNOTSUPP;
}

void pamu_detach(struct iommu_source *s)
{
	if (s->id < PAACT_ENTRIES)
		memset(&ppaact[s->id], 0, sizeof(ppaact[0]));
	publish();
	s->arch = NULL;
}
