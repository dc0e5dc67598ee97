/* arch.c - the e500mc entry points of the portable runtime: the hypercall instruction
 * (ePAPR 1.1 hypercall ABI: token in r11, arguments in r3..r10, status in r3, results in
 * r4..r10; volatile registers clobbered as for a function call), the boot CPU's set-up and
 * QEMU ppce500's power-off for a bare run. */
#include <libfdt.h>
#include <guest/guest.h>
#include "../internal.h"

#define GPIO_GPDIR 0x00 /* direction: 1 = output; pin 0 is the MSB */
#define GPIO_GPDAT 0x08 /* data */
#define GPIO_PIN0  0x80000000u

void guest_tlb_init(void);

uint32_t hcall(uint32_t token, uint32_t r[8])
{
	register uint32_t r3 __asm__("r3") = r[0];
	register uint32_t r4 __asm__("r4") = r[1];
	register uint32_t r5 __asm__("r5") = r[2];
	register uint32_t r6 __asm__("r6") = r[3];
	register uint32_t r7 __asm__("r7") = r[4];
	register uint32_t r8 __asm__("r8") = r[5];
	register uint32_t r9 __asm__("r9") = r[6];
	register uint32_t r10 __asm__("r10") = r[7];
	register uint32_t r11 __asm__("r11") = token;

	__asm__ volatile(".long 0x44000022" /* sc 1 */
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r11)
			 :
			 : "r0", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
	r[0] = r3;
	r[1] = r4;
	r[2] = r5;
	r[3] = r6;
	r[4] = r7;
	r[5] = r8;
	r[6] = r9;
	r[7] = r10;
	return r3;
}

/* Book E: the watchdog is fed by writing 1 to TSR[ENW] and TSR[WIS] (E500MCRM 2.8.3). */
void guest_watchdog_feed(void)
{
	mtspr(SPRN_TSR, TSR_ENW | TSR_WIS);
}

void guest_arch_init(void)
{
	guest_vectors_init();
	guest_tlb_init();
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
			guest_io_wmb();
			gpio[GPIO_GPDAT / 4] = GPIO_PIN0;
			guest_io_wmb();
		}
	}
	for (;;)
		guest_relax();
}
