/* ns16550.c - polled driver for 16550-compatible UARTs (register stride from reg-shift).
 * The baud rate is left as firmware (or the emulator) set it. */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/fdt_util.h>

#define UART_RBR	0	/* receive buffer (read) */
#define UART_THR	0	/* transmit holding (write) */
#define UART_LSR	5	/* line status */
#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */

static volatile uint8_t *base;
static unsigned int shift;

static volatile uint8_t *reg(unsigned int r)
{
	return base + (r << shift);
}

static int ns16550_init(void *regs, const void *fdt, int node)
{
	base = regs;
	shift = fdt_get_u32(fdt, node, "reg-shift", 0);
	return shift > 4 ? -1 : 0;
}

static void ns16550_putc(char c)
{
	while (!(arch_read8(reg(UART_LSR)) & LSR_THRE))
		arch_cpu_relax();
	arch_write8(reg(UART_THR), (uint8_t)c);
}

static int ns16550_getc(void)
{
	if (!(arch_read8(reg(UART_LSR)) & LSR_DR))
		return -1;
	return arch_read8(reg(UART_RBR));
}

static const char *const ns16550_compat[] = { "ns16550", "ns16550a", "ns8250", NULL };

const struct console_driver ns16550_driver = {
	.compatible = ns16550_compat,
	.init = ns16550_init,
	.putc = ns16550_putc,
	.getc = ns16550_getc,
};
