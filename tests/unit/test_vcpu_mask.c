/* test_vcpu_mask.c - the vCPU unit's setup of a partition's vCPUs from its config CPU mask
 * (issue 12 finding 10): the config allows CPU ids 0..63, so ids 32..63 must become vCPUs
 * too (the mask was once truncated to 32 bits), in id order, and an id with no CPU behind
 * it is refused with a message naming it, and (issue 14) the partitions built before it are
 * unwound. Runs the real partitions_create() against the fakes of tests/unit/fake_core.c. */
#include <string.h>
#include <hv/cpu.h>
#include <hv/partition.h>
#include "fake_core.h"
#include "unit.h"

static struct hv_config cfg; /* large: not on the stack */

static void one_partition(uint64_t cpus)
{
	struct cfg_partition *cp = &cfg.part[0];

	memset(&cfg, 0, sizeof(cfg));
	memset(partitions, 0, sizeof(struct partition) * PART_MAX);
	nr_partitions = 0;
	snprintf(cp->label, sizeof(cp->label), "wide");
	cp->cpus = cpus;
	cp->has_image = true;
	cp->image_guest = 0x100000;
	cp->aliases = -1;
	cfg.pma[0].phys = (struct cfg_range){ 0x10000000, 16ull << 20 };
	cfg.gpma[0] = (struct cfg_gpma){ .part = 0, .pma = 0, .guest = 0 };
	cfg.nr_parts = cfg.nr_pmas = cfg.nr_gpmas = 1;
}

int main(void)
{
	/* the board's CPUs: hardware ids 0, 1, 63, 40 */
	hv_cpus[2].hw_id = 63;
	hv_cpus[3].hw_id = 40;

	one_partition((1ull << 63) | (1ull << 40) | (1ull << 1));
	fake_clear();
	CHECK_EQ(partitions_create(NULL, NULL, &cfg), 0);
	CHECK_EQ(nr_partitions, 1);
	CHECK_EQ(partitions[0].nr_vcpus, 3);
	CHECK_EQ(partitions[0].vcpu[0].pcpu, 1); /* id 1 */
	CHECK_EQ(partitions[0].vcpu[1].pcpu, 3); /* id 40 */
	CHECK_EQ(partitions[0].vcpu[2].pcpu, 2); /* id 63 */
	CHECK_EQ(partitions[0].vcpu[2].index, 2);

	one_partition(1ull << 33); /* no CPU with id 33 */
	fake_clear();
	CHECK(partitions_create(NULL, NULL, &cfg) < 0);
	CHECK(strstr(fake.out, "partition wide: CPU 33 cannot be used") != NULL);

	/* issue 14: a second partition that cannot be built unwinds the first one too (its
	 * units destroyed in reverse): none is left */
	one_partition(1ull << 1);
	cfg.part[1] = cfg.part[0];
	snprintf(cfg.part[1].label, sizeof(cfg.part[1].label), "bad");
	cfg.part[1].cpus = 1ull << 33;
	cfg.nr_parts = 2;
	fake_clear();
	CHECK(partitions_create(NULL, NULL, &cfg) < 0);
	CHECK(strstr(fake.out, "partition bad: CPU 33 cannot be used") != NULL);
	CHECK_EQ(nr_partitions, 0);
	CHECK_EQ(partitions[0].nr_vcpus, 0); /* the vCPU unit's destroy */
	CHECK_EQ(partitions[0].nr_mem, 0);   /* the memory unit's destroy */
	return unit_done("test_vcpu_mask");
}
