/* spr.c - mfspr/mtspr of privileged SPRs by a guest: each SPR is either virtual
 * (kept in struct vcpu_arch), passed to the real register (timer, user-readable SPRGs), or
 * refused (the guest then gets a program interrupt). SPR numbers: E500MCRM table 2-2. */
#include <stdbool.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/watchdog.h>
#include <arch/spr.h>
#include "powerpc.h"

#define SPRN_TBWL   284
#define SPRN_TBWU   285
#define SPRN_SPRG4W 276
#define SPRN_SPRG7W 279
#define SPRN_SPRG4R 260
#define SPRN_SPRG7R 263
#define SPRN_DBCR2  310
#define SPRN_MCAR   573
#define SPRN_L1CFG0 515
#define SPRN_L1CFG1 516
#define SPRN_HID0   1008
#define SPRN_HID1   1009
#define SPRN_DBCR1  309
#define SPRN_IAC1   312
#define SPRN_IAC2   313
#define SPRN_DAC1   316
#define SPRN_DAC2   317
#define SPRN_MCARU  569
#define SPRN_DSRR0  574
#define SPRN_DSRR1  575
#define SPRN_SPRG8  604
#define SPRN_SPRG9  605
/* What the guest's cache and branch-unit control registers keep: the enables. The flash
 * operations (L1CSR CFI/CLFC, L2CSR0 L2FI/L2FL/L2LFC, BUCSR BBFI) complete at once and read
 * back as 0, as on silicon once done (the guest polls for it; the hypervisor keeps the real
 * caches coherent itself). QEMU's e500mc keeps the same L1 bits (CE, CPE). */
#define L1CSR_KEEP  (L1CSR_CE | L1CSR_CPE)
#define L2CSR0_KEEP (L2CSR0_L2E | L2CSR0_L2PE)
#define BUCSR_KEEP  (~BUCSR_BBFI)

/* Guest-visible TLB geometry (TLBnCFG: ASSOC, MINSIZE, MAXSIZE, IPROT, AVAIL, NENTRY). */
#define VTLB0CFG ((VTLB0_WAYS << 24) | (1 << 20) | (1 << 16) | (VTLB0_SETS * VTLB0_WAYS))
#define VTLB1CFG \
	((VTLB1_ENTRIES << 24) | (1 << 20) | (11 << 16) | (1 << 15) | (1 << 14) | VTLB1_ENTRIES)

/* IVOR SPR number -> IVOR index, or NO_IVOR. IVOR0-15 and IVOR32-37 (SPE/AltiVec, performance
 * monitor, doorbells; Linux's __setup_cpu_e500mc writes 35-37) are the guest's; IVOR38-41
 * are E.HV and the hypervisor's (a guest sees MMUCFG[LPIDSIZE] = 0 and never writes them). */
#define NO_IVOR (-1)

static int ivor_index(unsigned int spr)
{
	if (spr >= SPRN_IVOR0 && spr <= SPRN_IVOR0 + 15)
		return (int)(spr - SPRN_IVOR0);
	if (spr >= SPRN_IVOR32 && spr <= SPRN_IVOR32 + 5)
		return (int)(spr - SPRN_IVOR32 + 32);
	return NO_IVOR;
}

