/* irqrace - the virtual PIC's pending and in-service state under parallel updates (issue 12,
 * finding 9). A manager partition owns QEMU's edu device and the state-change doorbell of the
 * partition it manages (bootargs target=LABEL, default "worker", cycles=N, default 30). Each
 * cycle starts the worker, which exits at once, so that the hypervisor raises the doorbell
 * from the worker's CPU twice (started, stopped) while this vCPU raises edu interrupts back
 * to back and takes each with EV_INT_IACK / EV_INT_EOI. Every edu raise must arrive exactly
 * once, and every cycle must ring the doorbell at least once (raises of a pending soft source
 * coalesce into one delivery). A lost pending bit leaves a source masked for good: the next
 * wait times out. Prints "PASS:"/"FAIL:" lines and "irqrace: ..." counts. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/device.h>

#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE  0x60
#define EDU_IRQ_ACK    0x64
#define FH_STOPPED     0
#define WAIT_US        5000000

static volatile uint32_t *bar0;
static uint32_t edu_handle = ~0u, doorbell = ~0u;
static volatile uint32_t rings, edu_irqs, edu_spurious;

static void external(struct guest_frame *f)
{
	uint32_t vec;

	while (ev_int_iack(&vec) == EV_SUCCESS && vec != 0xffff) {
		if (vec == doorbell) {
			rings++;
		} else if (vec == edu_handle) {
			uint32_t st = bar0[EDU_IRQ_STATUS / 4];

			bar0[EDU_IRQ_ACK / 4] = st;
			if (st)
				edu_irqs++;
			else
				edu_spurious++;
		}
		ev_int_eoi(vec);
	}
}

static int wait_for(volatile uint32_t *count, uint32_t want)
{
	uint64_t end = guest_tb() + guest_us_to_tb(WAIT_US);

	while (*count < want && guest_tb() < end)
		;
	return *count >= want;
}

static int setup_edu(void)
{
	struct guest_pci_fn fn;

	if (guest_pci_function(&fn))
		return -1;
	bar0 = fn.bar0;
	edu_handle = fn.intx;
	bar0[EDU_IRQ_ACK / 4] = bar0[EDU_IRQ_STATUS / 4];
	return ev_int_set_config(edu_handle, 0x2, 8, 0) == EV_SUCCESS &&
			       ev_int_set_mask(edu_handle, 0) == EV_SUCCESS
		       ? 0
		       : -1;
}

static int setup_doorbell(void)
{
	int node =
		fdt_node_offset_by_compatible(guest_boot.fdt, -1, "fsl,hv-state-change-doorbell");

	if (node < 0)
		return -1;
	doorbell = guest_fdt_u32(node, "interrupts", ~0u); /* <handle sense> */
	return ev_int_set_config(doorbell, 0x1, 8, 0) == EV_SUCCESS &&
			       ev_int_set_mask(doorbell, 0) == EV_SUCCESS
		       ? 0
		       : -1;
}

static int partition_handle(const char *name)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(guest_boot.fdt, node,
						     "fsl,hv-partition-handle")) >= 0) {
		const char *label = fdt_getprop(guest_boot.fdt, node, "label", NULL);

		if (label && !strcmp(label, name))
			return (int)guest_fdt_u32(node, "reg", ~0u);
	}
	return -1;
}

static uint32_t state_of(uint32_t h)
{
	uint32_t r[8] = { h };

	return hcall(FH_PARTITION_GET_STATUS, r) == EV_SUCCESS ? r[1] : ~0u;
}

/* One cycle: start the worker and raise edu interrupts until it has stopped again. */
static int cycle(uint32_t h, unsigned int c, uint32_t *raises)
{
	uint32_t r[8] = { h, 0, 1 }, r0 = rings, st = hcall(FH_PARTITION_START, r);

	if (st != EV_SUCCESS) {
		guest_check(0, "worker started", "cycle %u: status %lu", c, (unsigned long)st);
		return -1;
	}
	do {
		uint32_t want = edu_irqs + 1;

		bar0[EDU_IRQ_RAISE / 4] = 1;
		if (!wait_for(&edu_irqs, want)) {
			guest_check(0, "every edu interrupt arrives",
				    "cycle %u, raise %lu: none "
				    "within %u ms",
				    c, (unsigned long)*raises, WAIT_US / 1000);
			return -1;
		}
		(*raises)++;
	} while (state_of(h) != FH_STOPPED);
	if (!wait_for(&rings, r0 + 1)) {
		guest_check(0, "the state-change doorbell rings in every cycle",
			    "cycle %u: no "
			    "ring within %u ms",
			    c, WAIT_US / 1000);
		return -1;
	}
	return 0;
}

int main(void)
{
	char target[32] = "worker";
	unsigned int cycles = (unsigned int)guest_arg_u64("cycles", 30), c;
	uint32_t raises = 0;
	int h;

	guest_arg_str("target", target, sizeof(target));
	h = partition_handle(target);
	guest_set_handler(4, external);
	if (h < 0 || setup_edu() || setup_doorbell()) {
		printf("irqrace: set-up failed (handle %d)\n", h);
		return 1;
	}
	guest_irq_enable();
	for (c = 0; c < cycles; c++)
		if (cycle((uint32_t)h, c, &raises))
			break;
	printf("irqrace: %u cycles, %lu edu raises, %lu edu interrupts, %lu spurious, %lu rings\n",
	       c, (unsigned long)raises, (unsigned long)edu_irqs, (unsigned long)edu_spurious,
	       (unsigned long)rings);
	guest_check(c == cycles && edu_irqs == raises, "every edu interrupt arrives once",
		    "%lu of %lu", (unsigned long)edu_irqs, (unsigned long)raises);
	guest_check(c == cycles && rings >= cycles && rings <= 2 * cycles,
		    "the state-change doorbell rings in every cycle", "%lu rings, %u cycles",
		    (unsigned long)rings, c);
	guest_finish("irqrace");
}
