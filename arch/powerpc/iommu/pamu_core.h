/* pamu_core.h - QorIQ PAMU (Peripheral Access Management Unit) table entries and register
 * sequences, free of any hardware access so that the host unit tests build them too
 * (tests/unit/test_pamu.c). pamu.c owns the tables and the registers on the target.
 *
 * Layout from the P4080 QorIQ Integrated Multicore Communication Processor Family Reference
 * Manual (P4080RM), chapter "Peripheral Access Management Unit (PAMU)": sections "PAMU Access
 * Control Table (PAACT)", "Primary PAACE format", "Secondary PAACE format" and "PAMU memory-
 * mapped registers". Section numbers differ between revisions of that manual, so they are
 * cited by title. Not run on silicon: see docs/dma.md. */
#ifndef ARCH_PAMU_CORE_H
#define ARCH_PAMU_CORE_H

#include <stdbool.h>
#include <stdint.h>

struct iommu_domain;

/* One PAACT / SPAACT entry: 64 bytes, sixteen 32-bit big-endian words (words are stored in
 * the CPU's order, which is big-endian on every QorIQ part). */
#define PAACE_WORDS 16
struct paace {
	uint32_t w[PAACE_WORDS];
};

/* Word indexes and fields ("Primary PAACE format" / "Secondary PAACE format"). */
#define PAACE_W_WBAH   0 /* window base address, bits 35:32 (primary only) */
#define PAACE_W_ADDR   1 /* WBAL | WSE | MW | AP | DD | PT | V */
#define PAACE_W_DOMAIN 2 /* to-host: DID | PID | SNPID | coherency required */
#define PAACE_W_IMPL   3 /* CID | WCE | ATM | OTM */
#define PAACE_W_TWBAH  4 /* translated window base, bits 35:32 */
#define PAACE_W_WIN    5 /* TWBAL | SWSE */
#define PAACE_W_FSPI   6 /* first secondary entry index (primary with MW) */
#define PAACE_W_OP     7 /* operation translation (unused: OTM = none) */

#define PAACE_AF_WBAL        0xfffff000u /* primary: window base bits 31:12 */
#define PAACE_AF_LIODN_SHIFT 16          /* secondary: owning LIODN in bits 31:16 */
#define PAACE_AF_WSE_SHIFT   6           /* window size 2^(WSE+1), 6 bits */
#define PAACE_AF_MW          0x00000020u /* multiple windows: subwindows in use */
#define PAACE_AF_AP_SHIFT    3           /* access permissions, 2 bits */
#define PAACE_AF_AP_MASK     0x00000018u
#define PAACE_AF_DD          0x00000004u /* destination: 0 = host memory */
#define PAACE_AF_PT          0x00000002u /* 1 = secondary entry */
#define PAACE_AF_V           0x00000001u /* valid */
#define PAACE_AP_DENIED      0
#define PAACE_AP_READ        1 /* "query" (read) only */
#define PAACE_AP_WRITE       2 /* "update" (write) only */
#define PAACE_AP_ALL         3
#define PAACE_DA_CR          0x00000080u /* coherency required (snooped) */
#define PAACE_IA_WCE_SHIFT   4           /* subwindow count 2^(WCE+1), 4 bits */
#define PAACE_IA_ATM_WINDOW  0x00000004u /* address translation: window */
#define PAACE_WIN_TWBAL      0xfffff000u
#define PAACE_WIN_SWSE_SHIFT 6

#define PAMU_MIN_LOG2   12 /* 4 KiB windows and subwindows */
#define PAMU_MAX_LOG2   36 /* 36-bit physical addresses */
#define PAMU_MAX_SUBWIN 16

/* How one LIODN's domain maps onto a primary window and its subwindows. */
struct pamu_plan {
	uint64_t base; /* primary window, guest (device) address */
	unsigned int log2size;
	unsigned int nr_sub;           /* 0 = one window, else 2..16 subwindows */
	uint64_t hpa[PAMU_MAX_SUBWIN]; /* translation of the window / subwindow i */
	uint32_t ap[PAMU_MAX_SUBWIN];  /* PAACE_AP_*; DENIED = outside the domain */
};

/* Fit d onto one primary window with at most max_sub subwindows (PC3[MWCE] gives the
 * hardware limit). 0, -HV_EINVAL (empty domain), -HV_ENOSPC (does not fit exactly). */