/* Registers that are plain storage in struct vcpu_arch. */
static uint32_t *virtual_spr(struct vcpu_arch *a, unsigned int spr)
{
	int ivor = ivor_index(spr);

	if (ivor >= 0)
		return &a->ivor[ivor];
	switch (spr) {
	case SPRN_SRR0:
		return &a->srr0;
	case SPRN_SRR1:
		return &a->srr1;
	case SPRN_CSRR0:
		return &a->csrr0;
	case SPRN_CSRR1:
		return &a->csrr1;
	case SPRN_MCSRR0:
		return &a->mcsrr0;
	case SPRN_MCSRR1:
		return &a->mcsrr1;
	case SPRN_DEAR:
		return &a->dear;
	case SPRN_ESR:
		return &a->esr;
	case SPRN_IVPR:
		return &a->ivpr;
	case SPRN_SPRG0:
		return &a->sprg[0];
	case SPRN_SPRG1:
		return &a->sprg[1];
	case SPRN_SPRG2:
		return &a->sprg[2];
	case SPRN_MAS0:
		return &a->mas0;
	case SPRN_MAS1:
		return &a->mas1;
	case SPRN_MAS2:
		return &a->mas2;
	case SPRN_MAS3:
		return &a->mas3;
	case SPRN_MAS4:
		return &a->mas4;
	case SPRN_MAS6:
		return &a->mas6;
	case SPRN_MAS7:
		return &a->mas7;
	case SPRN_HID0:
		return &a->hid0;
	case SPRN_HID1:
		return &a->hid1;
	case SPRN_DBCR0:
		return &a->dbcr0;
	case SPRN_DBCR1:
		return &a->dbcr1;
	case SPRN_DBCR2:
		return &a->dbcr2;
	case SPRN_IAC1:
		return &a->iac[0];
	case SPRN_IAC2:
		return &a->iac[1];
	case SPRN_DAC1:
		return &a->dac[0];
	case SPRN_DAC2:
		return &a->dac[1];
	case SPRN_DSRR0:
		return &a->dsrr0;
	case SPRN_DSRR1:
		return &a->dsrr1;
	case SPRN_SPRG8:
		return &a->sprg8;
	case SPRN_SPRG9:
		return &a->sprg9;
	}
	return NULL;
}

static int mfspr_guest(struct vcpu *v, unsigned int spr, uint32_t *val);
static int mtspr_guest(struct vcpu *v, unsigned int spr, uint32_t val);

/* SPRs of the Embedded.Hypervisor category (E500MCRM table 2-2: EPCR, MSRP, LPIDR, MAS8,
 * the guest-state SPRs GSRR0/1, GEPR, GDEAR, GPIR, GESR, IVOR38-41, GIVOR*, GIVPR, and
 * EPLC/EPSC). They belong to the hypervisor: a guest touching one is an isolation fault,
 * not a missing feature. */
static bool hypervisor_spr(unsigned int spr)
{
	switch (spr) {
	case 307:
	case 311:
	case 338:
	case 341:
	case 378:
	case 379:
	case 380:
	case 381:
	case 382:
	case 383:
	case 432:
	case 433:
	case 434:
	case 435:
	case 440:
	case 441:
	case 442:
	case 443:
	case 444:
	case 445:
	case 447:
	case 947:
	case 948:
		return true;
	}
	return false;
}

int emulate_mfspr(struct vcpu *v, unsigned int spr, uint32_t *val)
{
	if (hypervisor_spr(spr))
		return EMULATE_FORBIDDEN;
	return mfspr_guest(v, spr, val);
}

static int mfspr_guest(struct vcpu *v, unsigned int spr, uint32_t *val)
{
	struct vcpu_arch *a = &v->arch;
	uint32_t *p = virtual_spr(a, spr);

	if (p) {
		*val = *p;
		return 0;
	}
	if (spr >= SPRN_SPRG4R && spr <= SPRN_SPRG7R) {
		*val = a->sprg[spr - SPRN_SPRG4R + 4];
		return 0;
	}
	switch (spr) {
	case SPRN_SPRG3:
		*val = a->sprg[3];
		return 0;
	case SPRN_PID:
		*val = a->pid;
		return 0;
	case SPRN_PIR:
		*val = a->pir;
		return 0;
	case SPRN_PVR:
		*val = (uint32_t)mfspr(SPRN_PVR);
		return 0;
	case SPRN_SVR:
		*val = (uint32_t)mfspr(SPRN_SVR);
		return 0;
	case SPRN_DEC:
		*val = (uint32_t)mfspr(SPRN_DEC);
		return 0;
	case SPRN_DECAR:
		*val = a->decar;
		return 0;
	case SPRN_TCR:
		*val = a->tcr;
		return 0;
	case SPRN_TSR:
		*val = a->tsr;
		return 0;
	case SPRN_MCSR:
		*val = a->mcsr;
		return 0;
	case SPRN_TLB0CFG:
		*val = VTLB0CFG;
		return 0;
	case SPRN_TLB1CFG:
		*val = VTLB1CFG;
		return 0;
	case SPRN_MMUCFG: /* no E.HV for the guest: Linux then leaves IVOR38-41 alone */
		*val = (uint32_t)mfspr(SPRN_MMUCFG) & ~MMUCFG_LPIDSIZE;
		return 0;
	case SPRN_L1CFG0:
		*val = (uint32_t)mfspr(SPRN_L1CFG0);
		return 0;
	case SPRN_L1CFG1:
		*val = (uint32_t)mfspr(SPRN_L1CFG1);
		return 0;
	case SPRN_L1CSR0:
		*val = a->l1csr0;
		return 0;
	case SPRN_L1CSR1:
		*val = a->l1csr1;
		return 0;
	case SPRN_L2CSR0:
		*val = a->l2csr0;
		return 0;
	case SPRN_BUCSR:
		*val = a->bucsr;
		return 0;
	case SPRN_MMUCSR0:
		*val = 0;
		return 0;
	case SPRN_DBSR:
	case SPRN_MCAR:
	case SPRN_MCARU:
		*val = 0;
		return 0;
	}
	return -HV_ENOSYS;
}

