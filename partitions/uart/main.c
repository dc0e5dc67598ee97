/* uart - drives a 16550 UART the partition was given (the first ns16550 node of its tree
 * with an fsl,hv-device-handle), found and mapped through the device ABI: writes
 * "uart: hello from <name>" on it, then receives one line (polling) and answers
 * "uart: got <line>".
 * bootargs: irq=1 sends the greeting interrupt-driven: the UART's transmitter-empty
 * interrupt, delivered through the virtual PIC (EV_INT_SET_CONFIG/SET_MASK/IACK/EOI), feeds
 * it one character at a time. rx=irq (with irq=1) receives interrupt-driven too: the
 * received-data interrupt's handler drains the UART; the main loop never touches it while it
 * waits. (QEMU ppce500 wires both UARTs to MPIC source 42 without OR-ing them: console output
 * of the hypervisor lowers the line under a pending receive interrupt of UART1, so the test
 * sends input only while the console is quiet; docs/devices.md.)
 * claim=1: the UART is given on standby (claimable failover, docs/devices.md#failover): claim
 * it with FH_CLAIM_DEVICE before touching it, again every 10 ms while the call is refused
 * with EV_INVALID_STATE (its holder runs); prints "uart: claimable <state>, status <status>"
 * (the tree's fsl,hv-claimable and status), "uart: claim refused with status N" (the first
 * refusal) and "uart: claimed after N refusals".
 * go=1: before the greeting, print "uart: waiting for go" and wait (polling) for a line on
 * the UART; "uart: go" is printed after the greeting. The test sends it once the hypervisor's
 * console is quiet, and the guest prints nothing while its interrupt-driven greeting goes out
 * (see above: a console write lowers the shared line and a transmit interrupt raised under it
 * is lost).
 * Console lines: "uart: device handle H at 0x<addr>", "uart: greeting sent with N
 * interrupts", "uart: received '<line>'" (rx=irq: "... with N receive interrupts"). Exits 1
 * when no UART was given or a call failed. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/device.h>

#define UART_RBR 0    /* receive buffer / transmit holding (16550, DLAB = 0) */
#define UART_IER 1    /* interrupt enable: bit 1 = transmit holding register empty */
#define IER_RDI  0x01 /* received data available */
#define IER_THRI 0x02
#define UART_LCR 3
#define UART_LSR 5 /* line status: bit 0 data ready, bit 5 THR empty */
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define RX_MAX   64

static volatile uint8_t *uart;
static uint32_t irq_handle;
static volatile unsigned int nr_irqs;
static char line[RX_MAX];
static volatile unsigned int line_len;
static volatile int line_done;
static const char *tx_buf;
static volatile unsigned int tx_pos, tx_len;
static volatile unsigned int rx_irqs;
static int rx_irq;

static void uart_putc(char c)
{
	while (!(uart[UART_LSR] & LSR_THRE))
		;
	uart[UART_RBR] = (uint8_t)c;
}

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

/* Take whatever the UART holds into line[]. */
static void drain(void)
{
	while (uart[UART_LSR] & LSR_DR) {
		char c = (char)uart[UART_RBR];

		if (line_done)
			continue;
		if (c == '\n' || c == '\r')
			line_done = line_len > 0;
		else if (line_len < RX_MAX - 1)
			line[line_len++] = c;
	}
}

/* Transmitter empty: one more character, or the interrupt off after the last one. */
static void tx_more(void)
{
	if (tx_pos < tx_len && (uart[UART_LSR] & LSR_THRE))
		uart[UART_RBR] = (uint8_t)tx_buf[tx_pos++];
	else if (tx_pos == tx_len)
		uart[UART_IER] = 0;
}

/* External input: EV_INT_IACK says which; ours is served and ended with EV_INT_EOI. */
static void external(struct guest_frame *f)
{
	uint32_t vec;

	if (ev_int_iack(&vec) != EV_SUCCESS || vec == 0xffff)
		return;
	nr_irqs++;
	if (vec == irq_handle && rx_irq && (uart[UART_LSR] & LSR_DR)) {
		rx_irqs++;
		drain();
		if (line_done)
			uart[UART_IER] = 0;
	} else if (vec == irq_handle) {
		tx_more();
	}
	ev_int_eoi(vec);
}

/* The UART node's device handle, or -1. */
static int find_uart(void)
{
	const void *fdt = guest_boot.fdt;
	int node = -1, len;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "ns16550")) >= 0) {
		const fdt32_t *h = fdt_getprop(fdt, node, "fsl,hv-device-handle", &len);

		if (h && len == 4)
			return (int)fdt32_to_cpu(*h);
	}
	return -1;
}

