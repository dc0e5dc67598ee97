/* console.c - the guest console: the byte channel /chosen/stdout-path names when running
 * under a hypervisor, else the ns16550 UART it names (polled, mapped with a TLB1 entry).
 * Output from several CPUs is serialised by a lock that the owning CPU may re-take (an
 * exception handler printing while its CPU is inside a write). */
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>
#include "internal.h"

#define UART_RBR 0    /* receive buffer */
#define UART_THR 0    /* transmit holding */
#define UART_LSR 5    /* line status */
#define LSR_DR   0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

enum cons_kind { CONS_NONE, CONS_UART, CONS_BC };

/* The selected console. */
static struct {
	enum cons_kind kind;
	volatile uint8_t *uart; /* mapped UART registers */
	uint32_t shift;         /* reg-shift: register stride 1 << shift */
	uint32_t handle;        /* byte channel handle */
} cons;

/* Console lock: 0 = free, else owner CPU + 1; depth counts nested takes by the owner. */
static volatile uint32_t cons_owner;
static unsigned int cons_depth;

int guest_console_handle(void)
{
	return cons.kind == CONS_BC ? (int)cons.handle : -1;
}

static void cons_lock(void)
{
	uint32_t me = guest_cpu_id() + 1;

	if (cons_owner == me) {
		cons_depth++;
		return;
	}
	while (!guest_lock_try(&cons_owner, me))
		guest_relax();
	cons_depth = 1;
}

static void cons_unlock(void)
{
	if (--cons_depth)
		return;
	guest_unlock_store(&cons_owner, 0);
}

/* UART registers are mapped uncached (guest_ioremap): guest_io_wmb() orders the stores. */
static uint8_t uart_in(unsigned int reg)
{
	return cons.uart[reg << cons.shift];
}

static void uart_out(unsigned int reg, uint8_t v)
{
	cons.uart[reg << cons.shift] = v;
	guest_io_wmb();
}

static void uart_putc(char c)
{
	while (!(uart_in(UART_LSR) & LSR_THRE))
		;
	uart_out(UART_THR, (uint8_t)c);
}

static void uart_write(const char *buf, size_t len)
{
	while (len--) {
		if (*buf == '\n')
			uart_putc('\r');
		uart_putc(*buf++);
	}
}

void guest_console_write(const char *buf, size_t len)
{
	cons_lock();
	if (cons.kind == CONS_UART)
		uart_write(buf, len);
	else if (cons.kind == CONS_BC)
		bc_write_all(cons.handle, buf, len);
	cons_unlock();
}

void guest_puts(const char *s)
{
	guest_console_write(s, strlen(s));
}

int guest_console_getc(void)
{
	uint8_t c;
	uint32_t got;

	if (cons.kind == CONS_UART)
		return uart_in(UART_LSR) & LSR_DR ? uart_in(UART_RBR) : -1;
	if (cons.kind == CONS_BC && bc_receive(cons.handle, &c, 1, &got) == EV_SUCCESS && got)
		return c;
	return -1;
}

static int uart_init(int node)
{
	uint64_t pa, size;

	if (guest_fdt_reg(node, 0, &pa, &size))
		return -1;
	cons.uart = guest_ioremap(pa, size ? (uint32_t)size : 8, 1);
	if (!cons.uart)
		return -1;
	cons.shift = guest_fdt_u32(node, "reg-shift", 0);
	cons.kind = CONS_UART;
	return 0;
}

/* /chosen/stdout-path (or linux,stdout-path), without ":options" (ePAPR 1.1, /chosen). */
static int stdout_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path, *colon;

	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", NULL);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", NULL);
	if (!path)
		return -1;
	colon = strchr(path, ':');
	return fdt_path_offset_namelen(fdt, path, colon ? (int)(colon - path) : (int)strlen(path));
}

void guest_console_init(void)
{
	const void *fdt = guest_boot.fdt;
	int node;

	if (!guest_boot.fdt_ok)
		return;
	node = stdout_node(fdt);
	if (node < 0)
		return;
	if (guest_boot.hv && !fdt_node_check_compatible(fdt, node, "epapr,hv-byte-channel")) {
		cons.handle = guest_fdt_u32(node, "reg", 0);
		cons.kind = CONS_BC;
		return;
	}
	if (!fdt_node_check_compatible(fdt, node, "ns16550") ||
	    !fdt_node_check_compatible(fdt, node, "ns16550a"))
		uart_init(node);
}
