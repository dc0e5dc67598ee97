/* e500mc.h - e500mc register numbers and bits, shared by the hypervisor (through
 * <arch/spr.h>) and the test guests' runtime (through <guest/spr.h>). Source: e500mc Core
 * Reference Manual (E500MCRM), chapters "Register Model", "Memory Management Units" and
 * "Interrupts and Exceptions". Safe to include from assembly (__ASSEMBLY__). */
#ifndef ARCH_E500MC_H
#define ARCH_E500MC_H

/* 32-bit masks are unsigned in C; assembly has no suffixes. */
#ifdef __ASSEMBLY__
#define E500_U32(x) x
#else
#define E500_U32(x) x##u
#endif

/* Special-purpose registers (E500MCRM, Register Model: SPR summary) */
#define SPRN_DEC     22
#define SPRN_SRR0    26
#define SPRN_SRR1    27
#define SPRN_PID     48
#define SPRN_DECAR   54
#define SPRN_CSRR0   58
#define SPRN_CSRR1   59
#define SPRN_DEAR    61
#define SPRN_ESR     62
#define SPRN_IVPR    63
#define SPRN_TBL_R   268 /* user read of the timebase */
#define SPRN_TBU_R   269
#define SPRN_SPRG0   272
#define SPRN_SPRG1   273
#define SPRN_SPRG2   274
#define SPRN_SPRG3   275
#define SPRN_PIR     286
#define SPRN_PVR     287
#define SPRN_TSR     336
#define SPRN_TCR     340
#define SPRN_IVOR0   400 /* IVOR0..15 are SPR 400..415 */
#define SPRN_IVOR32  528 /* IVOR32..37 are 528..533 */
#define SPRN_IVOR38  432 /* IVOR38..41 are 432..435 */
#define SPRN_MCSRR0  570
#define SPRN_MCSRR1  571
#define SPRN_MCSR    572
#define SPRN_MAS0    624
#define SPRN_MAS1    625
#define SPRN_MAS2    626
#define SPRN_MAS3    627
#define SPRN_MAS4    628
#define SPRN_MAS6    630
#define SPRN_TLB0CFG 688
#define SPRN_TLB1CFG 689
#define SPRN_MAS7    944
#define SPRN_L1CSR0  1010
#define SPRN_MMUCSR0 1012
#define SPRN_L1CSR1  1011
#define SPRN_BUCSR   1013
#define SPRN_MMUCFG  1015
#define SPRN_L2CSR0  1017
#define SPRN_SVR     1023

/* L1 cache control (E500MCRM 2.15.1, L1CSR0 = data, L1CSR1 = instruction; same layout):
 * CE enables the cache, CPE parity checking; CFI (flash invalidate) and CLFC (lock flash
 * clear) are set by software and read back as 0 once the operation is done. */
#define L1CSR_CPE       E500_U32(0x00010000)
#define L1CSR_CLFC      E500_U32(0x00000100)
#define L1CSR_CFI       E500_U32(0x00000002)
#define L1CSR_CE        E500_U32(0x00000001)
/* L2 cache control (E500MCRM 2.15.3): L2E/L2PE enables; L2FI, L2FL, L2LFC self-clear. */
#define L2CSR0_L2E      E500_U32(0x80000000)
#define L2CSR0_L2PE     E500_U32(0x40000000)
/* Branch unit control (E500MCRM 2.14.5): BBFI flash-invalidates the branch buffer and
 * reads back as 0; the other bits (BPEN enable, ...) are plain settings. */
#define BUCSR_BBFI      E500_U32(0x00000200)
/* MMU configuration (E500MCRM 2.13.3): LPIDSIZE != 0 advertises category E.HV. */
#define MMUCFG_LPIDSIZE E500_U32(0x0f000000)

/* msgsnd/msgclr rB (EREF 2.0, "Processor control": message type, broadcast, PIR tag). */
#define MSG_TYPE(rb)   ((rb) >> 27)
#define MSG_DBELL      0 /* processor doorbell (IVOR36) */
#define MSG_DBELL_CRIT 1 /* processor doorbell critical (IVOR37) */
#define MSG_BRDCAST    E500_U32(0x04000000)
#define MSG_PIRTAG(rb) ((rb)&0x3fff)

/* Machine state register (E500MCRM, Register Model: MSR) */
#define MSR_GS  E500_U32(0x10000000)
#define MSR_CE  E500_U32(0x00020000)
#define MSR_EE  E500_U32(0x00008000)
#define MSR_PR  E500_U32(0x00004000)
#define MSR_FP  E500_U32(0x00002000) /* floating point available */
#define MSR_ME  E500_U32(0x00001000)
#define MSR_FE0 E500_U32(0x00000800) /* floating-point exception mode */
#define MSR_FE1 E500_U32(0x00000100)
#define MSR_DE  E500_U32(0x00000200)
#define MSR_IS  E500_U32(0x00000020)
#define MSR_DS  E500_U32(0x00000010)

/* Debug control and status (E500MCRM, Debug Support: DBCR0, DBSR): the instruction complete
 * event in internal debug mode, used for the gdb stub's hardware breakpoints. */
#define SPRN_DBSR  304
#define SPRN_DBCR0 308
#define DBCR0_IDM  E500_U32(0x40000000)
#define DBCR0_ICMP E500_U32(0x08000000)

