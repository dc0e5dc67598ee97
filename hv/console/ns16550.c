/* ns16550.c - polled driver for 16550-compatible UARTs, memory-mapped (register stride from
 * the platform's reg_shift) or in port-I/O space. The baud rate is left as firmware (or the
 * emulator) set it. */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/platform.h>

#define UART_RBR 0    /* receive buffer (read) */
#define UART_THR 0    /* transmit holding (write) */
#define UART_FCR 2    /* FIFO control (write) */
#define FCR_FIFO 0xc7 /* FIFOs on, both cleared, receive trigger level 14 */
#define UART_LSR 5    /* line status */
#define LSR_DR   0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

static volatile uint8_t *base; /* MMIO mapping; NULL: port I/O at port */
static uint16_t port;
static unsigned int shift;

static uint8_t rd(unsigned int r)
{
	if (!base)
		return arch_port_read8((uint16_t)(port + r));
	return arch_read8(base + (r << shift));
}

static void wr(unsigned int r, uint8_t v)
{
	if (!base)
		arch_port_write8((uint16_t)(port + r), v);
	else
		arch_write8(base + (r << shift), v);
}

static int ns16550_init(const struct plat_uart *u, volatile uint8_t *mmio)
{
	base = mmio;
	port = (uint16_t)u->base;
	shift = u->reg_shift;
	if (shift > 4)
		return -HV_EINVAL; /* a register stride this driver does not know */
	/* 16550 FIFOs on: input (a paste, gdb's packets) arrives up to 14 characters per poll
	 * instead of one. QEMU's UART takes characters from its host side only while there is
	 * room below the trigger level, and only when its main loop wakes, which nothing but
	 * console output does promptly: one character per wake-up made an 804-byte gdb packet
	 * take 20 s (docs/reliability.md L7). The trigger level only matters for interrupts,
	 * which stay off (IER is not touched). */
	wr(UART_FCR, FCR_FIFO);
	return 0;
}

static void ns16550_putc(char c)
{
	while (!(rd(UART_LSR) & LSR_THRE))
		arch_cpu_relax();
	wr(UART_THR, (uint8_t)c);
}

static int ns16550_getc(void)
{
	if (!(rd(UART_LSR) & LSR_DR))
		return CONSOLE_NO_CHAR;
	return rd(UART_RBR);
}

const struct console_driver ns16550_driver = {
	.kind = PLAT_UART_NS16550,
	.init = ns16550_init,
	.putc = ns16550_putc,
	.getc = ns16550_getc,
};
