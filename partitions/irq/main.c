/* irq - x86 only (GUEST_ONLY of arch/x86/arch.mk): the virtual PIC's interrupt with the vCPU
 * halted (docs/x86.md, "Interrupts"). The receive interrupt of its console byte channel (the
 * first cell of that node's "interrupts") is routed to vCPU 0 and unmasked; each interrupt
 * arrives at vector 0x20, is taken with EV_INT_IACK, its bytes read with
 * EV_BYTE_CHANNEL_RECEIVE, and ended with EV_INT_EOI; each line typed on the console comes back
 * as "irq: got <line> (N interrupts)". Between interrupts the guest halts (HLT), so nothing
 * but an interrupt brings it back. */
#include <stdio.h>
#include <libfdt.h>
#include <guest/device.h>

#define LINE_MAX_LEN 64

static uint32_t rx_handle, channel;
static volatile uint32_t taken;
static char line[LINE_MAX_LEN + 1];
static uint32_t used;

/* The pending bytes, a line printed at each end of line. */
static void take_bytes(void)
{
	uint8_t b[EV_BYTE_CHANNEL_MAX_BYTES];
	uint32_t got;

	while (bc_receive(channel, b, sizeof(b), &got) == EV_SUCCESS && got) {
		for (uint32_t i = 0; i < got; i++) {
			char ch = (char)b[i];

			if (ch == '\r' || ch == '\n') {
				line[used] = 0;
				if (used)
					printf("irq: got %s (%lu interrupts)\n", line,
					       (unsigned long)taken);
				used = 0;
			} else if (used < LINE_MAX_LEN) {
				line[used++] = ch;
			}
		}
	}
}

static void external(void)
{
	uint32_t vec;

	while (ev_int_iack(&vec) == EV_SUCCESS && vec != 0xffff) {
		taken++;
		if (vec == rx_handle)
			take_bytes();
		ev_int_eoi(vec);
	}
}

int main(void)
{
	const void *fdt = guest_boot.fdt;
	const char *path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", NULL);
	int node = path ? fdt_path_offset(fdt, path) : -1;

	rx_handle = node < 0 ? ~0u : guest_fdt_u32(node, "interrupts", ~0u);
	channel = node < 0 ? ~0u : guest_fdt_u32(node, "reg", ~0u);
	if (rx_handle == ~0u || channel == ~0u) {
		printf("irq: the console channel has no interrupts\n");
		return 1;
	}
	guest_set_irq_handler(external);
	if (ev_int_set_config(rx_handle, 0, 15, 0) != EV_SUCCESS ||
	    ev_int_set_mask(rx_handle, 0) != EV_SUCCESS) {
		printf("irq: cannot configure the receive interrupt\n");
		return 1;
	}
	printf("irq: ready, receive interrupt %lu\n", (unsigned long)rx_handle);
	for (;;)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}
