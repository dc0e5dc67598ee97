/* vtd.c - the DMA back end on x86: Intel VT-d DMA remapping (VT-d spec 3.x; legacy-mode root
 * and context tables, second-level translation, register-based invalidation). At boot the
 * unit gets an empty root table and translation on: every device's DMA is blocked (fault
 * reason "root/context entry not present"). A source (a PCI requester id) is attached by
 * building second-level tables for its domain (guest-physical -> host-physical, 3 levels,
 * 39-bit addresses); enabling it writes its context entry (domain id = the partition's id),
 * disabling clears it AND invalidates (device-selective context cache, domain-selective IOTLB
 * with drain): a cleared entry without invalidation still lets DMA through from the caches.
 * Translation is never turned off (TE = 0 would let DMA through untranslated). Fault records
 * are read by x86_vtd_poll() (the boot CPU's idle loop, the disable path) and reported through
 * iommu_report_fault(). */
#include <hv/err.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/arch/iommu.h>
#include <hv/console.h>
#include <hv/iommu.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/platform.h>
#include "../x86.h"

/* Registers (VT-d 10.4). */
#define VTD_CAP      0x08
#define VTD_ECAP     0x10
#define VTD_GCMD     0x18
#define VTD_GSTS     0x1c
#define VTD_RTADDR   0x20
#define VTD_CCMD     0x28
#define VTD_FSTS     0x34
#define GCMD_TE      (1u << 31)
#define GCMD_SRTP    (1u << 30)
#define GSTS_ONESHOT 0x96ffffffu /* GSTS bits that are not one-shot commands */
#define CCMD_ICC     (1ull << 63)
#define CCMD_GLOBAL  (1ull << 61)
#define CCMD_DEVICE  (3ull << 61)
#define IOTLB_IVT    (1ull << 63)
#define IOTLB_GLOBAL (1ull << 60)
#define IOTLB_DOMAIN (2ull << 60)
#define IOTLB_DR     (1ull << 49)
#define IOTLB_DW     (1ull << 48)
#define CAP_SAGAW_39 (1ull << 9) /* SAGAW bit 1: 3-level tables */
#define CAP_SLLPS_2M (1ull << 34)
#define CAP_DWD      (1ull << 54)
#define CAP_DRD      (1ull << 55)
#define FSTS_PFO     0x1u
#define FSTS_PPF     0x2u
#define FR_F         (1ull << 63) /* fault record's high word: fault */
#define FR_T_READ    (1ull << 62)
#define PTE_R        0x1ull
#define PTE_W        0x2ull
#define PTE_PS       0x80ull
#define PTE_ADDR     0x000ffffffffff000ull
#define SZ_4K        0x1000ull
#define SZ_2M        0x200000ull
#define AW_39        1 /* context entry: 3-level, 39-bit */
#define POOL_PAGES   128
#define NR_BUSES     4 /* context tables for buses 0-3 */
#define SPIN_LIMIT   10000000u

static volatile uint8_t *regs; /* the (one) unit driven; NULL: none */
static uint64_t cap;
static unsigned int iro, fro, nfr; /* IOTLB and fault-record register offsets, records */
static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t ctx_tables[NR_BUSES][512] __attribute__((aligned(4096)));

/* Second-level table pages: a static pool, a page in use or not. */
static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static uint8_t pool_used[POOL_PAGES];

/* The back end's state of a source (s->arch). */
struct vtd_src {
	struct iommu_source *s;
	uint64_t *slroot;
	uint16_t did;
};
static struct vtd_src srcs[IOMMU_MAX_SOURCES];

static uint64_t rd64(unsigned int r)
{
	return *(volatile uint64_t *)(regs + r);
}

static void wr64(unsigned int r, uint64_t v)
{
	arch_mb();
	*(volatile uint64_t *)(regs + r) = v;
}

static int wait_clear64(unsigned int r, uint64_t bit)
{
	for (uint32_t n = 0; n < SPIN_LIMIT; n++)
		if (!(rd64(r) & bit))
			return 0;
	return -HV_ETIMEDOUT;
}

static uint64_t *page_alloc(void)
{
	for (int i = 0; i < POOL_PAGES; i++)
		if (!pool_used[i]) {
			pool_used[i] = 1;
			memset(pool[i], 0, sizeof(pool[i]));
			return pool[i];
		}
	return NULL;
}

static void page_free(uint64_t *t)
{
	pool_used[(t - pool[0]) / 512] = 0;
}

/* Free a second-level table of level lvl (3 = root) and the tables below it. */
static void free_tables(uint64_t *t, int lvl)
{
	for (int i = 0; lvl > 1 && i < 512; i++)
		if ((t[i] & (PTE_R | PTE_W)) && !(t[i] & PTE_PS))
			free_tables((uint64_t *)(uintptr_t)(t[i] & PTE_ADDR), lvl - 1);
	page_free(t);
}

