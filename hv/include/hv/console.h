/* console.h - the hypervisor console: the UART named by the hardware tree's stdout-path. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* A console UART driver, chosen by the "compatible" of the stdout node. */
struct console_driver {
	const char *const *compatible;	/* NULL-terminated list */
	int (*init)(void *regs, const void *fdt, int node);
	void (*putc)(char c);
	int (*getc)(void);		/* -1 when nothing is waiting */
};

/* Find and set up the console from /chosen/stdout-path; negative error if there is none. */
int console_init(const void *fdt);

/* Node offset of the console UART in the hardware tree (after console_init). */
int console_node(void);

/* Write len bytes ("\n" becomes "\r\n"), whole, under the console lock. */
void console_write(const char *buf, size_t len);

/* Next input character, or -1 if none is waiting. */
int console_getc(void);

/* printf to the console; output of concurrent CPUs is not interleaved within a call. */
int hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
