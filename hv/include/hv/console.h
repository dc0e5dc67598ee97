/* console.h - the hypervisor console: the platform's console UART (the one the firmware names
 * for output, e.g. the device tree's stdout-path). */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct plat_uart;

/* A console UART driver, chosen by the platform UART's kind (enum plat_uart_kind). Register
 * accesses go through the accessor of the UART's I/O space (MMIO or port I/O). */
#define CONSOLE_NO_CHAR (-1) /* getc(): nothing waiting (a value, not an error) */

struct console_driver {
	unsigned int kind;                                              /* PLAT_UART_* it drives */
	int (*init)(const struct plat_uart *u, volatile uint8_t *mmio); /* mmio NULL: ports */
	void (*putc)(char c);
	int (*getc)(void); /* CONSOLE_NO_CHAR when nothing is waiting */
};

/* Set up the platform's console UART u; negative error if there is none or it is unusable. */
int console_init(const struct plat_uart *u);

/* Write whole lines (a newline is added if the last is missing; "\n" becomes "\r\n") in
 * one piece under the console lock, starting at column 0: an open shell line (prompt and
 * typed input) is closed first and shown again afterwards. Any CPU. */
void console_write(const char *buf, size_t len);

/* The shell's stream (prompt, echo, command output): may leave its line open. Only the CPU
 * running the shell. */
void console_shell_write(const char *buf, size_t len);

/* The attached partition's unfinished output line (label prefix included) as the open line:
 * shown now, only its new characters when it grew; the console_write() of the same line
 * with its newline later ends it in place. Ignored while the shell has a line open.
 * console_guest_close() ends it (closed with " \r\n") when the console is detached. */
void console_guest_open(const char *buf, size_t len);
void console_guest_close(void);

/* A report: the lines written between begin and end by this CPU go out with no other CPU's
 * line among them. Only around code that prints and takes no other lock (every lock may be
 * held by a CPU that is about to print). Nests. */
void console_report_begin(void);
void console_report_end(void);

/* A fatal report of this CPU (an exception in the hypervisor, then it parks): takes the
 * console even if this CPU already held it, or (after a bounded wait) another CPU that does
 * not let go; its messages bypass the shell's capture and the console level.
 * console_fatal_end() gives the console back for good. */
void console_fatal_begin(void);
void console_fatal_end(void);
int console_fatal(void); /* this CPU is writing a fatal report */

/* Next input character, or -1 if none is waiting. */
int console_getc(void);

/* printf to the console (through the message log, hv/include/hv/log.h): one call is one
 * console_write(). */
int hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