static int map_page(uint64_t *t, uint64_t iova, uint64_t hpa, uint64_t prot, bool big)
{
	for (int lvl = 3; lvl > (big ? 2 : 1); lvl--) {
		uint64_t *e = &t[(iova >> (12 + 9 * (lvl - 1))) & 511];

		if (!(*e & (PTE_R | PTE_W))) {
			uint64_t *n = page_alloc();

			if (!n)
				return -HV_ENOSPC;
			*e = (uint64_t)(uintptr_t)n | PTE_R | PTE_W;
		}
		t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	t[(iova >> (big ? 21 : 12)) & 511] = hpa | prot | (big ? PTE_PS : 0);
	return 0;
}

static int map_window(uint64_t *t, const struct iommu_window *w)
{
	uint64_t prot = (w->prot & IOMMU_READ ? PTE_R : 0) | (w->prot & IOMMU_WRITE ? PTE_W : 0);

	if (w->gpa + w->size > (1ull << 39) || (w->gpa | w->hpa | w->size) & (SZ_4K - 1))
		return -HV_EINVAL;
	for (uint64_t off = 0; off < w->size;) {
		uint64_t iova = w->gpa + off, hpa = w->hpa + off;
		bool big = (cap & CAP_SLLPS_2M) && !(iova & (SZ_2M - 1)) && !(hpa & (SZ_2M - 1)) &&
			   w->size - off >= SZ_2M;
		int err = map_page(t, iova, hpa, prot, big);

		if (err)
			return err;
		off += big ? SZ_2M : SZ_4K;
	}
	return 0;
}

/* Device-selective context-cache and domain-selective IOTLB invalidation, with draining of
 * the reads and writes the unit accepted before (when it can). */
static int invalidate(uint16_t sid, uint16_t did)
{
	uint64_t drain = (cap & CAP_DRD ? IOTLB_DR : 0) | (cap & CAP_DWD ? IOTLB_DW : 0);

	wr64(VTD_CCMD, CCMD_ICC | CCMD_DEVICE | (uint64_t)sid << 16 | did);
	if (wait_clear64(VTD_CCMD, CCMD_ICC))
		return -HV_ETIMEDOUT;
	wr64(iro + 8, IOTLB_IVT | IOTLB_DOMAIN | drain | (uint64_t)did << 32);
	return wait_clear64(iro + 8, IOTLB_IVT);
}

static void gcmd(uint32_t bit)
{
	uint32_t sts = arch_read32(regs + VTD_GSTS) & GSTS_ONESHOT;

	arch_write32(regs + VTD_GCMD, sts | bit);
	for (uint32_t n = 0; n < SPIN_LIMIT && !(arch_read32(regs + VTD_GSTS) & bit); n++)
		arch_cpu_relax();
}

int iommu_arch_init(const struct platform *plat)
{
	if (!plat->nr_iommus)
		return 0;
	regs = arch_ioremap(plat->iommu[0].regs.base, plat->iommu[0].regs.size);
	if (!regs)
		return 0;
	cap = rd64(VTD_CAP);
	if (!(cap & CAP_SAGAW_39)) {
		hv_printf("iommu: VT-d at 0x%llx: no 3-level (39-bit) tables: not driven\n",
			  (unsigned long long)plat->iommu[0].regs.base);
		regs = NULL;
		return 0;
	}
	iro = (unsigned int)((rd64(VTD_ECAP) >> 8) & 0x3ff) * 16;
	fro = (unsigned int)((cap >> 24) & 0x3ff) * 16;
	nfr = (unsigned int)((cap >> 40) & 0xff) + 1;
	memset(root, 0, sizeof(root));
	wr64(VTD_RTADDR, (uint64_t)(uintptr_t)root); /* legacy mode */
	gcmd(GCMD_SRTP);
	wr64(VTD_CCMD, CCMD_ICC | CCMD_GLOBAL);
	wait_clear64(VTD_CCMD, CCMD_ICC);
	wr64(iro + 8, IOTLB_IVT | IOTLB_GLOBAL);
	wait_clear64(iro + 8, IOTLB_IVT);
	gcmd(GCMD_TE);
	hv_printf("iommu: VT-d at 0x%llx: translation on, all DMA blocked\n",
		  (unsigned long long)plat->iommu[0].regs.base);
	return 1;
}

static uint64_t *context_entry(uint32_t sid)
{
	unsigned int bus = sid >> 8;

	if (bus >= NR_BUSES)
		return NULL;
	if (!(root[bus * 2] & 1))
		root[bus * 2] = (uint64_t)(uintptr_t)ctx_tables[bus] | 1;
	return &ctx_tables[bus][(sid & 0xff) * 2];
}

/* Test image only ("vtd-identity", a positive control): the 256 MiB block holding the
 * partition's memory mapped at bus address = host address as well, as an IOMMU in
 * pass-through leaves it: the DMA of a partition then reaches the other partitions' memory
 * there at their host addresses (outside the partition's own guest-physical window). */
static int map_identity(uint64_t *t, const struct iommu_domain *d)
{
	struct iommu_window w = { .size = 1ull << 28, .prot = IOMMU_READ | IOMMU_WRITE };

	if (!d->nr_windows)
		return 0;
	w.gpa = w.hpa = d->win[0].hpa & ~(w.size - 1);
	for (unsigned int i = 0; i < d->nr_windows; i++)
		if (w.gpa < d->win[i].gpa + d->win[i].size && d->win[i].gpa < w.gpa + w.size)
			return -HV_EEXIST; /* the block overlaps the guest-physical window */
	return map_window(t, &w);
}

int iommu_arch_attach(struct iommu_source *s)
{
	struct vtd_src *v = NULL;

	if (!regs || s->kind != IOMMU_SRC_PCI || !context_entry(s->id))
		return -HV_ENODEV;
	for (int i = 0; i < IOMMU_MAX_SOURCES && !v; i++)
		if (!srcs[i].s)
			v = &srcs[i];
	if (!v)
		return -HV_ENOSPC;
	*v = (struct vtd_src){ .s = s, .slroot = page_alloc(), .did = (uint16_t)s->dom->part->id };
	if (!v->slroot) {
		v->s = NULL;
		return -HV_ENOSPC;
	}
	for (unsigned int i = 0; i <= s->dom->nr_windows; i++) {
		int err = i < s->dom->nr_windows       ? map_window(v->slroot, &s->dom->win[i])
			  : hv_mutated("vtd-identity") ? map_identity(v->slroot, s->dom)
						       : 0;

		if (err) {
			free_tables(v->slroot, 3);
			v->s = NULL;
			return err;
		}
	}
	s->arch = v;
	return 0;
}

int iommu_arch_set_enabled(struct iommu_source *s, int on)
{
	struct vtd_src *v = s->arch;
	uint64_t *ce = v ? context_entry(s->id) : NULL;

	if (!ce)
		return -HV_ENODEV;
	if (on) {
		ce[1] = AW_39 | (uint64_t)v->did << 8;
		arch_mb();
		ce[0] = (uint64_t)(uintptr_t)v->slroot | 1; /* present, TT = 0 */
	} else {
		ce[0] = 0;
		arch_mb();
		ce[1] = 0;
	}
	arch_mb();
	if (!on && hv_mutated("vtd-no-invalidate"))
		return 0; /* negative control: the caches keep the old entry */
	return invalidate((uint16_t)s->id, v->did);
}

/* The invalidation in the disable drained what the unit had accepted. */
int iommu_arch_wait_idle(struct iommu_source *s)
{
	return cap & (CAP_DRD | CAP_DWD) ? 0 : -HV_EOPNOTSUPP;
}

void iommu_arch_detach(struct iommu_source *s)
{
	struct vtd_src *v = s->arch;
	uint64_t *ce = v ? context_entry(s->id) : NULL;

	if (!v)
		return;
	if (ce && (ce[0] & 1))
		iommu_arch_set_enabled(s, 0);
	free_tables(v->slroot, 3);
	v->s = NULL;
	s->arch = NULL;
}

/* Read and clear the primary fault records; each is reported against its source. */
void x86_vtd_poll(void)
{
	if (!regs || !(arch_read32(regs + VTD_FSTS) & (FSTS_PPF | FSTS_PFO)))
		return;
	for (unsigned int i = 0; i < nfr; i++) {
		uint64_t lo = rd64(fro + 16 * i), hi = rd64(fro + 16 * i + 8);
		struct iommu_fault f = { lo & ~(SZ_4K - 1),
					 hi & FR_T_READ ? IOMMU_READ : IOMMU_WRITE,
					 (uint32_t)(hi >> 32) & 0xff };

		if (!(hi & FR_F))
			continue;
		arch_write32(regs + fro + 16 * i + 12, 0x80000000u); /* clear F */
		for (int k = 0; k < IOMMU_MAX_SOURCES; k++)
			if (srcs[k].s && srcs[k].s->id == (uint32_t)(hi & 0xffff))
				iommu_report_fault(srcs[k].s, &f);
	}
	arch_write32(regs + VTD_FSTS, FSTS_PFO);
}
