/* byte_chan.h - ePAPR byte channels: partition <-> partition pipes and partition consoles
 * multiplexed on the hypervisor's UART. */
#ifndef HV_BYTE_CHAN_H
#define HV_BYTE_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <hv/arch.h>
#include <hv/config.h>
#include <hv/handle.h>

struct vpic_irq;

#define BC_RING_SIZE 1024
#define BC_LINE_MAX  160
#define BC_MAX       32

/* Bytes waiting to be received by the channel's owner. head and tail count modulo
 * 2 * BC_RING_SIZE, so that a full ring (BC_RING_SIZE bytes) differs from an empty one. */
struct bc_ring {
	uint8_t buf[BC_RING_SIZE];
	uint32_t head, tail; /* head: next write, tail: next read */
};

/* One end of a byte channel. peer is the other end, or NULL when the channel is a console
 * on the multiplexed UART (mux_channel >= 0). The fields above lock are set at boot and
 * only read afterwards; lock guards the ones below it. Every vCPU of the owner, the peer's
 * vCPUs and the shell can use one end at once. */
struct byte_chan {
	struct handle handle;
	struct partition *owner; /* NULL: the hypervisor's */
	struct byte_chan *peer;
	int mux_channel;
	int cfg_index;
	struct vpic_irq *rx_irq;  /* owner's vPIC level sources (NULL: the hypervisor's end): */
	struct vpic_irq *tx_irq;  /* rx = bytes waiting, tx = room to send (ePAPR 1.1, 6.1) */
	int rx_handle, tx_handle; /* their handle numbers in the owner's table */
	arch_spinlock_t lock;
	struct bc_ring rx;      /* bytes for the owner (the peer's sends, "console P") */
	volatile bool attached; /* its console is the shell's input ("console P") */
	size_t line_len;        /* <= BC_LINE_MAX */
	char line[BC_LINE_MAX]; /* console output not yet terminated by a newline */
};

/* Give c's owner p its rx and tx interrupts (vPIC level sources); 0 or a negative hv code. */
int byte_chan_irqs_create(struct byte_chan *c, struct partition *p);

/* The handle of p's console byte channel (its config's aliases/stdout), or -1. */
int byte_chan_stdout_handle(const struct partition *p);

/* The channel built for config byte channel cfg_index, or NULL. */
struct byte_chan *byte_chan_of_cfg(int cfg_index);

/* The shell's input goes to c's owner ("console P") or no longer: while it does, c's
 * unfinished console line is shown as the console's open line (console_guest_open()). */
void byte_chan_attach(struct byte_chan *c, bool on);

/* Send up to len bytes from c's owner; returns bytes taken (0: peer full). */
size_t byte_chan_send(struct byte_chan *c, const uint8_t *data, size_t len);

/* Receive up to len bytes for c's owner; returns bytes copied. */
size_t byte_chan_receive(struct byte_chan *c, uint8_t *data, size_t len);

/* Put len bytes into c's receive ring as if its peer had sent them (the shell's "console P"
 * forwards UART input this way); returns bytes taken (0: ring full). */
size_t byte_chan_inject(struct byte_chan *c, const uint8_t *data, size_t len);

/* Bytes waiting for c's owner, and room to send. */
size_t byte_chan_rx_count(struct byte_chan *c);
size_t byte_chan_tx_space(struct byte_chan *c);

#endif
