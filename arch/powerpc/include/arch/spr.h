/* spr.h - e500mc special-purpose register numbers and MSR/ESR bits used by Bulkhead.
 * Source: e500mc Core Reference Manual (E500MCRM), ch. 2 "Register Model". */
#ifndef ARCH_SPR_H
#define ARCH_SPR_H

#define SPRN_DEC	22
#define SPRN_SRR0	26
#define SPRN_SRR1	27
#define SPRN_PID	48
#define SPRN_DECAR	54
#define SPRN_CSRR0	58
#define SPRN_CSRR1	59
#define SPRN_DEAR	61
#define SPRN_ESR	62
#define SPRN_IVPR	63
#define SPRN_SPRG0	272
#define SPRN_SPRG1	273
#define SPRN_SPRG2	274
#define SPRN_SPRG3	275
#define SPRN_PIR	286
#define SPRN_PVR	287
#define SPRN_TSR	336
#define SPRN_TCR	340
#define SPRN_IVOR0	400	/* IVOR0..15 are 400..415 */
#define SPRN_IVOR32	528	/* IVOR32..37 are 528..533 */
#define SPRN_IVOR38	432	/* IVOR38..41 are 432..435 */
#define SPRN_MCSRR0	570
#define SPRN_MCSRR1	571
#define SPRN_MCSR	572
#define SPRN_MAS0	624
#define SPRN_MAS1	625
#define SPRN_MAS2	626
#define SPRN_MAS3	627
#define SPRN_MAS4	628
#define SPRN_MAS6	630
#define SPRN_TLB1CFG	689
#define SPRN_MAS7	944
#define SPRN_MMUCSR0	1012

#define MSR_GS		0x10000000u
#define MSR_CE		0x00020000u
#define MSR_EE		0x00008000u
#define MSR_PR		0x00004000u
#define MSR_ME		0x00001000u
#define MSR_DE		0x00000200u
#define MSR_IS		0x00000020u
#define MSR_DS		0x00000010u

#define ESR_PIL		0x08000000u	/* illegal instruction */
#define ESR_PPR		0x04000000u	/* privileged instruction */
#define ESR_PTR		0x02000000u	/* trap instruction */
#define ESR_ST		0x00800000u	/* store operation */

/* MAS register fields (E500MCRM 2.12.10) */
#define MAS0_TLBSEL1	0x10000000u
#define MAS0_ESEL(n)	(((n) & 0xfff) << 16)
#define MAS1_VALID	0x80000000u
#define MAS1_IPROT	0x40000000u
#define MAS1_TID(t)	(((t) & 0x3fff) << 16)
#define MAS1_TS		0x00001000u
#define MAS1_TSIZE(s)	(((s) & 0xf) << 8)
#define MAS2_I		0x00000008u
#define MAS2_G		0x00000002u
#define MAS2_M		0x00000004u
#define MAS3_SX		0x00000010u
#define MAS3_SW		0x00000004u
#define MAS3_SR		0x00000001u
#define MAS3_UX		0x00000020u
#define MAS3_UW		0x00000008u
#define MAS3_UR		0x00000002u
#define MMUCSR0_TLB0FI	0x00000004u

#ifndef __ASSEMBLY__
#define mfspr(n) ({ unsigned long _v; __asm__ volatile("mfspr %0, %1" : "=r"(_v) : "i"(n)); _v; })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" : : "i"(n), "r"(v) : "memory")
static inline unsigned long mfmsr(void)
{
	unsigned long v;

	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}
#endif

#endif
