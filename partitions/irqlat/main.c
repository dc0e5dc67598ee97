/* irqlat - bench P8 (docs/benchmarks.md, bench/irqpath.py): a device interrupt on its way from
 * the device to the guest's handler. QEMU's edu device (level INTx) is given to the partition;
 * edu_raise() stores to edu's interrupt-raise register, and the interrupt is taken with
 * EV_INT_IACK, acknowledged at the device and ended with EV_INT_EOI, n=N times (default
 * 100000; 0: forever). edu_raise() is a function of its own so that the bench finds the store
 * in an instruction trace; the guest's external-interrupt vector is guest_vec_4 on PowerPC,
 * guest_vec_ext on x86. Prints
 * "irqlat: ready" before the loop and "irqlat: N interrupts, T ticks each" after it (T: time
 * base ticks from the raise to the handler's first C statement, times 100). */
#include <stdio.h>
#include <guest/device.h>

#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE  0x60
#define EDU_IRQ_ACK    0x64

static struct guest_pci_fn edu;
static volatile uint32_t taken;
static volatile uint64_t t_raise, t_handler, total;

__attribute__((noinline)) void edu_raise(void)
{
	t_raise = guest_tb();
	edu.bar0[EDU_IRQ_RAISE / 4] = 1;
}

static void external(void)
{
	uint32_t vec;

	t_handler = guest_tb();
	while (ev_int_iack(&vec) == EV_SUCCESS && vec != 0xffff) {
		if (vec == edu.intx) {
			edu.bar0[EDU_IRQ_ACK / 4] = edu.bar0[EDU_IRQ_STATUS / 4];
			total += t_handler - t_raise;
			taken++;
		}
		ev_int_eoi(vec);
	}
}

int main(void)
{
	uint32_t n = (uint32_t)guest_arg_u64("n", 100000);

	if (guest_pci_function(&edu)) {
		printf("irqlat: no PCI function with INTx was given to this partition\n");
		return 1;
	}
	edu.bar0[EDU_IRQ_ACK / 4] = edu.bar0[EDU_IRQ_STATUS / 4];
	guest_set_irq_handler(external);
	ev_int_set_config(edu.intx, 0x2, 8, 0);
	ev_int_set_mask(edu.intx, 0);
	guest_irq_enable();
	printf("irqlat: ready\n");
	for (uint32_t i = 0; !n || i < n; i++) {
		uint32_t want = taken + 1;

		edu_raise();
		while (taken != want)
			;
	}
	printf("irqlat: %lu interrupts, %llu ticks x 100 each\n", (unsigned long)n,
	       (unsigned long long)(total * 100 / (n ? n : 1)));
	return 0;
}
