/* partman - a manager partition: drives the partition its tree names through the FSL
 * partition-management hypercalls and checks each answer, then shows that a handle which
 * is not a managed partition is refused.
 * bootargs: target=LABEL (default "worker"); mode=mutual for the mutual-manager test (two
 * partitions managing each other, issue 15). Prints "PASS:"/"FAIL:" lines. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>
#include <guest/device.h>

#define FH_STOPPED 0
#define FH_RUNNING 1
#define PROBE_GPA  0x00e00000u /* scratch page in the target's memory */

static volatile uint32_t rings; /* state-change doorbell interrupts taken */
static uint32_t doorbell = ~0u;

/* The external interrupt: take every pending virtual-PIC interrupt; count the state-change doorbell. */
static void external(void)
{
	uint32_t vec;

	while (ev_int_iack(&vec) == EV_SUCCESS && vec != 0xffff) {
		if (vec == doorbell)
			rings++;
		ev_int_eoi(vec);
	}
}

/* The state-change doorbell node ("fsl,hv-state-change-doorbell"): enable its interrupt. */
static int setup_doorbell(void)
{
	int node =
		fdt_node_offset_by_compatible(guest_boot.fdt, -1, "fsl,hv-state-change-doorbell");

	if (node < 0)
		return -1;
	doorbell = guest_fdt_u32(node, "interrupts", ~0u); /* <handle sense> */
	guest_set_irq_handler(external);
	if (ev_int_set_config(doorbell, 0x1, 8, 0) != EV_SUCCESS ||
	    ev_int_set_mask(doorbell, 0) != EV_SUCCESS)
		return -1;
	guest_irq_enable();
	return 0;
}

/* The handle of the managed partition labelled name, or -1. */
static int partition_handle(const char *name)
{
	const void *fdt = guest_boot.fdt;
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "fsl,hv-partition-handle")) >= 0) {
		const char *label = fdt_getprop(fdt, node, "label", NULL);

		if (label && !strcmp(label, name))
			return (int)guest_fdt_u32(node, "reg", ~0u);
	}
	return -1;
}

static uint32_t status_of(uint32_t h, uint32_t *state)
{
	uint32_t r[8] = { h };
	uint32_t st = hcall(FH_PARTITION_GET_STATUS, r);

	*state = r[1];
	return st;
}

static uint32_t call1(uint32_t token, uint32_t h)
{
	uint32_t r[8] = { h };

	return hcall(token, r);
}

static uint32_t start(uint32_t h, uint32_t entry, uint32_t load)
{
	uint32_t r[8] = { h, entry, load };

	return hcall(FH_PARTITION_START, r);
}

static void expect_state(uint32_t h, uint32_t want, const char *when)
{
	uint32_t state, st = status_of(h, &state);

	guest_check(st == EV_SUCCESS && state == want, when, "status %lu state %lu",
		    (unsigned long)st, (unsigned long)state);
}

/* A start completes asynchronously (FH_PARTITION_STARTING meanwhile): wait, bounded. */
static void wait_running(uint32_t h)
{
	uint64_t t0 = guest_tb(), limit = guest_us_to_tb(5000000);
	uint32_t state = FH_STOPPED;

	while (status_of(h, &state) == EV_SUCCESS && state != FH_RUNNING && guest_tb() - t0 < limit)
		;
}

static void test_memcpy(uint32_t h)
{
	static char out[64] = "written into the worker by its manager", back[64];
	uint32_t st1 =
		guest_partition_memcpy(0xffffffffu, h, (uint32_t)out, PROBE_GPA, sizeof(out));
	uint32_t st2 =
		guest_partition_memcpy(h, 0xffffffffu, PROBE_GPA, (uint32_t)back, sizeof(back));

	guest_check(st1 == EV_SUCCESS && st2 == EV_SUCCESS && !memcmp(out, back, sizeof(out)),
		    "PARTITION_MEMCPY to the worker and back", "status %lu/%lu", (unsigned long)st1,
		    (unsigned long)st2);
	st1 = guest_partition_memcpy(0xffffffffu, h, (uint32_t)out, 0x7ffff000u, sizeof(out));
	guest_check(st1 == EV_EFAULT, "PARTITION_MEMCPY outside the worker's memory is refused",
		    "status %lu", (unsigned long)st1);
}

