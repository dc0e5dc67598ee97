/* pamu_core.c - PAMU entries and register sequences without hardware access (pamu_core.h):
 * fitting a DMA domain onto a primary window and subwindows, encoding primary and secondary
 * PAACEs, the enable sequence and access-violation decoding. Built for the target (pamu.c)
 * and for the host unit tests. */
#include <string.h>
#include <libfdt.h>
#include <hv/err.h>
#include <hv/iommu.h>
#include "pamu_core.h"

/* ---- fitting a domain ---- */

static uint64_t bit(unsigned int l)
{
	return 1ull << l;
}

/* The window [base, base + size) of s..e: the smallest naturally aligned power of two. */
static unsigned int cover(uint64_t s, uint64_t e, uint64_t *base)
{
	unsigned int l = PAMU_MIN_LOG2;

	while (l < PAMU_MAX_LOG2 && (s & ~(bit(l) - 1)) + bit(l) < e)
		l++;
	*base = s & ~(bit(l) - 1);
	return l;
}

static uint32_t ap_of(uint32_t prot)
{
	return ((prot & IOMMU_READ) ? PAACE_AP_READ : 0) |
	       ((prot & IOMMU_WRITE) ? PAACE_AP_WRITE : 0);
}

/* Subwindow [s, s + len) is either wholly inside one domain window (then its translation
 * must be aligned to len) or outside all of them. 1 if so, filling hpa/ap; 0 otherwise. */
static int fit_sub(const struct iommu_domain *d, uint64_t s, uint64_t len, uint64_t *hpa,
		   uint32_t *ap)
{
	*hpa = 0;
	*ap = PAACE_AP_DENIED;
	for (unsigned int i = 0; i < d->nr_windows; i++) {
		const struct iommu_window *w = &d->win[i];

		if (s + len <= w->gpa || w->gpa + w->size <= s)
			continue;
		if (s < w->gpa || s + len > w->gpa + w->size)
			return 0; /* straddles the edge of a window */
		*hpa = w->hpa + (s - w->gpa);
		*ap = ap_of(w->prot);
		return !(*hpa & (len - 1));
	}
	return 1;
}

int pamu_plan_domain(const struct iommu_domain *d, unsigned int max_sub, struct pamu_plan *p)
{
	uint64_t s, e;

	if (!d->nr_windows)
		return -HV_EINVAL;
	s = d->win[0].gpa;
	e = d->win[d->nr_windows - 1].gpa + d->win[d->nr_windows - 1].size;
	memset(p, 0, sizeof(*p));
	p->log2size = cover(s, e, &p->base);
	if (p->base + bit(p->log2size) < e)
		return -HV_ENOSPC; /* beyond 36-bit addresses */
	if (fit_sub(d, p->base, bit(p->log2size), &p->hpa[0], &p->ap[0]) &&
	    p->ap[0] != PAACE_AP_DENIED)
		return 0; /* one window, no subwindows */
	if (max_sub > PAMU_MAX_SUBWIN)
		max_sub = PAMU_MAX_SUBWIN;
	for (unsigned int n = 2; n <= max_sub; n *= 2) {
		unsigned int l = p->log2size - __builtin_ctz(n), i;

		if (l < PAMU_MIN_LOG2)
			break;
		for (i = 0; i < n; i++)
			if (!fit_sub(d, p->base + i * bit(l), bit(l), &p->hpa[i], &p->ap[i]))
				break;
		if (i == n) {
			p->nr_sub = n;
			return 0;
		}
	}
	return -HV_ENOSPC;
}

/* ---- entries ("Primary PAACE format", "Secondary PAACE format") ---- */

static uint32_t size_enc(unsigned int log2size)
{
	return (uint32_t)(log2size - 1); /* size = 2^(WSE+1): 4 KiB is 0xB */
}

/* Translation and permission of one window: TWBA in words 4/5, AP in word 1. */
static void set_xlate(struct paace *e, uint64_t hpa, uint32_t ap)
{
	e->w[PAACE_W_TWBAH] = (uint32_t)(hpa >> 32);
	e->w[PAACE_W_WIN] =
		(e->w[PAACE_W_WIN] & ~PAACE_WIN_TWBAL) | ((uint32_t)hpa & PAACE_WIN_TWBAL);
	e->w[PAACE_W_ADDR] = (e->w[PAACE_W_ADDR] & ~PAACE_AF_AP_MASK) | (ap << PAACE_AF_AP_SHIFT);
	e->w[PAACE_W_IMPL] |= PAACE_IA_ATM_WINDOW;
}

