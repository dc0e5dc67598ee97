/* gdb.h - the GDB remote-protocol stub of a partition (gdb-stub config nodes, docs/gdb.md):
 * the core's entry points, and the hooks each architecture implements (arch/<arch>/gdb_*.c)
 * for the register layout, address translation and single step. */
#ifndef HV_GDB_H
#define HV_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;
struct partition;
struct trap_frame;
struct byte_chan;

/* ---- core (hv/gdb_*.c) ---- */

/* Console CPU, after shell_poll(): take gdb's bytes, report stops. */
void gdb_poll(void);

/* v's CPU is about to enter v's guest context for the first time since a start: with
 * gdb-wait-at-start, vCPU 0's first instruction becomes a breakpoint. */
void gdb_vcpu_entering(struct vcpu *v);

/* A trap instruction at pc stopped v (the architecture's trap exception): true if it is one
 * of the stub's breakpoints (v then halts at gdb_vcpu_exit()), false if it is the guest's. */
bool gdb_trap_hit(struct vcpu *v, uint64_t pc);

/* End of every guest exit on v's CPU, before interrupts are delivered: while the stub holds
 * v halted, v waits here with its state in tf (the stub reads and writes it). True if v was
 * held: the stub may have changed breakpoints, so the caller drops v's cached translations.
 * On the hot path of every exit, so the common case is one load: gdb_holds_asked is set
 * (for good) the first time any stub asks any vCPU to hold. */
extern volatile bool gdb_holds_asked;
bool gdb_vcpu_hold(struct vcpu *v, struct trap_frame *tf);

static inline bool gdb_vcpu_exit(struct vcpu *v, struct trap_frame *tf)
{
	return gdb_holds_asked && gdb_vcpu_hold(v, tf);
}

/* Hardware breakpoints (gdb's Z1, docs/gdb.md), for the architecture's instruction-fetch
 * path: gdb_hw_any() is one load; gdb_hw_bp_in(): does guest virtual [va, va + len) of v's
 * partition hold one (fetches there must trap); gdb_hw_hit(): v fetched at pc, true if that
 * is one (v then halts at gdb_vcpu_exit()). */
extern volatile unsigned int gdb_hw_nr;
static inline bool gdb_hw_any(void)
{
	return gdb_hw_nr != 0;
}
bool gdb_hw_bp_in(struct vcpu *v, uint64_t va, uint64_t len);
bool gdb_hw_hit(struct vcpu *v, uint64_t pc);

/* The shell's "gdb P [N]": the console input goes to P's stub (the N-th, default the first)
 * until Ctrl-]; *chan is the byte channel to attach, *mux_channel its number. 0, -HV_ENOENT. */
int gdb_attach(struct partition *p, unsigned int n, struct byte_chan **chan,
	       unsigned int *mux_channel);

/* ---- architecture hooks (arch/<arch>/gdb_*.c) ---- */

#define GDB_REGS_MAX 512 /* bytes of the largest 'g' packet any architecture sends */

/* Bytes of the 'g' packet (all registers, target byte order). */
size_t gdb_arch_regs_size(void);

/* Register regno of gdb's numbering: its offset and size inside the 'g' bytes; -1 if none. */
int gdb_arch_reg_slot(unsigned int regno, size_t *offset, size_t *size);

/* v's registers (tf: its saved frame) to and from the 'g' layout; a write changes only what
 * the guest may change (read-only registers keep their value). */
void gdb_arch_read_regs(const struct vcpu *v, const struct trap_frame *tf, uint8_t *buf);
void gdb_arch_write_regs(struct vcpu *v, struct trap_frame *tf, const uint8_t *buf);

/* The saved state of v while it is out of guest context (stopped, not yet started). */
struct trap_frame *gdb_arch_frame(struct vcpu *v);

/* The guest pc in v's saved frame. */
uint64_t gdb_arch_pc(const struct trap_frame *tf);
/* Resume at pc ('c addr', 's addr'): set the frame's program counter. */
void gdb_arch_set_pc(struct trap_frame *tf, uint64_t pc);

/* Guest virtual va of v (instruction or data side) to guest physical; *room: bytes from gpa
 * to the end of the translation's page. 0, or -HV_EFAULT when v's TLB has no translation. */
int gdb_arch_translate(struct vcpu *v, uint64_t va, bool insn, uint64_t *gpa, uint64_t *room);

/* The software breakpoint instruction (target byte order) and its length; 0: none (Z0 is
 * refused). */
size_t gdb_arch_break_insn(uint8_t *insn);

/* Make len bytes just written at guest physical gpa of p visible to instruction fetch. */
void gdb_arch_sync_icache(struct partition *p, uint64_t gpa, size_t len);

/* Where v may go after the instruction at its pc (tf): up to 2 addresses; the count. */
int gdb_arch_next_pcs(struct vcpu *v, const struct trap_frame *tf, uint64_t pcs[2]);

/* Hardware breakpoints the architecture's fetch path watches (gdb_hw_bp_in()): at most
 * GDB_HWBP_MAX; 0 if it has no such path (Z1 then gets the empty reply: unsupported). */
unsigned int gdb_arch_hw_breakpoints(void);

/* The target description gdb gets for qXfer:features:read:target.xml. */
const char *gdb_arch_target_xml(void);

#endif
