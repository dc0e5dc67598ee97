/* irqmove - an interrupt moved to another vCPU while it is in service (issue 12: the virtual
 * PIC must not unmask a source that the old destination still holds). Two vCPUs; QEMU's edu
 * device (level INTx) interrupts vCPU 0, whose handler, with the interrupt in service and the
 * device still asserting its line, moves it to vCPU 1 with EV_INT_SET_CONFIG and holds it for
 * HOLD_US before acknowledging the device and ending it: vCPU 1 must get nothing meanwhile.
 * Then a second edu interrupt must arrive at vCPU 1 (the move took effect). Prints
 * "PASS:"/"FAIL:" lines. */
#include <stdio.h>
#include <libfdt.h>
#include <guest/device.h>

#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE  0x60
#define EDU_IRQ_ACK    0x64
#define HOLD_US        200000
#define WAIT_US        5000000

static volatile uint32_t *bar0;
static uint32_t irq;
static volatile uint32_t taken[2], during_hold = ~0u, held, cpu1_up;

static void external(struct guest_frame *f)
{
	unsigned int cpu = guest_cpu_id() ? 1 : 0;
	uint32_t vec;

	if (ev_int_iack(&vec) != EV_SUCCESS || vec == 0xffff)
		return;
	if (vec == irq) {
		taken[cpu]++;
		if (cpu == 0 && !held) {
			uint64_t end = guest_tb() + guest_us_to_tb(HOLD_US);

			ev_int_set_config(irq, 0x2, 8, 1); /* to vCPU 1, still in service here */
			while (guest_tb() < end)
				;
			during_hold = taken[1];
			held = 1;
		}
		bar0[EDU_IRQ_ACK / 4] = bar0[EDU_IRQ_STATUS / 4];
	}
	ev_int_eoi(vec);
}

static int wait_for(volatile uint32_t *v, uint32_t want)
{
	uint64_t end = guest_tb() + guest_us_to_tb(WAIT_US);

	while (*v < want && guest_tb() < end)
		;
	return *v >= want;
}

static void secondary(unsigned int cpu)
{
	guest_irq_enable();
	cpu1_up = 1;
	for (;;)
		;
}

static int setup_edu(void)
{
	struct guest_pci_fn fn;

	if (guest_pci_function(&fn))
		return -1;
	bar0 = fn.bar0;
	irq = fn.intx;
	bar0[EDU_IRQ_ACK / 4] = bar0[EDU_IRQ_STATUS / 4];
	return ev_int_set_config(irq, 0x2, 8, 0) == EV_SUCCESS &&
			       ev_int_set_mask(irq, 0) == EV_SUCCESS
		       ? 0
		       : -1;
}

int main(void)
{
	guest_set_handler(4, external);
	if (setup_edu() || guest_start_cpu(1, 1, secondary) || !wait_for(&cpu1_up, 1)) {
		printf("irqmove: set-up failed\n");
		return 1;
	}
	guest_irq_enable();
	bar0[EDU_IRQ_RAISE / 4] = 1;
	guest_check(wait_for(&held, 1) && taken[0] == 1, "edu interrupt taken on vCPU 0",
		    "%lu taken", (unsigned long)taken[0]);
	guest_check(during_hold == 0, "not delivered to vCPU 1 while in service on vCPU 0",
		    "%lu delivered there", (unsigned long)during_hold);
	bar0[EDU_IRQ_RAISE / 4] = 2;
	guest_check(wait_for(&taken[1], during_hold + 1) && taken[0] == 1,
		    "the next one arrives at vCPU 1", "vCPU 0 %lu, vCPU 1 %lu",
		    (unsigned long)taken[0], (unsigned long)taken[1]);
	guest_finish("irqmove");
}
