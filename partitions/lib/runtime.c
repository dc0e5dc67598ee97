/* runtime.c - guest start-up after start.S, exit (hypercall or power-off) and the
 * PASS/FAIL result lines of the test guests. */
#include <stdarg.h>
#include <stdio.h>
#include <libfdt.h>
#include <guest/guest.h>
#include "internal.h"

#define GPIO_GPDIR 0x00 /* direction: 1 = output; pin 0 is the MSB */
#define GPIO_GPDAT 0x08 /* data */
#define GPIO_PIN0  0x80000000u

struct guest_boot guest_boot;

static unsigned int checks, failures;
static volatile uint32_t exiting;

int main(void);

/* C entry from start.S on the boot CPU: stack and BSS ready, MSR as the loader left it. */
void guest_start(const void *fdt, uint32_t magic, uint32_t ima_size)
{
	guest_boot.fdt = fdt;
	guest_boot.epapr_magic = magic;
	guest_boot.ima_size = ima_size;
	guest_vectors_init();
	guest_tlb_init();
	guest_fdt_init();
	guest_console_init();
	setvbuf(stdout, NULL, _IONBF, 0); /* one write() per printf: whole lines */
	if (guest_boot.hv && !guest_boot.hcall_ok)
		printf("guest: warning: hcall-instructions is not \"sc 1\"; using sc 1\n");
	if (guest_boot.tb_freq_dflt)
		printf("guest: warning: no timebase-frequency, assuming %lu Hz\n",
		       (unsigned long)guest_boot.tb_freq);
	guest_exit(main());
}

/* QEMU ppce500 powers off when GPIO pin 0 goes high (its "gpio-poweroff" node carries no
 * gpios property, so use pin 0 of the first QorIQ GPIO controller). */
void guest_poweroff(void)
{
	const void *fdt = guest_boot.fdt;
	int node =
		guest_boot.fdt_ok ? fdt_node_offset_by_compatible(fdt, -1, "fsl,qoriq-gpio") : -1;
	uint64_t pa, size;
	volatile uint32_t *gpio;

	if (node >= 0 && !guest_fdt_reg(node, 0, &pa, &size)) {
		gpio = guest_ioremap(pa, 0x10, 0);
		if (gpio) {
			gpio[GPIO_GPDIR / 4] = GPIO_PIN0;
			__asm__ volatile("mbar" ::: "memory");
			gpio[GPIO_GPDAT / 4] = GPIO_PIN0;
			__asm__ volatile("mbar" ::: "memory");
		}
	}
	for (;;)
		__asm__ volatile("or 1,1,1");
}

void guest_exit(int code)
{
	uint32_t st;

	if (atomic_add_return(&exiting, 1) != 1) /* second exit (another CPU, a fault) */
		for (;;)
			__asm__ volatile("or 1,1,1");
	printf("exit %d\n", code);
	if (guest_boot.hv) {
		st = guest_hv_exit((uint32_t)code);
		printf("guest: BH_GUEST_EXIT failed: status %lu\n", (unsigned long)st);
		for (;;)
			__asm__ volatile("or 1,1,1");
	}
	guest_poweroff();
}

int guest_check(int ok, const char *what, const char *detail_fmt, ...)
{
	char detail[160] = "";
	va_list ap;

	checks++;
	if (ok) {
		printf("PASS: %s\n", what);
		return 1;
	}
	failures++;
	if (detail_fmt) {
		va_start(ap, detail_fmt);
		vsnprintf(detail, sizeof(detail), detail_fmt, ap);
		va_end(ap);
	}
	printf("FAIL: %s: %s\n", what, detail);
	return 0;
}

void guest_finish(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, checks, failures);
	guest_exit(failures ? 1 : 0);
}
