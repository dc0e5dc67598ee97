/* runtime.c - guest start-up after start.S, exit (hypercall or power-off) and the
 * PASS/FAIL result lines of the test guests. */
#include <stdarg.h>
#include <stdio.h>
#include <guest/guest.h>
#include "internal.h"

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
	guest_arch_init();
	guest_fdt_init();
	guest_console_init();
	setvbuf(stdout, NULL, _IONBF, 0); /* one write() per printf: whole lines */
	if (guest_boot.hv && !guest_boot.hcall_ok)
		printf("guest: warning: hcall-instructions is not 0x%08lx; using it\n",
		       (unsigned long)GUEST_HCALL_INSN);
	if (guest_boot.tb_freq_dflt)
		printf("guest: warning: no timebase-frequency, assuming %lu Hz\n",
		       (unsigned long)guest_boot.tb_freq);
	guest_exit(main());
}

void guest_exit(int code)
{
	uint32_t st;

	if (atomic_add_return(&exiting, 1) != 1) /* second exit (another CPU, a fault) */
		for (;;)
			guest_relax();
	printf("exit %d\n", code);
	if (guest_boot.hv) {
		st = guest_hv_exit((uint32_t)code);
		printf("guest: BH_GUEST_EXIT failed: status %lu\n", (unsigned long)st);
		for (;;)
			guest_relax();
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
