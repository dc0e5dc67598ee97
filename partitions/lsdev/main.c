/* lsdev - lists the partition's devices through the device descriptor ABI, the way lspci -v
 * lists PCI functions: for each node of its tree with an fsl,hv-device-handle, the device
 * (BH_DEVICE_GET_INFO), its regions (BH_DEVICE_GET_REGION_INFO) and interrupt indexes
 * (BH_DEVICE_GET_IRQ_INFO), each with the hardware-tree path and property it came from
 * (BH_DEVICE_GET_DT_PATH). "bhctl devices HW CFG --partition P" prints the same lines
 * offline (the tests compare them). Exits 0, or 1 if a call failed. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/device.h>

#define MAX_HANDLES 8
#define MAX_DEVICES 32

static int failed;

static const char *prop_name(uint32_t prop)
{
	static const char *const names[] = { "node", "reg", "ranges", "interrupts",
					     "interrupt-map" };

	return prop < 5 ? names[prop] : "?";
}

/* The path and property a region/irq came from, "?" on error. */
static void origin(uint32_t h, uint32_t kind, uint32_t idx, char *path, size_t len, uint32_t out[3])
{
	uint32_t st = bh_device_get_dt_path(h, kind, idx, path, (uint32_t)len, out);

	if (st != EV_SUCCESS) {
		printf("lsdev: DEVICE_GET_DT_PATH(%lu, %lu, %lu): error %lu\n", (unsigned long)h,
		       (unsigned long)kind, (unsigned long)idx, (unsigned long)st);
		strcpy(path, "?");
		failed = 1;
	}
}

static void region_flags(uint32_t f, char *s)
{
	s[0] = f & BH_REGION_FLAG_READ ? 'r' : '-';
	s[1] = f & BH_REGION_FLAG_WRITE ? 'w' : '-';
	s[2] = f & BH_REGION_FLAG_MMAP ? 'm' : '-';
	s[3] = f & BH_REGION_FLAG_PHYS_VALID ? 'p' : '-';
	s[4] = 0;
}

static void print_region(uint32_t h, uint32_t i)
{
	struct bh_region_info ri = { .argsz = sizeof(ri) };
	char path[256], fl[5];
	uint32_t o[3];
	uint32_t st = bh_device_get_region_info(h, i, &ri);

	if (st != EV_SUCCESS) {
		printf("lsdev: DEVICE_GET_REGION_INFO(%lu, %lu): error %lu\n", (unsigned long)h,
		       (unsigned long)i, (unsigned long)st);
		failed = 1;
		return;
	}
	origin(h, BH_DT_KIND_REGION, i, path, sizeof(path), o);
	region_flags(ri.flags, fl);
	printf("  region %lu: guest 0x%llx size 0x%llx phys 0x%llx flags %s from %s[%lu]\n",
	       (unsigned long)i, (unsigned long long)ri.guest_addr, (unsigned long long)ri.size,
	       (unsigned long long)ri.phys_addr, fl, prop_name(o[1]), (unsigned long)o[2]);
}

static void print_irq(uint32_t h, uint32_t i)
{
	struct {
		struct bh_irq_info info;
		uint32_t handle[MAX_HANDLES];
	} q = { .info.argsz = sizeof(q) };
	char path[256], hs[64] = "";
	uint32_t o[3], needed;
	uint32_t st = bh_device_get_irq_info(h, i, &q.info, &needed);

	if (st != EV_SUCCESS) {
		printf("lsdev: DEVICE_GET_IRQ_INFO(%lu, %lu): error %lu\n", (unsigned long)h,
		       (unsigned long)i, (unsigned long)st);
		failed = 1;
		return;
	}
	for (uint32_t k = 0; k < q.info.count && k < MAX_HANDLES; k++)
		snprintf(hs + strlen(hs), sizeof(hs) - strlen(hs), "%s%lu", k ? "," : "",
			 (unsigned long)q.handle[k]);
	origin(h, BH_DT_KIND_IRQ, i, path, sizeof(path), o);
	printf("  irq %lu: count %lu handles %s flags %s%s%s from %s[%lu] of %s\n",
	       (unsigned long)i, (unsigned long)q.info.count, hs,
	       q.info.flags & BH_IRQ_FLAG_LEVEL ? "level" : "edge",
	       q.info.flags & BH_IRQ_FLAG_ACTIVE_LOW ? ",active-low" : "",
	       q.info.flags & BH_IRQ_FLAG_MASKABLE ? ",maskable" : "", prop_name(o[1]),
	       (unsigned long)o[2], path);
}

static void print_device(uint32_t h)
{
	struct bh_device_info di = { .argsz = sizeof(di) };
	char path[256];
	uint32_t o[3];
	uint32_t st = bh_device_get_info(h, &di);

	if (st != EV_SUCCESS) {
		printf("lsdev: DEVICE_GET_INFO(%lu): error %lu\n", (unsigned long)h,
		       (unsigned long)st);
		failed = 1;
		return;
	}
	origin(h, BH_DT_KIND_DEVICE, 0, path, sizeof(path), o);
	printf("device %lu: %s (%s%s%s) regions %lu irqs %lu\n", (unsigned long)h, path,
	       di.flags & BH_DEVICE_FLAG_PCI ? "pci" : "", di.flags & BH_DEVICE_FLAG_DT ? "dt" : "",
	       di.flags & BH_DEVICE_FLAG_RESET ? ",reset" : "", (unsigned long)di.num_regions,
	       (unsigned long)di.num_irqs);
	for (uint32_t i = 0; i < di.num_regions; i++)
		print_region(h, i);
	for (uint32_t i = 0; i < di.num_irqs; i++)
		print_irq(h, i);
}

/* Device handles of the tree's nodes, in handle order (the order bhctl prints). */
static int collect(uint32_t *h, int max)
{
	const void *fdt = guest_boot.fdt;
	int node, n = 0;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0 && n < max;
	     node = fdt_next_node(fdt, node, NULL)) {
		int len;
		const fdt32_t *p = fdt_getprop(fdt, node, "fsl,hv-device-handle", &len);

		if (p && len == 4)
			h[n++] = fdt32_to_cpu(*p);
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && h[j - 1] > h[j]; j--) {
			uint32_t t = h[j];

			h[j] = h[j - 1];
			h[j - 1] = t;
		}
	return n;
}

int main(void)
{
	uint32_t h[MAX_DEVICES];
	int n = collect(h, MAX_DEVICES);

	for (int i = 0; i < n; i++)
		print_device(h[i]);
	printf("lsdev: %d device%s\n", n, n == 1 ? "" : "s");
	return failed;
}
