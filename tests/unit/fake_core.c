/* fake_core.c - host fakes for tests/unit/test_iommu.c: the iommu_arch_* back end, the console,
 * the manager doorbell (and its unit), and the loading steps of the memory unit (scrub, image,
 * device tree),
 * recording their calls in struct fake_state. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libfdt.h>
#include <hv/arch.h>
#include <hv/arch/boot.h>
#include <hv/bootargs.h>
#include <hv/byte_chan.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/event.h>
#include <hv/guest_tree.h>
#include <hv/image.h>
#include <hv/log.h>
#include <hv/iommu.h>
#include <hv/manager.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/watchdog.h>
#include <hv/claim.h>
#include <hv/device.h>
#include <hv/errmgr.h>
#include <hv/vpic.h>
#include "fake_core.h"

struct fake_state fake;
struct hv_cpu hv_cpus[HV_NR_CPUS] = {
	{ .hw_id = 0 }, { .hw_id = 1 }, { .hw_id = 2 }, { .hw_id = 3 }
};
unsigned int hv_nr_cpus = 4;

void fake_clear(void)
{
	fake.calls[0] = 0;
	fake.out[0] = 0;
	memset(fake.notified, 0, sizeof(fake.notified));
	memset(fake.scrubbed, 0, sizeof(fake.scrubbed));
	memset(fake.loaded, 0, sizeof(fake.loaded));
}

void fake_call(const char *name)
{
	size_t n = strlen(fake.calls);

	if (fake.quiet)
		return;
	snprintf(fake.calls + n, sizeof(fake.calls) - n, "%s%s", n ? "," : "", name);
}

/* ---- console ---- */

int hv_printf(const char *fmt, ...)
{
	size_t n = strlen(fake.out);
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(fake.out + n, sizeof(fake.out) - n, fmt, ap);
	va_end(ap);
	return r;
}

/* Debug-level messages (the restart timing line) are not part of what the tests check. */
int hv_log(enum log_level level, const char *fmt, ...)
{
	return 0;
}

/* ---- the DMA back end ---- */

/* The platform the IOMMU unit probes (the fake back end ignores it). */
const struct platform *hv_platform;

int iommu_arch_init(const struct platform *plat)
{
	return 1;
}

int iommu_arch_attach(struct iommu_source *s)
{
	fake_call("attach");
	return 0;
}

/* Counts like the PCI inbound-window fence (pci/atmu.c): one per enable, one less per
 * disable of an enabled source. */
int iommu_arch_set_enabled(struct iommu_source *s, int on)
{
	fake_call(on ? "enable" : "disable");
	if (on) {
		int n = fake.opened;

		if (fake.slow_enable)
			usleep((useconds_t)fake.slow_enable);
		fake.opened = n + 1;
		return 0;
	}
	if (fake.disable_err)
		return fake.disable_err;
	if (s->enabled && fake.opened)
		fake.opened--;
	return 0;
}

int iommu_arch_wait_idle(struct iommu_source *s)
{
	fake_call("wait");
	return fake.wait_err;
}

void iommu_arch_detach(struct iommu_source *s)
{
	fake_call("detach");
}

int iommu_arch_selftest(const struct platform *plat)
{
	return 0;
}

/* The test image's mutation switches (hv/core/mutate.c): here BULKHEAD_FAKE_MUTATE names the
 * one that is on, so that tests/test_unit.py can run a unit test as its negative control. */
bool hv_mutated(const char *what)
{
	const char *on = getenv("BULKHEAD_FAKE_MUTATE");

	return on && !strcmp(on, what);
}

int bootargs_get(const struct platform *plat, const char *key, char *val, size_t len)
{
	return -1;
}

/* ---- managers ---- */

void manager_notify(const struct partition *target)
{
	fake.notified[target->id]++;
}

/* The manager unit's part in the life cycle (hv/partition/manager.c): notify at starts and stops. */
static void notify_unit(struct partition *p)
{
	manager_notify(p);
}

DEFINE_UNIT(fake_manager, .order = UNIT_ORDER_MANAGER, .start = notify_unit,
	    .stopped = notify_unit);

/* ---- what partition.c loads a partition with ---- */

void guest_scrub(const struct partition *p)
{
	fake.scrubbed[p->id]++;
}

int guest_write(const struct partition *p, uint64_t gpa, const void *src, size_t len)
{
	if (gpa + len > 0x1000000) /* the test partitions' 16 MiB */
		return -EFAULT;
	if (len <= sizeof(fake.guest))
		memcpy(fake.guest, src, len);
	return 0;
}

/* zero-pma and flash image sources (issue 15): the unit tests' configs have neither. */
int guest_phys_zero(uint64_t hpa, uint64_t size)
{
	return -EFAULT;
}

void *arch_ioremap(uint64_t phys, uint64_t size)
{
	return NULL;
}

/* sysreset-on-partition-stop: no board to reset here. */
int arch_system_reset(const struct platform *plat)
{
	return -ENODEV;
}

int image_load(const struct partition *p, uint64_t src, uint64_t size, uint64_t guest_addr,
	       uint64_t *entry, const char **why)
{
	fake.loaded[p->id]++;
	*entry = guest_addr;
	return 0;
}

int guest_tree_build(const struct partition *p, const void *hw, const void *cfg_fdt,
		     const struct hv_config *cfg, void *buf, size_t size)
{
	return fdt_create_empty_tree(buf, (int)size);
}

/* Events are for a console's script-mode reader: none here. */
void event_state(const struct partition *p, enum part_state s, const char *why)
{
}

void event_fault(const struct partition *p, const char *kind, int vcpu, const char *msg)
{
}

/* ---- what the error manager (hv/partition/errmgr.c) uses ---- */

int vpic_soft_create(struct partition *p, struct vpic_irq **q, bool level)
{
	static struct vpic_irq irqs[8];
	static int n;

	*q = &irqs[n++ % 8];
	return 31; /* a number no other handle of the test has */
}

void vpic_soft_raise(struct vpic_irq *q)
{
	fake.rings++;
}

int vpic_tree_node(void *fdt)
{
	return 1;
}

const void *device_hw_tree(void)
{
	return NULL;
}

unsigned long claim_from(struct partition *holder, int (*move)(void *ctx), void *ctx)
{
	if (holder->state != PART_STOPPED)
		return EV_INVALID_STATE;
	return move(ctx) ? EV_EIO : EV_SUCCESS;
}

/* ---- CPUs: the test runs as physical CPU 0, outside any vCPU ---- */

unsigned int arch_cpu_id(void)
{
	return 0;
}

void arch_cpu_kick(unsigned int cpu)
{
}

void arch_cpu_idle(uint64_t ticks)
{
}

uint64_t arch_time_now(void)
{
	static uint64_t t;

	return ++t;
}

uint64_t arch_time_freq(void)
{
	return 1000000;
}

struct vcpu *vcpu_current(void)
{
	return NULL;
}

void vcpu_arch_reset(struct vcpu *v, uint64_t entry, uint64_t dtb_gpa, uint64_t ima_size)
{
}

/* The guest boot protocol: secondaries are never released here (partition.c only lays out
 * and resets their release areas). */
static void fake_secondary_init(struct vcpu *v)
{
}

static bool fake_secondary_released(struct vcpu *v, uint64_t *entry, uint64_t *arg)
{
	return false;
}

const struct guest_boot_ops guest_boot = {
	.name = "fake",
	.secondary_area = 32,
	.secondary_init = fake_secondary_init,
	.secondary_released = fake_secondary_released,
};

void vcpu_arch_stop(struct vcpu *v)
{
	abort();
}
