/* guest/guest.h - the Bulkhead guest runtime: what a test guest (partitions/<name>/main.c)
 * may use, on every architecture. On PowerPC the same binary runs bare on QEMU ppce500 and as
 * a Bulkhead partition; on x86 it runs as a partition (docs/guests.md has the boot contracts).
 * Guests define int main(void); its return value is the exit code (guest_exit()). stdio
 * (newlib printf) writes to the console. What only one architecture has (exception frames,
 * TLB, special registers) is in <guest/arch.h>, from partitions/lib/<arch>/include, which
 * also gives every architecture's guest_tb(), guest_relax() (spin-wait hint),
 * guest_irq_enable()/guest_irq_disable(), atomic_add_return(), guest_lock_try() (0 -> v with
 * acquire order), guest_unlock_store() (release), guest_sync() (full barrier),
 * guest_io_wmb() (orders stores to device registers) and GUEST_HCALL_INSN (the
 * /hypervisor/hcall-instructions word it executes). */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <bulkhead/abi.h>
#include <guest/arch.h>

#define GUEST_MAX_CPUS 4

/* ---- boot state (set by start.S from the entry registers) ---------------------------- */

/* What the guest learnt at entry and from its device tree. */
struct guest_boot {
	const void *fdt;             /* device tree (guest physical == virtual) */
	uint32_t epapr_magic;        /* 0x45504150 (PowerPC r6, x86 EAX) */
	uint32_t ima_size;           /* PowerPC: size of the initial mapping at virtual 0 */
	int hv;                      /* 1 when /hypervisor is "epapr,hypervisor-1" */
	uint32_t guest_id;           /* /hypervisor guest-id (0 bare) */
	const char *guest_name;      /* /hypervisor guest-name, or "bare" */
	const char *bootargs;        /* /chosen/bootargs ("" if none) */
	uint64_t mem_base, mem_size; /* first /memory reg range */
	uint32_t tb_freq;            /* timebase ticks per second */
	int fdt_ok;                  /* r3 points at a valid device tree */
	int hcall_ok;                /* hcall-instructions is GUEST_HCALL_INSN */
	int tb_freq_dflt;            /* no timebase-frequency: 400 MHz assumed */
};
extern struct guest_boot guest_boot;

#define EPAPR_MAGIC 0x45504150

/* ---- console, exit ----------------------------------------------------------------- */

void guest_console_write(const char *buf, size_t len);
int guest_console_getc(void);                        /* -1 when nothing is pending */
void guest_puts(const char *s);                      /* no newline added */
int guest_console_handle(void);                      /* console byte channel, -1 on a UART */
void guest_exit(int code) __attribute__((noreturn)); /* prints "exit N", then stops */

/* ---- interrupts --------------------------------------------------------------------- */

/* The external interrupt's handler (the virtual PIC's: PowerPC IVOR4, x86 vector 0x20), run
 * with interrupts disabled on the interrupted stack; NULL: none (PowerPC's default handler
 * reports it). Interrupts come once guest_irq_enable() allows them. */
void guest_set_irq_handler(void (*fn)(void));

/* ---- hypercalls (docs/abi.md section 1: PowerPC r11 token, r3..r10; x86 EAX, EBX..EBP) -- */

/* in/out: argument n in r[n] (PowerPC r3 + n; x86 EBX, ECX, EDX, ESI, EDI, EBP for 0..5,
 * r[6] and r[7] are not passed and come back 0). Returns the status (an EV_* code). */
uint32_t hcall(uint32_t token, uint32_t r[8]);

static inline uint32_t hcall0(uint32_t token)
{
	uint32_t r[8] = { 0 };

	return hcall(token, r);
}

static inline uint32_t hcall1(uint32_t token, uint32_t a0)
{
	uint32_t r[8] = { a0 };

	return hcall(token, r);
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

/* ---- mappings ---------------------------------------------------------------------- */

/* Map device/foreign memory uncached: PowerPC a TLB1 entry (cache-inhibited, guarded) at a
 * fresh virtual address in 0xE0000000..0xEFFFFFFF, keep = 1: also on secondary CPUs
 * (guest_tlb_replay); x86 (paging off) the physical address itself. */
void *guest_ioremap(uint64_t pa, uint32_t size, int keep);
void guest_tlb_replay(void); /* install the kept mappings on this CPU */

/* ---- time (guest_tb(): PowerPC time base, x86 TSC; tb_freq ticks a second) ---------- */

/* A timer interrupt every us microseconds that only ends what the CPU was doing: a guest
 * that spins hands QEMU's -icount round robin back to the other CPUs at each one (PowerPC:
 * the decrementer; x86: the local APIC timer). Enables interrupts. */
void guest_tick_start(uint32_t us);
uint64_t guest_us_to_tb(uint64_t us);
uint64_t guest_tb_to_us(uint64_t ticks);
/* Feed the partition's watchdog (docs/partitions.md): PowerPC as on bare e500mc, 1 to TSR[ENW]
 * and TSR[WIS]; x86 with BH_WATCHDOG_FEED. */
void guest_watchdog_feed(void);
void guest_udelay(uint64_t us);

/* ---- SMP ----------------------------------------------------------------------------- */

unsigned int guest_cpu_id(void); /* 0 = boot CPU, else the index given at release */
/* Release CPU reg (from /cpus) through its spin table to run fn(cpu) on its own stack
 * with vectors and kept mappings installed. Returns 0, or -1 (no such CPU/spin table). */
int guest_start_cpu(uint32_t reg, unsigned int cpu, void (*fn)(unsigned int cpu));

/* ---- result lines ---------------------------------------------------------------------- */

/* Prints "PASS: what" or "FAIL: what: detail" and counts failures. */
int guest_check(int ok, const char *what, const char *detail_fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "<name>: N checks, M failed" and exits 0 if none failed, 1 otherwise. */
void guest_finish(const char *name) __attribute__((noreturn));

#endif