/* Exception syndrome register (E500MCRM, Register Model: ESR) */
#define ESR_PIL        E500_U32(0x08000000) /* program: illegal instruction */
#define ESR_PPR        E500_U32(0x04000000) /* program: privileged instruction */
#define ESR_PTR        E500_U32(0x02000000) /* program: trap */
#define ESR_ST         E500_U32(0x00800000) /* storage: the access was a store */
#define ESR_DLK        E500_U32(0x00200000)
#define ESR_ILK        E500_U32(0x00100000)
#define ESR_BO         E500_U32(0x00020000)
#define ESR_EPID       E500_U32(0x00000040)
#define ESR_FP         E500_U32(0x01000000) /* alignment: a floating-point access */
#define ESR_SPV        E500_U32(0x00000080) /* alignment: an SPE/vector access */
/* The ESR bits an alignment interrupt defines (EREF 4.9.7 / e500mc RM 4.7.7); others are 0. */
#define ESR_ALIGN_BITS (ESR_FP | ESR_ST | ESR_SPV | ESR_EPID)

/* Timer control / status (E500MCRM, Register Model: TCR, TSR) */
#define TCR_WIE E500_U32(0x08000000) /* watchdog interrupt enable */
#define TCR_DIE E500_U32(0x04000000) /* decrementer interrupt enable */
#define TCR_FIE E500_U32(0x00800000) /* fixed-interval interrupt enable */
#define TCR_ARE E500_U32(0x00400000) /* decrementer auto-reload from DECAR */
#define TSR_ENW E500_U32(0x80000000)
#define TSR_WIS E500_U32(0x40000000)
#define TSR_DIS E500_U32(0x08000000) /* decrementer interrupt status (write 1 to clear) */
#define TSR_FIS E500_U32(0x04000000)

/* MMU assist registers (E500MCRM, Memory Management Units: MAS registers) */
#define MAS0_TLBSEL1       E500_U32(0x10000000)
#define MAS0_TLBSEL(x)     (((x)&3) << 28)
#define MAS0_ESEL(n)       (((n)&0xfff) << 16)
#define MAS0_GET_TLBSEL(m) (((m) >> 28) & 3)
#define MAS0_GET_ESEL(m)   (((m) >> 16) & 0xfff)
#define MAS0_NV(n)         ((n)&0xfff)
#define MAS1_VALID         E500_U32(0x80000000)
#define MAS1_IPROT         E500_U32(0x40000000)
#define MAS1_TID(t)        (((t)&0x3fff) << 16)
#define MAS1_GET_TID(m)    (((m) >> 16) & 0x3fff)
#define MAS1_TS            E500_U32(0x00001000)
#define MAS1_TSIZE(s)      (((s)&0xf) << 8) /* page = 4^TSIZE KiB (MAV 1.0) */
#define MAS1_GET_TSIZE(m)  (((m) >> 8) & 0xf)
#define MAS2_EPN_MASK      E500_U32(0xfffff000)
#define MAS2_W             E500_U32(0x00000010)
#define MAS2_I             E500_U32(0x00000008)
#define MAS2_M             E500_U32(0x00000004)
#define MAS2_G             E500_U32(0x00000002)
#define MAS2_E             E500_U32(0x00000001)
#define MAS3_RPN_MASK      E500_U32(0xfffff000)
#define MAS3_UX            E500_U32(0x00000020)
#define MAS3_SX            E500_U32(0x00000010)
#define MAS3_UW            E500_U32(0x00000008)
#define MAS3_SW            E500_U32(0x00000004)
#define MAS3_UR            E500_U32(0x00000002)
#define MAS3_SR            E500_U32(0x00000001)
#define MAS6_SPID(p)       (((p)&0x3fff) << 16)
#define MAS6_SAS           E500_U32(0x00000001)
#define MMUCSR0_TLB0FI     E500_U32(0x00000004)
#define MMUCSR0_TLB1FI     E500_U32(0x00000002)
#define TLBnCFG_N_ENTRY(c) ((c)&0xfff)
#define TLBnCFG_ASSOC(c)   (((c) >> 24) & 0xff)

/* tlbivax effective-address flags (E500MCRM, Memory Management Units: tlbivax) */
#define TLBIVAX_TLB1 0x8
#define TLBIVAX_ALL  0x4

/* Interrupt vector numbers: IVORn (E500MCRM, Interrupts and Exceptions: IVORs) */
#define IVOR_CRITICAL      0
#define IVOR_MACHINE_CHECK 1
#define IVOR_DATA_STORAGE  2
#define IVOR_INST_STORAGE  3
#define IVOR_EXTERNAL      4
#define IVOR_ALIGNMENT     5
#define IVOR_PROGRAM       6
#define IVOR_FP_UNAVAIL    7
#define IVOR_SYSCALL       8
#define IVOR_AP_UNAVAIL    9
#define IVOR_DECREMENTER   10
#define IVOR_FIT           11
#define IVOR_WATCHDOG      12
#define IVOR_DTLB_MISS     13
#define IVOR_ITLB_MISS     14
#define IVOR_DEBUG         15
#define IVOR_PERFMON       35
#define IVOR_DOORBELL      36
#define IVOR_DOORBELL_CRIT 37

#endif
