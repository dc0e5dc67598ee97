/* hog - a partition that tries to keep its physical CPU from the hypervisor.
 * bootargs:
 *   mode=spin    guest interrupts off (wrteei 0), decrementer interrupt disabled, then spin
 *                forever: a stop must still take the CPU back.
 *   mode=exit    exit at once with code 0 (a partition to start and stop in a loop).
 *   mode=memcpy  target=LABEL: PARTITION_MEMCPY to the managed partition LABEL, first a copy
 *                of 1 MiB + 4321 bytes in three list entries and back in one, compared byte
 *                for byte ("PASS: ..."); then one call whose list (65536 entries of 4 MiB)
 *                would copy 256 GiB: the hypervisor works on it in bounded slices, and the
 *                partition can be stopped while the call is under way. */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>

#define SELF         0xffffffffu
#define BIG          ((1u << 20) + 4321)
#define DST_GPA      0x00400000u /* in the target's memory */
#define HUGE_ENTRIES 65536
#define HUGE_SIZE    (4u << 20)
#define SPRN_TCR     340

static uint8_t out[BIG], back[BIG];
static uint32_t sg[HUGE_ENTRIES * 8] __attribute__((aligned(32))); /* 32-byte entries */

static void sg_set(unsigned int i, uint32_t src, uint32_t dst, uint32_t size)
{
	memset(&sg[i * 8], 0, 32);
	sg[i * 8 + 1] = src; /* big-endian 64-bit fields: the low words */
	sg[i * 8 + 3] = dst;
	sg[i * 8 + 5] = size;
}

static uint32_t memcpy_list(uint32_t src_h, uint32_t dst_h, uint32_t n)
{
	uint32_t r[8] = { src_h, dst_h, (uint32_t)sg, 0, n };

	return hcall(FH_PARTITION_MEMCPY, r);
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

static void spin(void)
{
	guest_irq_disable();
	mtspr(SPRN_TCR, 0);
	printf("hog: spinning with interrupts off\n");
	for (;;)
		;
}

static void copies(uint32_t h)
{
	uint32_t st1, st2;

	for (uint32_t i = 0; i < BIG; i++)
		out[i] = (uint8_t)(i * 7 + (i >> 9));
	sg_set(0, (uint32_t)out, DST_GPA, 300000);
	sg_set(1, (uint32_t)out + 300000, DST_GPA + 300000, 700000);
	sg_set(2, (uint32_t)out + 1000000, DST_GPA + 1000000, BIG - 1000000);
	st1 = memcpy_list(SELF, h, 3);
	sg_set(0, DST_GPA, (uint32_t)back, BIG);
	st2 = memcpy_list(h, SELF, 1);
	guest_check(st1 == EV_SUCCESS && st2 == EV_SUCCESS && !memcmp(out, back, BIG),
		    "PARTITION_MEMCPY of 1 MiB + 4321 bytes in slices, there and back",
		    "status %lu/%lu", (unsigned long)st1, (unsigned long)st2);
	for (uint32_t i = 0; i < HUGE_ENTRIES; i++)
		sg_set(i, 0x00800000u, DST_GPA, HUGE_SIZE);
	printf("hog: huge memcpy call\n");
	st1 = memcpy_list(SELF, h, HUGE_ENTRIES);
	printf("hog: huge memcpy returned %lu\n", (unsigned long)st1);
}

int main(void)
{
	char mode[16] = "spin", target[32] = "worker";
	int h;

	guest_arg_str("mode", mode, sizeof(mode));
	guest_arg_str("target", target, sizeof(target));
	if (!strcmp(mode, "spin"))
		spin();
	if (!strcmp(mode, "exit"))
		return 0;
	h = partition_handle(target);
	if (h < 0) {
		printf("hog: no handle for %s\n", target);
		return 1;
	}
	copies((uint32_t)h);
	guest_finish("hog");
}
