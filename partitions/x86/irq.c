/* irq (x86) - the virtual PIC on x86 (docs/x86.md): the receive interrupt of its console
 * byte channel (the first cell of that node's "interrupts") is routed to vCPU 0 and unmasked
 * with EV_INT_SET_CONFIG and EV_INT_SET_MASK. Each interrupt arrives at vector 0x20, is taken
 * with EV_INT_IACK, its bytes read with EV_BYTE_CHANNEL_RECEIVE, and ended with EV_INT_EOI;
 * each line typed on the console comes back as "irq: got <line> (N interrupts)". Between
 * interrupts the guest halts (HLT), so nothing but the interrupt brings it back. */
#include <stdint.h>
#include <bulkhead/errors.h>
#include <bulkhead/hcall.h>
#include "lib/runtime.h"

#define LINE_MAX 64

static uint32_t rx_handle, channel;
static volatile uint32_t taken;
static char line[LINE_MAX + 1];
static uint32_t used;

static uint32_t hcall(uint32_t token, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t r[6] = { a, b, c, d, 0, 0 };

	return x86_hcall(token, r);
}

/* The bytes EV_BYTE_CHANNEL_RECEIVE returns in EDX, ESI, EDI, EBP (first byte most
 * significant); a whole line is printed. */
static void take_bytes(void)
{
	for (;;) {
		uint32_t r[6] = { channel, 16, 0, 0, 0, 0 };

		if (x86_hcall(EV_BYTE_CHANNEL_RECEIVE, r) != EV_SUCCESS || !r[1] || r[1] > 16)
			return;
		for (uint32_t i = 0; i < r[1]; i++) {
			char ch = (char)(r[2 + i / 4] >> (24 - 8 * (i % 4)));

			if (ch == '\r' || ch == '\n') {
				line[used] = 0;
				if (used) {
					guest_puts("irq: got ");
					guest_puts(line);
					guest_puts(" (");
					guest_put_dec(taken);
					guest_puts(" interrupts)\n");
				}
				used = 0;
			} else if (used < LINE_MAX) {
				line[used++] = ch;
			}
		}
	}
}

void guest_irq(void)
{
	uint32_t r[6] = { 0, 0, 0, 0, 0, 0 };

	if (x86_hcall(EV_INT_IACK, r) != EV_SUCCESS || r[1] == 0xffff)
		return; /* spurious: nothing pending any more */
	taken++;
	if (r[1] == rx_handle)
		take_bytes();
	hcall(EV_INT_EOI, r[1], 0, 0, 0);
}

void guest_main(const void *fdt)
{
	uint32_t len;
	const char *path;
	const uint8_t *irqs;

	guest_init(fdt);
	path = guest_prop("/chosen", "stdout-path", &len);
	irqs = path ? guest_prop(path, "interrupts", &len) : 0;
	if (!irqs || len < 8) {
		guest_puts("irq: the console channel has no interrupts\n");
		return;
	}
	rx_handle = be32(irqs);
	channel = be32(guest_prop(path, "reg", &len));
	x86_irq_init();
	if (hcall(EV_INT_SET_CONFIG, rx_handle, 0, 15, 0) != EV_SUCCESS ||
	    hcall(EV_INT_SET_MASK, rx_handle, 0, 0, 0) != EV_SUCCESS) {
		guest_puts("irq: cannot configure the receive interrupt\n");
		return;
	}
	guest_puts("irq: ready, receive interrupt ");
	guest_put_dec(rx_handle);
	guest_puts("\n");
	for (;;)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}
