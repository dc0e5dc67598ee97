/* vcpu_arch.h - the virtual e500mc CPU state a partition's vCPU carries (trap-and-emulate:
 * the guest runs in problem state and every privileged resource below is virtual). */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

#include <stdint.h>
#include <arch/trap_frame.h>
#include <arch/arch_inline.h>

#define VTLB1_ENTRIES   16  /* guest-visible TLB1 (fully associative) */
#define VTLB0_WAYS      4   /* guest-visible TLB0: 4-way set associative */
#define VTLB0_SETS      128 /* 512 entries, like e500mc (E500MCRM 6.3.2) */
#define NR_IVORS        42
#define VCPU_DBELL      0x1u /* processor doorbell pending (IVOR36) */
#define VCPU_DBELL_CRIT 0x2u /* processor doorbell critical pending (IVOR37) */

/* One guest TLB entry, in MAS terms (E500MCRM 6.11): mas1 (V, IPROT, TID, TS, TSIZE),
 * mas2 (EPN, WIMGE), mas3 (RPN low, U0-U3, permissions), mas7 (RPN high). */
struct vtlb_entry {
	uint32_t mas1, mas2, mas3, mas7;
};

/* Guest-visible privileged registers and the guest's TLBs. */
struct vcpu_arch {
	struct trap_frame frame; /* GPRs, CR, LR, CTR, XER, pc, real MSR (while stopped) */
	uint32_t msr;            /* the guest's MSR as it believes it is */
	uint32_t srr0, srr1, csrr0, csrr1, mcsrr0, mcsrr1;
	uint32_t dear, esr, mcsr, ivpr;
	uint32_t ivor[NR_IVORS];
	uint32_t sprg[8];
	uint32_t pid, pir;
	uint32_t mas0, mas1, mas2, mas3, mas4, mas6, mas7;
	uint32_t tcr, tsr, decar;
	uint32_t hid0, hid1, l1csr0, l1csr1, l2csr0, bucsr;
	uint32_t dbcr0, dbcr1, dbcr2, iac[2], dac[2]; /* debug: stored, never armed */
	uint32_t dsrr0, dsrr1, sprg8, sprg9; /* debug-class save/scratch (Linux DebugDebug) */
	uint32_t dec_pending;                /* the real DEC fired while the guest masked it */
	/* Doorbells sent to this vCPU by the partition's vCPUs (msgsnd, emulate.c) and not yet
	 * taken: VCPU_DBELL / VCPU_DBELL_CRIT. Set by any vCPU of the partition with an atomic
	 * OR, cleared by this vCPU only (delivery, msgclr) with an atomic AND. */
	volatile uint32_t dbell;
	/* Floating point: the FPRs and FPSCR belong to the vCPU. While it is in guest context
	 * they live in the CPU's registers (the hypervisor is soft-float and never touches them);
	 * vcpu_arch_run() loads them and vcpu_arch_stop() saves them (fp.S). Zeroed at reset. */
	struct {
		uint64_t fpr[32];
		uint64_t fpscr;
	} fp __attribute__((aligned(8)));
	/* The guest TLB is written by its own vCPU (tlbwe, tlbilx, tlbivax) and by the
	 * partition's other vCPUs (a broadcast tlbivax): writers hold tlb_lock; the owner reads
	 * without it (an entry is invalidated by one store to mas1). */
	arch_spinlock_t tlb_lock;
	volatile uint32_t flush_req; /* shadow flushes other vCPUs asked of this one */
	volatile uint32_t flush_ack; /* the last one done, on this vCPU's own CPU */
	struct vtlb_entry tlb1[VTLB1_ENTRIES];
	struct vtlb_entry tlb0[VTLB0_SETS][VTLB0_WAYS];
	unsigned int tlb0_victim[VTLB0_SETS];
	uint32_t shadow_tid;  /* TID of this vCPU's shadow entries (never 0) */
	uint32_t shadow_mode; /* guest PR/IS/DS the shadow TLB was built for */
	/* gdb hardware breakpoints (guest_trap.c): hw_noexec, a shadow entry lost its execute
	 * permission to one; hw_step, one instruction at hw_step_ea runs with DBCR0[ICMP]. */
	bool hw_noexec, hw_step;
	uint32_t hw_step_ea;
	uint32_t host_ctx[24]; /* hypervisor context while the guest runs */
};

#endif
