/* console.c - hypervisor console on the UART the hardware tree names in stdout-path. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/fdt_util.h>
#include <hv/log.h>


extern const struct console_driver ns16550_driver;

static const struct console_driver *const drivers[] = { &ns16550_driver };
static const struct console_driver *con;
static int con_node = -FDT_ERR_NOTFOUND;
static arch_spinlock_t con_lock;

static const struct console_driver *find_driver(const void *fdt, int node)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		for (const char *const *c = drivers[i]->compatible; *c; c++)
			if (fdt_node_is_compatible(fdt, node, *c))
				return drivers[i];
	return NULL;
}

int console_init(const void *fdt)
{
	int node = fdt_stdout_node(fdt);
	const struct console_driver *drv;
	struct fdt_region reg;
	void *regs;

	if (node < 0)
		return -ENODEV;
	drv = find_driver(fdt, node);
	if (!drv || fdt_reg_phys(fdt, node, 0, &reg))
		return -ENODEV;
	regs = arch_ioremap(reg.addr, reg.size);
	if (!regs || drv->init(regs, fdt, node))
		return -EIO;
	con = drv;
	con_node = node;
	return 0;
}

int console_node(void)
{
	return con_node;
}

static void lock(void)
{
	while (!arch_spin_trylock(&con_lock))
		arch_cpu_relax();
}

void console_write(const char *buf, size_t len)
{
	if (!con)
		return;
	lock();
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			con->putc('\r');
		con->putc(buf[i]);
	}
	arch_spin_unlock(&con_lock);
}

int console_getc(void)
{
	return con ? con->getc() : -1;
}

int hv_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vlog(LOG_INFO, fmt, ap);
	va_end(ap);
	return n;
}
