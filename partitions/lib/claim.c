/* claim.c - a standby owner's FH_CLAIM_DEVICE (docs/devices.md#failover): asked again every
 * 10 ms while the holder's partition runs (EV_INVALID_STATE), with the console lines the
 * failover tests read. */
#include <stdio.h>
#include <bulkhead/errors.h>
#include <bulkhead/hcall.h>
#include <guest/device.h>
#include <guest/guest.h>

#define CLAIM_RETRY_US 10000

int guest_claim(uint32_t handle, const char *who)
{
	unsigned long refusals = 0;
	uint32_t st;

	while ((st = hcall1(FH_CLAIM_DEVICE, handle)) != EV_SUCCESS) {
		if (!refusals++)
			printf("%s: claim refused with status %lu\n", who, (unsigned long)st);
		if (st != EV_INVALID_STATE)
			return -1;
		guest_udelay(CLAIM_RETRY_US);
	}
	printf("%s: claimed after %lu refusals\n", who, refusals);
	return 0;
}
