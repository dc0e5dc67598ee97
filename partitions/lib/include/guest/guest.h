/* guest/guest.h - the Bulkhead guest runtime: what a test guest (partitions/<name>/main.c)
 * may use. The same binary runs bare on QEMU ppce500 and as a Bulkhead partition; see
 * docs/guests.md for the boot contract. Guests define int main(void); its return value is
 * the exit code (guest_exit()). stdio (newlib printf) writes to the console. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <guest/spr.h>
#include <bulkhead/abi.h>

#define GUEST_MAX_CPUS 4

/* ---- boot state (set by start.S from the ePAPR entry registers) ---------------------- */

/* What the guest learnt at entry and from its device tree. */
struct guest_boot {
	const void *fdt;             /* r3: device tree (guest physical == virtual) */
	uint32_t epapr_magic;        /* r6: 0x45504150 */
	uint32_t ima_size;           /* r7: size of the initial mapping at virtual 0 */
	int hv;                      /* 1 when /hypervisor is "epapr,hypervisor-1" */
	uint32_t guest_id;           /* /hypervisor guest-id (0 bare) */
	const char *guest_name;      /* /hypervisor guest-name, or "bare" */
	const char *bootargs;        /* /chosen/bootargs ("" if none) */
	uint64_t mem_base, mem_size; /* first /memory reg range */
	uint32_t tb_freq;            /* timebase ticks per second */
	int fdt_ok;                  /* r3 points at a valid device tree */
	int hcall_ok;                /* hcall-instructions is "sc 1" */
	int tb_freq_dflt;            /* no timebase-frequency: 400 MHz assumed */
};
extern struct guest_boot guest_boot;

#define EPAPR_MAGIC 0x45504150

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

/* ---- console, exit ----------------------------------------------------------------- */

void guest_console_write(const char *buf, size_t len);
int guest_console_getc(void);                        /* -1 when nothing is pending */
void guest_puts(const char *s);                      /* no newline added */
int guest_console_handle(void);                      /* console byte channel, -1 on a UART */
void guest_exit(int code) __attribute__((noreturn)); /* prints "exit N", then stops */

/* ---- hypercalls (ePAPR: r11 token, r3..r10 in, r3 status, r4..r10 out) -------------- */

/* in/out: r[0] = r3 .. r[7] = r10. Returns r3 (an EV_* status). */
uint32_t hcall(uint32_t token, uint32_t r[8]);

static inline uint32_t hcall0(uint32_t token)
{
	register uint32_t r3 __asm__("r3");
	register uint32_t r11 __asm__("r11") = token;

	__asm__ volatile(".long 0x44000022" /* sc 1 (hcall-instructions) */
			 : "=r"(r3), "+r"(r11)
			 :
			 : "r0", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "ctr", "xer",
			   "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	return r3;
}

static inline uint32_t hcall1(uint32_t token, uint32_t a0)
{
	register uint32_t r3 __asm__("r3") = a0;
	register uint32_t r11 __asm__("r11") = token;

	__asm__ volatile(".long 0x44000022"
			 : "+r"(r3), "+r"(r11)
			 :
			 : "r0", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "ctr", "xer",
			   "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	return r3;
}

/* Byte channels (ePAPR 1.1 byte-channel hypercalls). send: up to 16 bytes; *sent = bytes taken. */
uint32_t bc_send(uint32_t handle, const void *buf, uint32_t len, uint32_t *sent);
/* receive: up to min(max, 16) bytes into buf; *got = bytes received. */
uint32_t bc_receive(uint32_t handle, void *buf, uint32_t max, uint32_t *got);
uint32_t bc_poll(uint32_t handle, uint32_t *rx_count, uint32_t *tx_space);
/* Send all of buf, retrying while the channel is full (EV_EAGAIN). Returns an EV_* status. */
uint32_t bc_write_all(uint32_t handle, const void *buf, size_t len);
uint32_t guest_hv_exit(uint32_t code); /* BH_GUEST_EXIT, returns only on error */
uint32_t guest_hv_null(void);          /* BH_NULL */
/* FH_PARTITION_MEMCPY of one range: size bytes from guest physical src of partition src_h to
 * dst of partition dst_h (handles of managed partitions, or 0xffffffff for the caller). */
uint32_t guest_partition_memcpy(uint32_t src_h, uint32_t dst_h, uint32_t src, uint32_t dst,
				uint32_t size);

/* ---- device tree ------------------------------------------------------------------- */

/* Bootargs "key=value" words: value of key as a number (0x.. hex, decimal) or string. */
uint64_t guest_arg_u64(const char *key, uint64_t dflt);
int guest_arg_str(const char *key, char *buf, size_t len); /* 1 if found */
/* Handle (reg) of the byte channel whose label, name or node name is name; -1 if none. */
int guest_bc_find(const char *name);
/* Physical address and size of reg entry idx of node, through the parents' ranges. */
int guest_fdt_reg(int node, int idx, uint64_t *pa, uint64_t *size);
int guest_fdt_cpu_node(uint32_t reg); /* /cpus child with device_type "cpu", this reg */
uint32_t guest_fdt_u32(int node, const char *prop, uint32_t dflt);

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
/* Map device/foreign memory cache-inhibited and guarded at a fresh virtual address in
 * 0xE0000000..0xEFFFFFFF; keep = 1: also on secondary CPUs (guest_tlb_replay). */
void *guest_ioremap(uint64_t pa, uint32_t size, int keep);
void guest_tlb_replay(void); /* install the kept mappings on this CPU */

/* ---- time ------------------------------------------------------------------------- */

static inline uint64_t guest_tb(void)
{
	uint32_t hi, lo, hi2;

	do { /* mftbu / mftb / mftbu: retry on a carry into TBU (E500MCRM, Register Model: TBU/TBL) */
		__asm__ volatile("mfspr %0,269; mfspr %1,268; mfspr %2,269"
				 : "=r"(hi), "=r"(lo), "=r"(hi2));
	} while (hi != hi2);
	return ((uint64_t)hi << 32) | lo;
}

uint64_t guest_us_to_tb(uint64_t us);
uint64_t guest_tb_to_us(uint64_t ticks);
void guest_udelay(uint64_t us);

/* ---- privileged register access (emulated under Bulkhead) --------------------------- */

#define mfspr(n)                                                     \
	({                                                           \
		uint32_t _v;                                         \
		__asm__ volatile("mfspr %0,%1" : "=r"(_v) : "i"(n)); \
		_v;                                                  \
	})
#define mtspr(n, v) __asm__ volatile("mtspr %0,%1" : : "i"(n), "r"((uint32_t)(v)) : "memory")

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

/* ---- SMP ----------------------------------------------------------------------------- */

unsigned int guest_cpu_id(void); /* 0 = boot CPU, else the index given at release */
/* Release CPU reg (from /cpus) through its ePAPR spin table to run fn(cpu) on its own stack
 * with vectors and kept mappings installed. Returns 0, or -1 (no such CPU/spin table). */
int guest_start_cpu(uint32_t reg, unsigned int cpu, void (*fn)(unsigned int cpu));

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

/* ---- result lines ---------------------------------------------------------------------- */

/* Prints "PASS: what" or "FAIL: what: detail" and counts failures. */
int guest_check(int ok, const char *what, const char *detail_fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "<name>: N checks, M failed" and exits 0 if none failed, 1 otherwise. */
void guest_finish(const char *name) __attribute__((noreturn));

#endif
