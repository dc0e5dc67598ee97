/* devabi - feeds the device ABI and the virtual PIC every kind of bad input and checks the
 * documented error (docs/abi.md), then that good calls still work and that a structure is
 * written exactly up to argsz. The partition must own one device with at least one region
 * and one interrupt. bootargs: other=N, a handle number that is another partition's device
 * and not one of ours. One "PASS:"/"FAIL:" line per check; exits 0 if all passed. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/device.h>

#define SENTINEL 0xa5

static uint32_t dev = ~0u;

static void check_status(const char *what, uint32_t got, uint32_t want)
{
	guest_check(got == want, what, "status %lu, expected %lu", (unsigned long)got,
		    (unsigned long)want);
}

static void find_device(void)
{
	const void *fdt = guest_boot.fdt;
	int node, len;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const fdt32_t *h = fdt_getprop(fdt, node, "fsl,hv-device-handle", &len);

		if (h && len == 4) {
			dev = fdt32_to_cpu(*h);
			return;
		}
	}
}

static void bad_handles(void)
{
	struct bh_device_info di = { .argsz = sizeof(di) };
	uint32_t other = (uint32_t)guest_arg_u64("other", 30);
	int console = guest_bc_find("console");

	check_status("invalid handle -> EV_EINVAL", bh_device_get_info(31, &di), EV_EINVAL);
	check_status("huge handle -> EV_EINVAL", bh_device_get_info(0x7fffffff, &di), EV_EINVAL);
	check_status("byte-channel handle -> EV_EINVAL", bh_device_get_info((uint32_t)console, &di),
		     EV_EINVAL);
	check_status("other partition's device handle -> EV_EINVAL", bh_device_get_info(other, &di),
		     EV_EINVAL);
}

static void bad_indexes(void)
{
	struct bh_device_info di = { .argsz = sizeof(di) };
	struct bh_region_info ri = { .argsz = sizeof(ri) };
	struct bh_irq_info qi = { .argsz = sizeof(qi) };
	char path[8];
	uint32_t o[3];

	bh_device_get_info(dev, &di);
	check_status("region index out of range -> EV_ENOENT",
		     bh_device_get_region_info(dev, di.num_regions, &ri), EV_ENOENT);
	check_status("irq index out of range -> EV_ENOENT",
		     bh_device_get_irq_info(dev, di.num_irqs, &qi, NULL), EV_ENOENT);
	check_status("dt-path index out of range -> EV_ENOENT",
		     bh_device_get_dt_path(dev, BH_DT_KIND_REGION, 99, path, 0, o), EV_ENOENT);
	check_status("dt-path unknown kind -> EV_EINVAL",
		     bh_device_get_dt_path(dev, 7, 0, path, 0, o), EV_EINVAL);
}

static void bad_argsz(void)
{
	struct bh_device_info di = { .argsz = BH_DEVICE_INFO_MINSZ - 4 };
	struct bh_region_info ri = { .argsz = BH_REGION_INFO_MINSZ - 1 };
	struct bh_irq_info qi = { .argsz = 0 };

	check_status("info argsz below minimum -> EV_EINVAL", bh_device_get_info(dev, &di),
		     EV_EINVAL);
	check_status("region argsz below minimum -> EV_EINVAL",
		     bh_device_get_region_info(dev, 0, &ri), EV_EINVAL);
	check_status("irq argsz 0 -> EV_EINVAL", bh_device_get_irq_info(dev, 0, &qi, NULL),
		     EV_EINVAL);
}

/* Addresses beyond the partition's memory, and a structure straddling its end. */
static void bad_buffers(void)
{
	uint64_t end = guest_boot.mem_base + guest_boot.mem_size;
	struct bh_device_info *outside = (struct bh_device_info *)(uintptr_t)0x7ff00000u;
	uint32_t *last = (uint32_t *)(uintptr_t)(end - 8);
	uint32_t r[8] = { dev, (uint32_t)(end - 8) }, o[3];

	check_status("info buffer outside memory -> EV_EFAULT", bh_device_get_info(dev, outside),
		     EV_EFAULT);
	/* argsz readable in the last 8 bytes, the 32-byte answer is not: nothing written */
	last[0] = sizeof(struct bh_device_info);
	last[1] = 0x12345678;
	check_status("info buffer straddling the end -> EV_EFAULT", hcall(BH_DEVICE_GET_INFO, r),
		     EV_EFAULT);
	guest_check(last[1] == 0x12345678, "nothing written on EV_EFAULT", "0x%08lx",
		    (unsigned long)last[1]);
	check_status("dt-path buffer outside memory -> EV_EFAULT",
		     bh_device_get_dt_path(dev, BH_DT_KIND_DEVICE, 0,
					   (char *)(uintptr_t)0x7ff00000u, 64, o),
		     EV_EFAULT);
}

