/* priv.h - internals shared by the hv/gdb_*.c files: the stub of one gdb-stub node, its
 * breakpoints and the per-vCPU halt state (docs/gdb.md). */
#ifndef HV_GDB_PRIV_H
#define HV_GDB_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/arch.h>
#include <hv/byte_chan.h>
#include <hv/config.h>
#include <hv/gdb.h>
#include <hv/partition.h>

/* Longest packet taken from gdb (qSupported PacketSize): a 'G' (585 bytes on e500) fits, and
 * with its framing it fits the channel's ring (BC_RING_SIZE), which takes the shell's input. */
#define GDB_PKT_MAX  640
#define GDB_OUT_MAX  1152 /* longest packet sent: "$", payload, "#cs" */
#define GDB_BP_MAX   32   /* software breakpoints of one stub */
#define GDB_HWBP_MAX 2    /* hardware breakpoints of one stub (e500mc: IAC1, IAC2) */
#define GDB_STUB_MAX CFG_MAX_GDB_STUBS
#define GDB_SIGINT   2
#define GDB_SIGTRAP  5

/* What a breakpoint is for: gdb's Z0, a single step's, vCPU 0's first instruction. */
enum gdb_bp_kind {
	BP_FREE = 0,
	BP_USER,
	BP_STEP,
	BP_START,
};

/* One software breakpoint: the guest word at gpa (va in the guest's translation when it was
 * set) replaced by the architecture's trap instruction; orig is what was there. */
struct gdb_bp {
	enum gdb_bp_kind kind;
	uint64_t va, gpa;
	size_t len;
	uint8_t orig[8];
};

/* One hardware breakpoint (gdb/hwbp.c): an instruction address, nothing written. */
struct gdb_hwbp {
	bool used;
	uint64_t va;
};

/* Receive state of the packet framing ($data#cs). */
enum gdb_rx_state {
	RX_IDLE,
	RX_DATA,
	RX_CK1,
	RX_CK2,
};

/* The stub of one gdb-stub node. The console CPU (gdb_poll) runs everything but the
 * breakpoint lookup of gdb_trap_hit(), which any vCPU of the partition does under bp_lock;
 * breakpoints change only while every vCPU is halted, or under bp_lock. */
struct gdb_stub {
	const struct cfg_gdb_stub *cfg;
	struct partition *part;
	unsigned int first, count; /* its threads: vCPUs first .. first + count - 1 */
	struct byte_chan chan;     /* gdb's bytes (the shell's attached input) */
	enum gdb_rx_state rx_state;
	size_t rx_len;
	bool rx_overflow; /* the packet being received is too long: NAK it */
	uint8_t rx_sum, rx_ck;
	char rx[GDB_PKT_MAX + 1];
	char out[GDB_OUT_MAX]; /* the reply being built (payload) */
	size_t out_len;
	bool out_full;               /* it did not fit: an error reply is sent instead */
	char last[GDB_OUT_MAX + 4];  /* the last packet sent, for a NAK's resend */
	char line[GDB_OUT_MAX + 32]; /* the console line being written */
	bool ack;                    /* a '+' goes before the next packet sent */
	bool running;                /* after c or s: a stop reply is owed */
	bool stopped;                /* every vCPU held by the stub */
	int gthread, cthread;        /* Hg, Hc: vCPU index, -1 = any */
	int stop_sig, stop_vcpu;     /* the last stop, for '?' */
	uint64_t start_time;         /* the partition's start this stub saw */
	arch_spinlock_t bp_lock;
	struct gdb_bp bp[GDB_BP_MAX];
	struct gdb_hwbp hw[GDB_HWBP_MAX]; /* changed only while stopped (or cleared) */
};

/* gdb/stub.c */
struct gdb_stub *gdb_stub_at(int i);    /* NULL past the last */
void gdb_send(struct gdb_stub *s);      /* s->out as a packet, after a pending ack */
void gdb_resend(struct gdb_stub *s);    /* the last packet again (gdb's NAK) */
void gdb_ack_flush(struct gdb_stub *s); /* a pending '+' alone (no reply yet) */
void gdb_nak(struct gdb_stub *s);       /* '-': the packet was damaged, send it again */
void gdb_out(struct gdb_stub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gdb_out_hex(struct gdb_stub *s, const uint8_t *d, size_t n);

/* gdb/packet.c */
void gdb_rx_byte(struct gdb_stub *s, uint8_t b);
#define GDB_NOT_HEX (-1) /* gdb_hex_val(): not a hex digit (a value, not an error) */
int gdb_hex_val(char c); /* 0..15, or GDB_NOT_HEX */
int gdb_hex_decode(const char *h, size_t n, uint8_t *out); /* 2n digits; 0 or -HV_EINVAL */
/* Parse a hex number at *p up to a stop character (or the end); advances *p. 0 or -HV_EINVAL. */
int gdb_parse_hex(const char **p, uint64_t *v);

/* gdb/cmds.c: one complete, checksummed packet (NUL-terminated). */
void gdb_handle(struct gdb_stub *s, char *pkt, size_t len);
void gdb_stop_reply(struct gdb_stub *s);

/* gdb/query.c: a 'q' packet (q without its 'q'). */
void gdb_query(struct gdb_stub *s, const char *q);

/* gdb/run.c: halting and resuming the partition's vCPUs. */
struct vcpu *gdb_thread_vcpu(struct gdb_stub *s, int idx);        /* NULL if not ours */
struct trap_frame *gdb_frame(struct gdb_stub *s, struct vcpu *v); /* NULL: not held */
void gdb_halt_all(struct gdb_stub *s);
void gdb_resume(struct gdb_stub *s, int step_vcpu); /* -1: all vCPUs continue */
void gdb_check_stop(struct gdb_stub *s);
void gdb_interrupt(struct gdb_stub *s); /* gdb's Ctrl-C */
void gdb_detach(struct gdb_stub *s);
void gdb_hold_hit(struct vcpu *v); /* v's CPU: v met a breakpoint, halt it (and report) */

/* gdb/mem.c: guest memory through v's translation; breakpoints. */
int gdb_mem_read(struct vcpu *v, uint64_t va, uint8_t *buf, size_t len);
int gdb_mem_write(struct vcpu *v, uint64_t va, const uint8_t *buf, size_t len);
int gdb_bp_insert(struct gdb_stub *s, struct vcpu *v, uint64_t va, enum gdb_bp_kind kind);
int gdb_bp_remove(struct gdb_stub *s, uint64_t va, enum gdb_bp_kind kind);
void gdb_bp_remove_kind(struct gdb_stub *s, enum gdb_bp_kind kind); /* BP_FREE: all */
void gdb_bp_forget(struct gdb_stub *s);          /* the partition was reloaded: drop, not restore */
bool gdb_bp_at(struct gdb_stub *s, uint64_t va); /* any vCPU: a breakpoint of s at va? */

/* gdb/hwbp.c: hardware breakpoints (Z1); v: the vCPU gdb works on (the hwbp-soft mutant). */
int gdb_hw_insert(struct gdb_stub *s, struct vcpu *v, uint64_t va); /* -HV_EBUSY unless stopped */
int gdb_hw_remove(struct gdb_stub *s, struct vcpu *v, uint64_t va);
void gdb_hw_clear(struct gdb_stub *s);

#endif