static int setup_irq(uint32_t h)
{
	struct {
		struct bh_irq_info info;
		uint32_t handle[4];
	} q = { .info.argsz = sizeof(q) };
	uint32_t st = bh_device_get_irq_info(h, 0, &q.info, NULL);

	if (st != EV_SUCCESS || q.info.count < 1) {
		printf("uart: no interrupt (status %lu)\n", (unsigned long)st);
		return -1;
	}
	irq_handle = q.handle[0];
	guest_set_handler(4, external);
	st = ev_int_set_config(irq_handle, 0x3, 8, 0); /* level, active high, prio 8, vCPU 0 */
	if (st == EV_SUCCESS)
		st = ev_int_set_mask(irq_handle, 0);
	printf("uart: interrupt handle %lu, config status %lu\n", (unsigned long)irq_handle,
	       (unsigned long)st);
	guest_irq_enable();
	return st == EV_SUCCESS ? 0 : -1;
}

/* Interrupt-driven send: the first THRE interrupt comes as soon as it is enabled. */
static void send_irq(const char *s)
{
	tx_buf = s;
	tx_pos = 0;
	tx_len = (unsigned int)strlen(s);
	uart[UART_IER] = IER_THRI;
	while (tx_pos < tx_len || uart[UART_IER])
		;
	while (!(uart[UART_LSR] & LSR_THRE))
		;
}

/* claim=1: take the standby UART (handle h) once its holder has stopped. */
static int claim(int h)
{
	const void *fdt = guest_boot.fdt;
	int node = fdt_node_offset_by_prop_value(fdt, -1, "fsl,hv-device-handle",
						 &(fdt32_t){ cpu_to_fdt32((uint32_t)h) }, 4);
	const char *state = node >= 0 ? fdt_getprop(fdt, node, "fsl,hv-claimable", NULL) : NULL;
	const char *status = node >= 0 ? fdt_getprop(fdt, node, "status", NULL) : NULL;

	printf("uart: claimable %s, status %s\n", state ? state : "-", status ? status : "-");
	return guest_claim((uint32_t)h, "uart");
}

static void receive_line(void)
{
	line_len = 0;
	line_done = 0;
	rx_irqs = 0;
	if (rx_irq)
		uart[UART_IER] = IER_RDI; /* the handler drains; IER back to 0 at the end */
	while (!line_done)
		if (!rx_irq)
			drain();
	line[line_len] = 0;
}

int main(void)
{
	struct bh_region_info ri = { .argsz = sizeof(ri) };
	int h = find_uart(), use_irq = (int)guest_arg_u64("irq", 0);
	char rx[8] = "poll";
	uint64_t lines = guest_arg_u64("lines", 1);
	static char buf[RX_MAX + 32];

	if (h < 0 || bh_device_get_region_info((uint32_t)h, 0, &ri) != EV_SUCCESS) {
		printf("uart: no UART was given to this partition\n");
		return 1;
	}
	uart = guest_ioremap(ri.guest_addr, (uint32_t)ri.size, 0);
	printf("uart: device handle %d at 0x%llx\n", h, (unsigned long long)ri.guest_addr);
	if (guest_arg_u64("claim", 0) && claim(h))
		return 1;
	uart[UART_LCR] = 0x03; /* 8N1, DLAB = 0 */
	uart[UART_IER] = 0;
	drain();
	line_done = 0;
	line_len = 0;
	if (use_irq && setup_irq((uint32_t)h))
		return 1;
	guest_arg_str("rx", rx, sizeof(rx));
	rx_irq = use_irq && !strcmp(rx, "irq");
	if (guest_arg_u64("go", 0)) {
		printf("uart: waiting for go\n");
		while (!line_done)
			drain();
		line_done = 0;
		line_len = 0;
	}
	snprintf(buf, sizeof(buf), "uart: hello from %s\r\n", guest_boot.guest_name);
	if (use_irq) /* nothing on the console meanwhile: docs/devices.md, UART interrupts */
		send_irq(buf);
	else
		uart_puts(buf);
	if (guest_arg_u64("go", 0))
		printf("uart: go\n");
	if (use_irq)
		printf("uart: greeting sent with %u interrupts\n", nr_irqs);
	printf("uart: waiting for input\n");
	for (uint64_t k = 0; k < lines; k++) {
		receive_line();
		if (rx_irq)
			printf("uart: received '%s' with %u receive interrupts\n", line, rx_irqs);
		else
			printf("uart: received '%s'\n", line);
		snprintf(buf, sizeof(buf), "uart: got %s\n", line);
		uart_puts(buf);
	}
	return 0;
}