void pamu_build_primary(struct paace *e, const struct pamu_plan *p, uint32_t fspi)
{
	memset(e, 0, sizeof(*e));
	e->w[PAACE_W_WBAH] = (uint32_t)(p->base >> 32);
	e->w[PAACE_W_ADDR] =
		((uint32_t)p->base & PAACE_AF_WBAL) | (size_enc(p->log2size) << PAACE_AF_WSE_SHIFT);
	e->w[PAACE_W_DOMAIN] = PAACE_DA_CR;
	/* subwindow 0 (or the whole window) is described by the primary entry itself */
	set_xlate(e, p->hpa[0], p->ap[0]);
	if (p->nr_sub) {
		e->w[PAACE_W_ADDR] |= PAACE_AF_MW;
		e->w[PAACE_W_IMPL] |= (uint32_t)(__builtin_ctz(p->nr_sub) - 1)
				      << PAACE_IA_WCE_SHIFT;
		e->w[PAACE_W_WIN] |= size_enc(p->log2size - __builtin_ctz(p->nr_sub))
				     << PAACE_WIN_SWSE_SHIFT;
		e->w[PAACE_W_FSPI] = fspi;
	}
}

void pamu_build_secondary(struct paace *e, uint32_t liodn, const struct pamu_plan *p,
			  unsigned int i)
{
	memset(e, 0, sizeof(*e));
	e->w[PAACE_W_ADDR] = (liodn << PAACE_AF_LIODN_SHIFT) | PAACE_AF_PT;
	e->w[PAACE_W_DOMAIN] = PAACE_DA_CR;
	e->w[PAACE_W_WIN] = size_enc(p->log2size - __builtin_ctz(p->nr_sub))
			    << PAACE_WIN_SWSE_SHIFT;
	set_xlate(e, p->hpa[i], p->ap[i]);
	if (p->ap[i] != PAACE_AP_DENIED)
		e->w[PAACE_W_ADDR] |= PAACE_AF_V;
}

void pamu_entry_set_valid(struct paace *e, bool valid)
{
	if (valid)
		e->w[PAACE_W_ADDR] |= PAACE_AF_V;
	else
		e->w[PAACE_W_ADDR] &= ~PAACE_AF_V;
}

int pamu_node_liodns(const void *fdt, int node, uint32_t *out, int max)
{
	int len, n;
	const fdt32_t *v = fdt_getprop(fdt, node, "fsl,liodn", &len);

	if (!v)
		return 0;
	if (len <= 0 || len % 4)
		return -HV_EINVAL;
	n = len / 4 < max ? len / 4 : max;
	for (int i = 0; i < n; i++)
		out[i] = fdt32_to_cpu(v[i]);
	return n;
}

/* ---- register sequences ("PAMU memory-mapped registers") ---- */

static void wr64(const struct pamu_io *io, unsigned int hi, uint64_t v)
{
	io->write(io->ctx, hi, (uint32_t)(v >> 32));
	io->write(io->ctx, hi + 4, (uint32_t)v);
}

/* Bases first, then limits (exclusive end, as Linux's fsl_pamu.c programs them), the
 * access-violation interrupt, and the enable bit last so that the PAMU never runs on a
 * half-described table. */
void pamu_hw_setup(const struct pamu_io *io, const struct pamu_tables *t)
{
	wr64(io, PAMU_PPBAH, t->ppaact);
	wr64(io, PAMU_PPLAH, t->ppaact + t->ppaact_size);
	wr64(io, PAMU_SPBAH, t->spaact);
	wr64(io, PAMU_SPLAH, t->spaact + t->spaact_size);
	wr64(io, PAMU_OBAH, t->omt);
	wr64(io, PAMU_OLAH, t->omt + t->omt_size);
	io->write(io->ctx, PAMU_PICS, PAMU_PICS_AV_EN);
	io->write(io->ctx, PAMU_PC, PAMU_PC_PE | PAMU_PC_OCE | PAMU_PC_SPCC | PAMU_PC_PPCC);
}

unsigned int pamu_hw_max_subwindows(const struct pamu_io *io)
{
	unsigned int mwce = (io->read(io->ctx, PAMU_PC3) >> 21) & 0xf;
	unsigned int n = 1u << (mwce + 1);

	return n > PAMU_MAX_SUBWIN ? PAMU_MAX_SUBWIN : n;
}

int pamu_hw_take_violation(const struct pamu_io *io, struct pamu_violation *v)
{
	uint32_t avs1 = io->read(io->ctx, PAMU_AVS1);

	if (!(avs1 & PAMU_AVS1_AV))
		return 0;
	v->avs1 = avs1;
	v->avs2 = io->read(io->ctx, PAMU_AVS2);
	v->liodn = avs1 >> PAMU_AVS1_LIODN_SHIFT;
	v->addr = (uint64_t)io->read(io->ctx, PAMU_AVAH) << 32 | io->read(io->ctx, PAMU_AVAL);
	io->write(io->ctx, PAMU_AVS1, avs1);
	io->write(io->ctx, PAMU_PICS, PAMU_PICS_AV_EN | PAMU_PICS_AV_STAT);
	return 1;
}