static void dt_path_sizes(void)
{
	char buf[256];
	uint32_t o[3], needed;

	memset(buf, SENTINEL, sizeof(buf));
	check_status("dt-path size query (len 0) -> EV_SUCCESS",
		     bh_device_get_dt_path(dev, BH_DT_KIND_DEVICE, 0, buf, 0, o), EV_SUCCESS);
	needed = o[0];
	guest_check(needed > 1 && (uint8_t)buf[0] == SENTINEL, "size query writes nothing",
		    "needed %lu", (unsigned long)needed);
	check_status("dt-path short buffer -> EV_BUFFER_OVERFLOW",
		     bh_device_get_dt_path(dev, BH_DT_KIND_DEVICE, 0, buf, needed - 1, o),
		     EV_BUFFER_OVERFLOW);
	guest_check((uint8_t)buf[0] == SENTINEL && o[0] == needed,
		    "short buffer: no truncated string, size returned", "needed %lu",
		    (unsigned long)o[0]);
	check_status("dt-path exact buffer -> EV_SUCCESS",
		     bh_device_get_dt_path(dev, BH_DT_KIND_DEVICE, 0, buf, needed, o), EV_SUCCESS);
	guest_check(strlen(buf) + 1 == needed && buf[0] == '/', "path written whole", "'%s'", buf);
}

/* An older guest's smaller structure gets exactly argsz bytes; a newer one's tail is left. */
static void argsz_growth(void)
{
	uint8_t big[128];
	struct bh_region_info *ri = (struct bh_region_info *)big;
	uint32_t r[8];

	memset(big, SENTINEL, sizeof(big));
	ri->argsz = BH_REGION_INFO_MINSZ;
	check_status("region argsz = minimum -> EV_SUCCESS", bh_device_get_region_info(dev, 0, ri),
		     EV_SUCCESS);
	guest_check(big[BH_REGION_INFO_MINSZ] == SENTINEL && ri->size != 0,
		    "only argsz bytes written", "byte %d = 0x%02x", BH_REGION_INFO_MINSZ,
		    big[BH_REGION_INFO_MINSZ]);
	memset(big, SENTINEL, sizeof(big));
	ri->argsz = sizeof(big);
	r[0] = dev;
	r[1] = 0;
	r[2] = (uint32_t)(uintptr_t)big;
	check_status("region argsz larger than known -> EV_SUCCESS",
		     hcall(BH_DEVICE_GET_REGION_INFO, r), EV_SUCCESS);
	guest_check(r[1] == sizeof(struct bh_region_info) &&
			    big[sizeof(struct bh_region_info)] == SENTINEL &&
			    ri->argsz == sizeof(big),
		    "known size returned, tail and argsz untouched", "r4 %lu", (unsigned long)r[1]);
}

static void vpic_bad_input(void)
{
	struct {
		struct bh_irq_info info;
		uint32_t handle[2];
	} q = { .info.argsz = sizeof(q) };
	uint32_t cfg[3];

	bh_device_get_irq_info(dev, 0, &q.info, NULL);
	check_status("vpic: device handle is not an interrupt -> EV_EINVAL",
		     ev_int_set_mask(dev, 1), EV_EINVAL);
	check_status("vpic: priority 16 -> EV_EINVAL", ev_int_set_config(q.handle[0], 0x2, 16, 0),
		     EV_EINVAL);
	check_status("vpic: no such vCPU -> EV_EINVAL", ev_int_set_config(q.handle[0], 0x2, 8, 5),
		     EV_EINVAL);
	check_status("vpic: EOI of an interrupt not in service -> EV_INVALID_STATE",
		     ev_int_eoi(q.handle[0]), EV_INVALID_STATE);
	check_status("vpic: get config -> EV_SUCCESS", ev_int_get_config(q.handle[0], cfg),
		     EV_SUCCESS);
}

int main(void)
{
	uint32_t r[8] = { 0 };

	find_device();
	if (dev == ~0u) {
		printf("devabi: no device in the tree\n");
		return 1;
	}
	printf("devabi: device handle %lu\n", (unsigned long)dev);
	bad_handles();
	bad_indexes();
	bad_argsz();
	bad_buffers();
	dt_path_sizes();
	argsz_growth();
	vpic_bad_input();
	check_status("unknown hypercall -> EV_UNIMPLEMENTED",
		     hcall(HC_TOKEN(HC_VENDOR_BULKHEAD, 0x7ff), r), EV_UNIMPLEMENTED);
	check_status("reset probe of a device-tree device -> EV_CONFIG", bh_device_reset(dev, 1),
		     EV_CONFIG);
	guest_finish("devabi");
}