int pamu_plan_domain(const struct iommu_domain *d, unsigned int max_sub, struct pamu_plan *p);

/* Primary entry for plan p (fspi: first secondary index when p->nr_sub), written invalid. */
void pamu_build_primary(struct paace *e, const struct pamu_plan *p, uint32_t fspi);

/* Secondary entry for subwindow i (1..nr_sub-1) of liodn's plan p, valid unless denied. */
void pamu_build_secondary(struct paace *e, uint32_t liodn, const struct pamu_plan *p,
			  unsigned int i);

/* Set or clear the valid bit of a primary entry: DMA of that LIODN enabled / blocked. */
void pamu_entry_set_valid(struct paace *e, bool valid);

/* The LIODNs of a hardware tree node: its "fsl,liodn" cells (one per DMA source of the
 * device, as U-Boot and the P4080 device trees write them). Returns how many were stored
 * (at most max), 0 when the node has none, -HV_EINVAL when the property is malformed. */
int pamu_node_liodns(const void *fdt, int node, uint32_t *out, int max);

/* ---- registers ("PAMU memory-mapped registers"), offsets inside one PAMU's 4 KiB ---- */
#define PAMU_PPBAH 0x000 /* primary PAACT base, high / low */
#define PAMU_PPBAL 0x004
#define PAMU_PPLAH 0x008 /* primary PAACT limit */
#define PAMU_PPLAL 0x00c
#define PAMU_SPBAH 0x010 /* secondary PAACT base / limit */
#define PAMU_SPBAL 0x014
#define PAMU_SPLAH 0x018
#define PAMU_SPLAL 0x01c
#define PAMU_OBAH  0x020 /* operation mapping table base / limit */
#define PAMU_OBAL  0x024
#define PAMU_OLAH  0x028
#define PAMU_OLAL  0x02c
#define PAMU_AVS1  0x050 /* access violation status 1: LIODN | ... | AV */
#define PAMU_AVS2  0x054
#define PAMU_AVAH  0x058 /* access violation address */
#define PAMU_AVAL  0x05c
#define PAMU_PC3   0xc08 /* capabilities 3: MWCE (max subwindow count) */
#define PAMU_PC    0xc10 /* control */
#define PAMU_PICS  0xc1c /* interrupt control and status */

#define PAMU_AVS1_AV          0x00000001u /* a violation is recorded */
#define PAMU_AVS1_LIODN_SHIFT 16
#define PAMU_PC_PE            0x40000000u /* PAMU enable */
#define PAMU_PC_OCE           0x00001000u /* OMT cache enable */
#define PAMU_PC_SPCC          0x00000010u /* secondary PAACE cache enable */
#define PAMU_PC_PPCC          0x00000001u /* primary PAACE cache enable */
#define PAMU_PICS_AV_STAT     0x00000008u /* access violation interrupt pending (w1c) */
#define PAMU_PICS_AV_EN       0x00000004u /* access violation interrupt enable */

/* Register access for the sequences: MMIO on the target, a recorder in the unit tests. */
struct pamu_io {
	uint32_t (*read)(void *ctx, unsigned int off);
	void (*write)(void *ctx, unsigned int off, uint32_t v);
	void *ctx;
};

/* Tables at these physical addresses (each [base, base + size)); then enable. */
struct pamu_tables {
	uint64_t ppaact, ppaact_size, spaact, spaact_size, omt, omt_size;
};

/* Program one PAMU: table bases and limits, access-violation interrupt on, then PE with the
 * PAACE and OMT caches enabled, the enable written last. */
void pamu_hw_setup(const struct pamu_io *io, const struct pamu_tables *t);

/* Maximum subwindow count the PAMU supports (from PC3[MWCE], at most 16). */
unsigned int pamu_hw_max_subwindows(const struct pamu_io *io);

/* A recorded access violation: which LIODN, where. */
struct pamu_violation {
	uint32_t liodn;
	uint64_t addr;
	uint32_t avs1, avs2;
};

/* If an access violation is recorded, decode it into v, clear it (AVS1 and PICS[AV_STAT]
 * are write-one-to-clear) and return 1; else 0. */
int pamu_hw_take_violation(const struct pamu_io *io, struct pamu_violation *v);

#endif
