/* guest/arch.h (PowerPC) - the e500mc part of the guest runtime: exception frames and
 * handlers, TLB maintenance, special registers, the time base and the atomic primitives the
 * portable runtime (guest/guest.h) builds on. */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdint.h>
#include <guest/spr.h>

#define GUEST_HCALL_INSN 0x44000022 /* sc 1: the only hcall-instructions executed */

/* ---- exceptions -------------------------------------------------------------------- */

/* Register state saved by every vector; a handler may edit it (pc, msr, gprs) and return. */
struct guest_frame {
	uint32_t backchain, lr_save; /* ABI stack frame header */
	uint32_t gpr[32];
	uint32_t cr, lr, ctr, xer;
	uint32_t pc;  /* SRR0 (CSRR0 / MCSRR0 for critical / machine check) */
	uint32_t msr; /* SRR1 (CSRR1 / MCSRR1) */
	uint32_t esr, dear;
	uint32_t vec;    /* IVOR number */
	uint32_t vclass; /* 0 = SRR/rfi, 1 = CSRR/rfci, 2 = MCSRR/rfmci */
};

typedef void (*guest_handler_t)(struct guest_frame *f);

/* Install fn for IVOR ivor (0..15); NULL restores the default handler, which prints
 * "guest: unexpected <name> exception at PC ... ESR ... DEAR ..." and exits with code 99. */
void guest_set_handler(unsigned int ivor, guest_handler_t fn);
const char *guest_exc_name(unsigned int ivor);
void guest_vectors_init(void); /* IVPR + IVOR0..15 of this CPU (done at boot) */

/* ---- MMU ------------------------------------------------------------------------- */

/* One TLB entry as the MAS registers describe it (E500MCRM, MMU: MAS registers). */
struct tlb_entry {
	uint32_t mas0, mas1, mas2, mas3, mas7;
};

void tlb_write(const struct tlb_entry *e);                                       /* tlbwe */
void tlb_read(uint32_t tlbsel, uint32_t esel, uint32_t ea, struct tlb_entry *e); /* tlbre */
int tlb_search(uint32_t ea, uint32_t pid, int as, struct tlb_entry *e); /* tlbsx: 1 = hit */
void tlb_ivax(uint32_t ea, int tlb1); /* tlbivax + tlbsync (TID = 0) */
void tlb_ilx_ea(uint32_t ea);         /* tlbilx T=3: this CPU, by EA (PID 0, AS 0) */
void tlb_ilx_all(void);               /* tlbilx T=0: this CPU, all non-IPROT entries */
uint32_t tlb1_entries(void);          /* TLB1CFG[NENTRY] */
int tlb1_alloc(void);                 /* a free TLB1 ESEL, -1 if none */
void tlb1_free(int esel);
uint32_t tlb_tsize(uint32_t size); /* TSIZE of a 4^n KiB page, 0 if not a valid size */
/* Map va -> pa (size = 4^n KiB, both aligned to it) in TLB1 entry esel, TID 0, TS 0. */
void tlb1_set(int esel, uint32_t va, uint64_t pa, uint32_t size, uint32_t wimge, uint32_t perm);
void tlb1_clear(int esel); /* V = 0 */
/* ---- time base ----------------------------------------------------------------- */

static inline uint64_t guest_tb(void)
{
	uint32_t hi, lo, hi2;

	do { /* mftbu / mftb / mftbu: retry on a carry into TBU (E500MCRM, Register Model: TBU/TBL) */
		__asm__ volatile("mfspr %0,269; mfspr %1,268; mfspr %2,269"
				 : "=r"(hi), "=r"(lo), "=r"(hi2));
	} while (hi != hi2);
	return ((uint64_t)hi << 32) | lo;
}

/* ---- privileged register access (emulated under Bulkhead) --------------------------- */

#define mfspr(n)                                                     \
	({                                                           \
		uint32_t _v;                                         \
		__asm__ volatile("mfspr %0,%1" : "=r"(_v) : "i"(n)); \
		_v;                                                  \
	})
#define mtspr(n, v) __asm__ volatile("mtspr %0,%1" : : "i"(n), "r"((uint32_t)(v)) : "memory")

/* The trap instruction (tw 31,0,0: a program interrupt, ESR[PTR]). */
static inline void guest_trap_insn(void)
{
	__asm__ volatile("trap" ::: "memory");
}

/* This CPU's hardware id (PIR; emulated under Bulkhead). */
static inline uint32_t guest_hw_cpu_id(void)
{
	return mfspr(SPRN_PIR);
}

static inline uint32_t mfmsr(void)
{
	uint32_t v;

	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}

static inline void mtmsr(uint32_t v)
{
	__asm__ volatile("mtmsr %0; isync" : : "r"(v) : "memory");
}

static inline void guest_irq_enable(void)
{
	__asm__ volatile("wrteei 1" ::: "memory");
}

static inline void guest_irq_disable(void)
{
	__asm__ volatile("wrteei 0" ::: "memory");
}

/* ---- atomics and barriers --------------------------------------------------------- */

static inline uint32_t atomic_add_return(volatile uint32_t *p, uint32_t n)
{
	uint32_t v;

	/* reservation loop (E500MCRM, Instruction Model: lwarx/stwcx.) */
	__asm__ volatile("1: lwarx %0,0,%1\n"
			 "   add %0,%0,%2\n"
			 "   stwcx. %0,0,%1\n"
			 "   bne- 1b"
			 : "=&r"(v)
			 : "r"(p), "r"(n)
			 : "cr0", "memory");
	return v;
}

static inline void guest_sync(void)
{
	__asm__ volatile("sync" ::: "memory");
}

/* Take *p from 0 to v: 1 on success. lwarx/stwcx., then isync orders the critical
 * section after the acquisition (E500MCRM, Instruction Model: memory barriers). */
static inline int guest_lock_try(volatile uint32_t *p, uint32_t v)
{
	uint32_t old;

	__asm__ volatile("1: lwarx %0,0,%1\n"
			 "   cmpwi %0,0\n"
			 "   bne- 2f\n"
			 "   stwcx. %2,0,%1\n"
			 "   bne- 1b\n"
			 "   isync\n"
			 "2:"
			 : "=&r"(old)
			 : "r"(p), "r"(v)
			 : "cr0", "memory");
	return !old;
}

/* *p = v after every earlier store of the critical section (sync, then the store). */
static inline void guest_unlock_store(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("sync" ::: "memory");
	*p = v;
}

/* Device registers are cache-inhibited and guarded: mbar orders the stores (E500MCRM,
 * Instruction Model: mbar). */
static inline void guest_io_wmb(void)
{
	__asm__ volatile("mbar" ::: "memory");
}

static inline void guest_relax(void)
{
	__asm__ volatile("or 1,1,1"); /* low-priority hint while spinning */
}

#endif