/* Wait (bounded) until h reports want; 1 when it did. */
static int wait_state(uint32_t h, uint32_t want, uint64_t us)
{
	uint64_t t0 = guest_tb(), limit = guest_us_to_tb(us);
	uint32_t state = ~want;

	while (status_of(h, &state) == EV_SUCCESS && state != want && guest_tb() - t0 < limit)
		;
	return state == want;
}

/* mode=mutual: both partitions run this and manage each other. Wait until the peer is stopped
 * (it has finished its turn and exited, or was never started), then start it, stop it and
 * start it again, and exit: the peer's next run does the same to this one. Only the side
 * whose peer is stopped acts, so the two never race. */
static int mutual(const char *target, uint32_t h)
{
	if (!wait_state(h, FH_STOPPED, 60000000)) {
		printf("FAIL: %s never stopped\n", target);
		return 1;
	}
	printf("partman: %s is stopped, my turn\n", target);
	guest_check(start(h, 0, 1) == EV_SUCCESS && wait_state(h, FH_RUNNING, 5000000),
		    "started the partition that manages me", NULL);
	guest_check(call1(FH_PARTITION_STOP, h) == EV_SUCCESS,
		    "stopped the partition that "
		    "manages me",
		    NULL);
	expect_state(h, FH_STOPPED, "the partition that manages me is stopped");
	guest_check(start(h, 0, 1) == EV_SUCCESS && wait_state(h, FH_RUNNING, 5000000),
		    "started it again", NULL);
	guest_finish("partman");
	return 0;
}

int main(void)
{
	char target[32] = "worker", mode[16] = "";
	uint32_t state;
	int h;

	guest_arg_str("target", target, sizeof(target));
	h = partition_handle(target);
	if (h < 0) {
		printf("FAIL: no fsl,hv-partition-handle labelled \"%s\"\n", target);
		return 1;
	}
	printf("partman: %s is handle %d\n", target, h);
	if (guest_arg_str("mode", mode, sizeof(mode)) && !strcmp(mode, "mutual"))
		return mutual(target, (uint32_t)h);
	guest_check(!setup_doorbell(), "the state-change doorbell is in the tree and enabled",
		    NULL);
	wait_running((uint32_t)h);
	expect_state(h, FH_RUNNING, "the worker is running");
	guest_check(call1(FH_PARTITION_STOP, h) == EV_SUCCESS, "PARTITION_STOP", NULL);
	expect_state(h, FH_STOPPED, "the worker is stopped");
	guest_check(call1(FH_PARTITION_STOP, h) == EV_INVALID_STATE,
		    "stopping a stopped partition is refused", NULL);
	guest_check(start(h, 0, 1) == EV_SUCCESS, "PARTITION_START (reload)", NULL);
	wait_running((uint32_t)h); /* starting is asynchronous: STARTING, then RUNNING */
	expect_state(h, FH_RUNNING, "the worker runs again");
	guest_check(call1(FH_PARTITION_RESTART, h) == EV_SUCCESS, "PARTITION_RESTART", NULL);
	wait_running((uint32_t)h);
	expect_state(h, FH_RUNNING, "the worker runs after the restart");
	printf("partman: state-change doorbell rang %lu times\n", (unsigned long)rings);
	guest_check(rings >= 3, "the state-change doorbell rang at stop, start and restart",
		    "%lu rings", (unsigned long)rings);
	test_memcpy((uint32_t)h);
	guest_check(status_of(0, &state) == EV_EINVAL,
		    "a handle that is not a managed partition is refused", NULL);
	guest_check(call1(FH_PARTITION_STOP, 31) == EV_EINVAL, "an unknown handle is refused",
		    NULL);
	guest_finish("partman");
}