static int mtspr_timer(struct vcpu *v, unsigned int spr, uint32_t val)
{
	struct vcpu_arch *a = &v->arch;

	switch (spr) {
	case SPRN_DEC:
		mtspr(SPRN_DEC, val);
		return 0;
	case SPRN_DECAR: /* reloaded by guest_trap.c, not the CPU */
		a->decar = val;
		return 0;
	case SPRN_TCR:
		a->tcr = val;
		vcpu_load_tcr(a); /* watchdog, FIT and ARE stay ours */
		return 0;
	case SPRN_TSR: /* write 1 to clear (E500MCRM 2.8.2) */
		a->tsr &= ~val;
		if (val & (TSR_ENW | TSR_WIS))
			watchdog_feed(v->part);
		if (val & TSR_DIS)
			mtspr(SPRN_TSR, TSR_DIS);
		return 0;
	}
	return -HV_ENOSYS;
}

static int mtspr_special(struct vcpu *v, unsigned int spr, uint32_t val)
{
	struct vcpu_arch *a = &v->arch;

	if (spr >= SPRN_SPRG4W && spr <= SPRN_SPRG7W) {
		a->sprg[spr - SPRN_SPRG4W + 4] = val;
		switch (spr) { /* mtspr needs a constant SPR number */
		case SPRN_SPRG4W:
			mtspr(SPRN_SPRG4W, val);
			break;
		case SPRN_SPRG4W + 1:
			mtspr(SPRN_SPRG4W + 1, val);
			break;
		case SPRN_SPRG4W + 2:
			mtspr(SPRN_SPRG4W + 2, val);
			break;
		default:
			mtspr(SPRN_SPRG7W, val);
			break;
		}
		return 0;
	}
	switch (spr) {
	case SPRN_SPRG3:
		a->sprg[3] = val;
		mtspr(SPRN_SPRG3, val);
		return 0;
	case SPRN_PID:
		a->pid = val & 0x3fff;
		vtlb_shadow_flush();
		return 0;
	case SPRN_MMUCSR0:
		if (val & 0x6)
			vtlb_invalidate(a, val & 0x4, val & 0x2, NULL, NULL);
		return 0;
	case SPRN_L1CSR0:
		a->l1csr0 = val & L1CSR_KEEP;
		return 0;
	case SPRN_L1CSR1:
		a->l1csr1 = val & L1CSR_KEEP;
		return 0;
	case SPRN_L2CSR0:
		a->l2csr0 = val & L2CSR0_KEEP;
		return 0;
	case SPRN_BUCSR: /* Linux flushes it on every exception from user mode */
		a->bucsr = val & BUCSR_KEEP;
		return 0;
	case SPRN_MCSR:
		a->mcsr &= ~val;
		return 0;
	case SPRN_TBWL:
	case SPRN_TBWU: /* the time base is shared: ignore */
	case SPRN_DBSR: /* write 1 to clear; no debug event is ever set */
		return 0;
	}
	return mtspr_timer(v, spr, val);
}

int emulate_mtspr(struct vcpu *v, unsigned int spr, uint32_t val)
{
	if (hypervisor_spr(spr))
		return EMULATE_FORBIDDEN;
	return mtspr_guest(v, spr, val);
}

static int mtspr_guest(struct vcpu *v, unsigned int spr, uint32_t val)
{
	uint32_t *p = virtual_spr(&v->arch, spr);

	if (p) {
		*p = val;
		return 0;
	}
	return mtspr_special(v, spr, val);
}
