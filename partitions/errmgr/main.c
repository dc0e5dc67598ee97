/* errmgr - an error manager partition (docs/devices.md#error-manager): finds its
 * fsl,hv-error-manager node, enables the node's doorbell interrupt, and for each ring reads
 * the queued error records with FH_ERR_GET_INFO (include/bulkhead/error.h) and prints them.
 * bootargs: records=N: exit 0 after N records (default 1).
 * A standby error manager (fsl,hv-claimable = "standby") first asks FH_ERR_GET_INFO
 * ("errmgr: standby, FH_ERR_GET_INFO status N"), then claims the role with FH_CLAIM_DEVICE on
 * its handle, again every 10 ms while refused with EV_INVALID_STATE ("errmgr: claimed after N
 * refusals").
 * Console lines: "errmgr: handle H doorbell D ready"; per record "errmgr: record S domain
 * '<d>' partition '<label>' (id N) vcpu V dropped K" and "errmgr: error <text>"; "errmgr:
 * peek and read agree" after the first one; "errmgr: queue empty (status N) after R doorbells". A partition
 * without the node prints "errmgr: no error-manager node; FH_ERR_GET_INFO status N" (it
 * asks with handle 0) and exits 0. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <bulkhead/error.h>
#include <guest/guest.h>
#include <guest/device.h>

static volatile uint32_t rings; /* doorbell interrupts taken */
static uint32_t doorbell = ~0u;
static struct bh_error rec, peeked;

/* The external interrupt: take every pending virtual-PIC interrupt; count the doorbell's. */
static void external(void)
{
	uint32_t vec;

	while (ev_int_iack(&vec) == EV_SUCCESS && vec != 0xffff) {
		if (vec == doorbell)
			rings++;
		ev_int_eoi(vec);
	}
}

/* FH_ERR_GET_INFO: r3 handle, r4 buffer size, r5:r6 buffer address, r7 peek. */
static uint32_t err_get_info(uint32_t h, struct bh_error *buf, uint32_t size, uint32_t peek)
{
	uint32_t r[8] = { h, size, 0, (uint32_t)(uintptr_t)buf, peek };

	return hcall(FH_ERR_GET_INFO, r);
}

static void show(const struct bh_error *e)
{
	printf("errmgr: record %lu domain '%s' partition '%s' (id %lu) vcpu %lu dropped %lu\n",
	       (unsigned long)e->seq, e->domain, e->gdev_tree_path, (unsigned long)e->partition_id,
	       (unsigned long)e->vcpu, (unsigned long)e->dropped);
	printf("errmgr: error %s\n", e->error);
}

/* A standby error manager: refused until it claims the role from a stopped holder. */
static int claim(int node, uint32_t h)
{
	const char *state = fdt_getprop(guest_boot.fdt, node, "fsl,hv-claimable", NULL);
	unsigned long refusals = 0;
	uint32_t st;

	if (!state || strcmp(state, "standby"))
		return 0;
	st = err_get_info(h, &rec, sizeof(rec), 0);
	printf("errmgr: standby, FH_ERR_GET_INFO status %lu\n", (unsigned long)st);
	while ((st = hcall1(FH_CLAIM_DEVICE, h)) != EV_SUCCESS) {
		if (st != EV_INVALID_STATE) {
			printf("errmgr: claim failed with status %lu\n", (unsigned long)st);
			return -1;
		}
		refusals++;
		guest_udelay(10000);
	}
	printf("errmgr: claimed after %lu refusals\n", refusals);
	return 0;
}

int main(void)
{
	const void *fdt = guest_boot.fdt;
	int node = fdt_node_offset_by_compatible(fdt, -1, "fsl,hv-error-manager");
	uint64_t want = guest_arg_u64("records", 1), got = 0;
	uint32_t h, st, seen = 0;

	if (node < 0) {
		st = err_get_info(0, &rec, sizeof(rec), 0);
		printf("errmgr: no error-manager node; FH_ERR_GET_INFO status %lu\n",
		       (unsigned long)st);
		return 0;
	}
	h = guest_fdt_u32(node, "hv-handle", ~0u);
	doorbell = guest_fdt_u32(node, "interrupts", ~0u);
	guest_set_irq_handler(external);
	if (ev_int_set_config(doorbell, 0x1, 8, 0) != EV_SUCCESS ||
	    ev_int_set_mask(doorbell, 0) != EV_SUCCESS) {
		printf("errmgr: cannot enable doorbell %lu\n", (unsigned long)doorbell);
		return 1;
	}
	guest_irq_enable();
	if (claim(node, h))
		return 1;
	printf("errmgr: handle %lu doorbell %lu ready\n", (unsigned long)h,
	       (unsigned long)doorbell);
	if (err_get_info(h, &rec, sizeof(rec) - 1, 0) != EV_EINVAL)
		printf("errmgr: FAIL: a short buffer was accepted\n");
	while (got < want) {
		while (rings == seen)
			;
		seen = rings;
		st = err_get_info(h, &peeked, sizeof(peeked), 1);
		while (st == EV_SUCCESS &&
		       (st = err_get_info(h, &rec, sizeof(rec), 0)) == EV_SUCCESS) {
			if (!got && !memcmp(&rec, &peeked, sizeof(rec)))
				printf("errmgr: peek and read agree\n");
			show(&rec);
			got++;
		}
		printf("errmgr: queue empty (status %lu) after %lu doorbells\n", (unsigned long)st,
		       (unsigned long)rings);
	}
	return 0;
}
