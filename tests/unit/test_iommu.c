/* test_iommu.c - the real hv/dma/iommu.c, hv/hcall/handle.c and hv/partition/partition.c on the host, against the
 * fakes of tests/unit/fake_core.c (DMA back end, console, manager doorbell, loading):
 *  - a recorded DMA fault counts in the source and in its partition (only there), prints its
 *    console line and notifies the partition's managers;
 *  - a stop quiesces each DMA source: mask, then disable, then wait, in that order, and every
 *    other handle's prereset still runs;
 *  - a failed disable (or wait) is returned by handles_prereset(), leaves the partition
 *    stopped with its memory held back: no scrub, every start/restart refused with the
 *    console line naming the partition and the source; other partitions start as before;
 *  - issue 15: each fault is also a "dma" record for the error manager (p1 here), whose
 *    doorbell rings; FH_ERR_GET_INFO gives the records in order to p1 only (peek keeps one);
 *  - issue 15: a sub-windowed dma-window (Topaz subwindow-count) gives the source a domain of
 *    its dma-subwindows' ranges only (clipped to the partition's memory);
 *  - issue 15: a claim moves a claimable device's DMA source from the stopped holder to the
 *    standby owner (test_claim_move; BULKHEAD_FAKE_MUTATE=claim-keep-dma fails it);
 *  - issue 12, finding 6: two threads (two vCPUs of one partition) enabling one source at once
 *    count one enable, so one disable (FH_DMA_DISABLE or a stop's quiesce) closes the fence. */
#include <pthread.h>
#include <string.h>
#include <bulkhead/error.h>
#include <hv/err.h>
#include <hv/errmgr.h>
#include <hv/handle.h>
#include <hv/iommu.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include "fake_core.h"
#include "unit.h"

#define MIB   (1ull << 20)
#define RID   0x10 /* PCI requester id of p0's source: 00:02.0 */
#define LIODN 0x42 /* p1's source */

static struct hv_config cfg; /* large: not on the stack */
static int masked;

static void mask_hook(void *ctx)
{
	masked++;
	fake_call("mask");
}

/* A handle of another kind, added before the DMA source: its prereset runs after it. */
static int other_prereset(struct handle *h)
{
	fake_call("other");
	return 0;
}

static const struct handle_ops other_ops = { .prereset = other_prereset };
static struct handle other = { .type = HANDLE_DEVICE, .ops = &other_ops };

/* p0 on CPU 1, p1 on CPU 2, 16 MiB each, both with an image. */
static void make_partitions(void)
{
	for (int i = 0; i < 2; i++) {
		struct cfg_partition *cp = &cfg.part[i];

		snprintf(cp->label, sizeof(cp->label), "p%d", i);
		cp->cpus = 1ull << (i + 1);
		cp->has_image = true;
		cp->image_guest = 0x100000;
		cp->aliases = -1;
		cfg.pma[i].phys = (struct cfg_range){ 0x10000000 + i * 16 * MIB, 16 * MIB };
		cfg.gpma[i] = (struct cfg_gpma){ .part = i, .pma = i, .guest = 0 };
	}
	cfg.nr_parts = cfg.nr_pmas = cfg.nr_gpmas = 2;
	cfg.err_mgr[0] = (struct cfg_error_manager){ .part = 1 }; /* p1: error manager */
	cfg.nr_err_mgrs = 1;
	CHECK_EQ(partitions_create(NULL, NULL, &cfg), 0);
	CHECK_EQ(nr_partitions, 2);
	CHECK_EQ(iommu_init(NULL), 0);
}

/* Start p through both halves (partition_start(), then what its CPU does). */
static int start(struct partition *p)
{
	int err = partition_start(p);

	if (!err)
		partition_load(p);
	return err;
}

static struct iommu_source *attach(struct partition *p, enum iommu_src_kind kind, uint32_t id)
{
	int h = iommu_device_attach(p, kind, id, kind == IOMMU_SRC_PCI ? 5 : -1, false,
				    kind == IOMMU_SRC_PCI ? mask_hook : NULL, NULL);

	CHECK(h >= 0);
	return h < 0 ? NULL : iommu_source_get(p, (unsigned long)h);
}

static void test_fault_report(struct partition *p0, struct partition *p1, struct iommu_source *s0,
			      struct iommu_source *s1)
{
	struct iommu_fault w = { .addr = 0x2000, .flags = IOMMU_WRITE, .reason = 5 };
	struct iommu_fault r = { .addr = 0xfff000, .flags = IOMMU_READ, .reason = 0 };

	fake_clear();
	iommu_report_fault(s0, &w);
	CHECK_EQ(s0->faults, 1);
	CHECK_EQ(part_stats(p0)->dma_faults, 1);
	CHECK_EQ(part_stats(p1)->dma_faults, 0);
	CHECK_EQ(s0->last_fault.addr, 0x2000);
	CHECK(!strcmp(fake.out, "dma: pci 0x10 of p0: blocked write at 0x2000 (reason 0x5)\n"));
	CHECK_EQ(fake.notified[p0->id], 1);
	CHECK_EQ(fake.notified[p1->id], 0);

	fake_clear();
	iommu_report_fault(s0, &r);
	iommu_report_fault(s1, &w);
	CHECK_EQ(s0->faults, 2);
	CHECK_EQ(s1->faults, 1);
	CHECK_EQ(part_stats(p0)->dma_faults, 2);
	CHECK_EQ(part_stats(p1)->dma_faults, 1);
	CHECK(!strcmp(fake.out, "dma: pci 0x10 of p0: blocked read at 0xfff000 (reason 0x0)\n"
				"dma: liodn 0x42 of p1: blocked write at 0x2000 (reason 0x5)\n"));
	CHECK_EQ(fake.notified[p0->id], 1);
	CHECK_EQ(fake.notified[p1->id], 1);
	/* what a manager reads with GET_STATUS: since boot, per partition */
	part_stats(p0)->dma_faults = 0; /* as stats --clear does */
	CHECK_EQ(iommu_fault_total(p0), 2);
	CHECK_EQ(iommu_fault_total(p1), 1);
}

/* FH_ERR_GET_INFO as partition p calls it (handle 0: p1's error manager, created first). */
static uint32_t err_handle; /* r3 of the calls below */

static unsigned long err_get_info(struct partition *p, uint32_t size, uint32_t gpa, int peek)
{
	struct vcpu *v = &p->vcpu[0];
	struct hcall_regs r = { .token = FH_ERR_GET_INFO,
				.reg = { err_handle, size, 0, gpa, peek } };

	hc_err_get_info(v, &r);
	CHECK_EQ(r.reg[1], r.reg[0] == EV_SUCCESS ? sizeof(struct bh_error) : 0);
	return r.reg[0];
}

/* The three faults of test_fault_report(), as the error manager p1 reads them. */
static void test_error_records(struct partition *p0, struct partition *p1)
{
	const struct bh_error *e = (const void *)fake.guest;

	CHECK_EQ(sizeof(struct bh_error), 704);
	CHECK_EQ(fake.rings, 3);                                  /* one doorbell per record */
	CHECK_EQ(err_get_info(p0, 704, 0x1000, 0), EV_EPERM);     /* not the error manager */
	CHECK_EQ(err_get_info(p1, 703, 0x1000, 0), EV_EINVAL);    /* buffer too small */
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 2), EV_EINVAL);    /* peek neither 0 nor 1 */
	CHECK_EQ(err_get_info(p1, 704, 0x2000000, 0), EV_EFAULT); /* outside: kept */
	err_handle = 5;                                           /* not its handle */
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 1), EV_EINVAL);
	err_handle = BH_ERR_GLOBAL_QUEUE; /* Linux's "global queue" */
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 1), EV_SUCCESS);
	err_handle = 0;
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 1), EV_SUCCESS); /* peek */
	CHECK_EQ(e->seq, 1);
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_SUCCESS);
	CHECK_EQ(e->seq, 1);
	CHECK(!strcmp(e->domain, "dma") && !strcmp(e->gdev_tree_path, "p0"));
	CHECK(!strcmp(e->error, "pci 0x10 blocked write at 0x2000 (reason 0x5)"));
	CHECK_EQ(e->partition_id, 1);
	CHECK_EQ(e->addr, 0x2000);
	CHECK_EQ(e->source_id, RID);
	CHECK_EQ(e->flags, IOMMU_WRITE);
	CHECK_EQ(e->dropped, 0);
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_SUCCESS);
	CHECK_EQ(e->seq, 2);
	CHECK_EQ(e->flags, IOMMU_READ);
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_SUCCESS);
	CHECK_EQ(e->seq, 3);
	CHECK(!strcmp(e->gdev_tree_path, "p1") && e->source_id == LIODN);
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_ENOENT);
	/* a full queue drops and counts; the next record says how many */
	for (int i = 0; i < ERRMGR_QUEUE_LEN + 2; i++)
		errmgr_isolation(p0, 0, "test");
	for (int i = 0; i < ERRMGR_QUEUE_LEN; i++)
		CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_SUCCESS);
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_ENOENT);
	errmgr_isolation(p0, 0, "after");
	CHECK_EQ(err_get_info(p1, 704, 0x1000, 0), EV_SUCCESS);
	CHECK(!strcmp(e->domain, "isolation") && !strcmp(e->error, "after"));
	CHECK_EQ(e->dropped, 2);
}

/* A good stop: mask -> disable -> wait, then the other handle; nothing held. */
static void test_quiesce_order(struct partition *p0, struct iommu_source *s0)
{
	CHECK_EQ(start(p0), 0);
	CHECK_EQ(p0->state, PART_RUNNING);
	CHECK_EQ(iommu_enable(s0), 0);
	CHECK(s0->enabled);
	fake_clear();
	masked = 0;
	fake.wait_err = -HV_EOPNOTSUPP; /* PAMU: cannot tell, not an error */
	CHECK_EQ(partition_stop(p0, "test"), 0);
	CHECK(!strcmp(fake.calls, "mask,disable,wait,other"));
	CHECK_EQ(masked, 1);
	CHECK(!s0->enabled);
	CHECK_EQ(p0->state, PART_STOPPED);
	CHECK_EQ(p0->held[0], 0);
	CHECK(!strcmp(fake.out, "partition p0: stopped (test)\n"));
	CHECK_EQ(fake.notified[p0->id], 1);
	fake.wait_err = 0;

	/* and it starts again: scrubbed and reloaded */
	fake_clear();
	CHECK_EQ(start(p0), 0);
	CHECK_EQ(p0->state, PART_RUNNING);
	CHECK_EQ(fake.scrubbed[p0->id], 1);
	CHECK_EQ(fake.loaded[p0->id], 1);
}

/* The disable fails: p0 is stopped, its memory held back for good. */
static void test_failed_disable(struct partition *p0, struct partition *p1, struct iommu_source *s0)
{
	static const char refused[] = "partition p0: not started: DMA of pci 0x0010 could not "
				      "be disabled; its memory is held back\n";

	CHECK_EQ(iommu_enable(s0), 0);
	fake_clear();
	fake.disable_err = -HV_EIO;
	CHECK_EQ(handles_prereset(p0), -HV_EIO); /* the error comes back; all handles ran */
	CHECK(!strcmp(fake.calls, "mask,disable,other"));
	CHECK(!strcmp(p0->held, "DMA of pci 0x0010 could not be disabled"));
	p0->held[0] = 0; /* undo: now through partition_stop() */

	fake_clear();
	CHECK_EQ(partition_stop(p0, "test"), 0);
	CHECK(!strcmp(fake.calls, "mask,disable,other")); /* no wait after a failure */
	CHECK_EQ(p0->state, PART_STOPPED);
	CHECK(!strcmp(p0->held, "DMA of pci 0x0010 could not be disabled"));
	CHECK(!strcmp(fake.out, "dma: pci 0x10 of p0: could not be disabled (error -5)\n"
				"partition p0: stopped (test)\n"
				"partition p0: memory held back: DMA of pci 0x0010 could not be "
				"disabled\n"));
	CHECK_EQ(fake.notified[p0->id], 1);

	/* every way of starting it is refused, even once the fence would work again */
	fake.disable_err = 0;
	fake_clear();
	CHECK_EQ(partition_start(p0), -HV_EIO);
	CHECK(!strcmp(fake.out, refused));
	CHECK_EQ(partition_restart(p0), -HV_EIO);
	CHECK_EQ(partition_start_at(p0, 0x100000, false), -HV_EIO);
	CHECK_EQ(p0->state, PART_STOPPED);
	CHECK_EQ(fake.scrubbed[p0->id], 0);
	CHECK_EQ(fake.loaded[p0->id], 0);
	CHECK_EQ(p0->lock.word, 0); /* not left locked */

	/* p1 is not affected */
	CHECK_EQ(start(p1), 0);
	CHECK_EQ(p1->state, PART_RUNNING);
	CHECK_EQ(fake.scrubbed[p1->id], 1);
	CHECK_EQ(p1->held[0], 0);
}

/* The wait fails on p1's source: held back too, with its own reason; p0's reason is kept. */
static void test_failed_wait(struct partition *p0, struct partition *p1)
{
	fake_clear();
	fake.wait_err = -HV_ETIMEDOUT;
	CHECK_EQ(partition_stop(p1, NULL), 0);
	fake.wait_err = 0;
	CHECK(!strcmp(fake.calls, "disable,wait"));
	CHECK(!strcmp(p1->held, "DMA of liodn 0x0042 still busy after disable"));
	CHECK(strstr(fake.out, "dma: liodn 0x42 of p1: still busy after disable (error -116)\n"));
	CHECK_EQ(start(p1), -HV_EIO);
	CHECK_EQ(p1->state, PART_STOPPED);
	CHECK(!strcmp(p0->held, "DMA of pci 0x0010 could not be disabled"));
}

/* A failing prereset that gives no reason still holds the memory back. */
static int failing_prereset(struct handle *h)
{
	return -HV_EFAULT;
}

static void test_generic_failure(void)
{
	static const struct handle_ops bad_ops = { .prereset = failing_prereset };
	static struct handle bad = { .type = HANDLE_DEVICE, .ops = &bad_ops };
	static struct partition q = { .id = 3, .name = "q", .state = PART_RUNNING };

	fake_clear();
	CHECK_EQ(handle_add(&q, &bad), 0);
	CHECK_EQ(partition_stop(&q, NULL), 0);
	CHECK(!strcmp(q.held, "a reset operation failed (error -14)"));
	CHECK(!strcmp(fake.out, "partition q: memory held back: a reset operation failed "
				"(error -14)\n"));
	CHECK_EQ(partition_start(&q), -HV_EIO);
}

/* Two enablers released together, ROUNDS times; after each round one disable (or quiesce, as
 * at a stop) must leave the
 * back end's count at 0 (fence closed). The back end takes 200 us to enable: long enough for
 * the other thread to come in while the first enable is under way. */
#define ROUNDS 200

static struct iommu_source *race_src;
static pthread_barrier_t race_start, race_done;

static void *enabler(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_barrier_wait(&race_start);
		if (iommu_enable(race_src))
			__atomic_fetch_add((int *)arg, 1, __ATOMIC_RELAXED);
		pthread_barrier_wait(&race_done);
	}
	return NULL;
}

static void test_enable_race(struct partition *p0)
{
	pthread_t t[2];
	int errors = 0, open_after = 0, open_after_stop = 0;

	race_src = attach(p0, IOMMU_SRC_PCI, RID + 8);
	if (!race_src)
		return;
	fake.quiet = 1;
	fake.slow_enable = 200;
	fake.opened = 0;
	pthread_barrier_init(&race_start, NULL, 3);
	pthread_barrier_init(&race_done, NULL, 3);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, enabler, &errors);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_barrier_wait(&race_start);
		pthread_barrier_wait(&race_done);
		if (fake.opened != 1)
			open_after++; /* two enables counted */
		/* FH_DMA_DISABLE, or a stop's quiesce every other round */
		CHECK_EQ(i & 1 ? iommu_quiesce(race_src) : iommu_disable(race_src), 0);
		if (fake.opened)
			open_after_stop++; /* a disable left the fence open */
		fake.opened = 0;
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	fake.quiet = 0;
	fake.slow_enable = 0;
	CHECK_EQ(errors, 0);
	CHECK_EQ(open_after, 0);
	CHECK_EQ(open_after_stop, 0);
	CHECK(!race_src->enabled);
}

/* Sub-windows 0 (4 MiB at 0) and 2 (4 KiB at 8 MiB) of a 16 MiB window of four 4 MiB slots
 * mapped, slots 1 and 3 not: the domain has exactly those two ranges, at p1's memory. */
static void test_subwindow_domain(struct partition *p1)
{
	static const uint64_t sub[] = { 0, 4 * MIB, 8 * MIB, 0x1000 };
	struct iommu_attach_args a = { .kind = IOMMU_SRC_LIODN,
				       .id = LIODN + 1,
				       .unit = -1,
				       .window_gpa = 0,
				       .window_size = 16 * MIB,
				       .sub = sub,
				       .nr_sub = 2 };
	int h = iommu_device_attach_args(p1, &a);
	struct iommu_source *s = h >= 0 ? iommu_source_get(p1, (unsigned long)h) : NULL;

	CHECK(s && s->dom);
	if (!s || !s->dom)
		return;
	CHECK_EQ(s->dom->nr_windows, 2);
	CHECK_EQ(s->dom->win[0].gpa, 0);
	CHECK_EQ(s->dom->win[0].size, 4 * MIB);
	CHECK_EQ(s->dom->win[0].hpa, 0x10000000 + 16 * MIB);
	CHECK_EQ(s->dom->win[1].gpa, 8 * MIB);
	CHECK_EQ(s->dom->win[1].size, 0x1000);
	CHECK_EQ(s->dom->win[1].hpa, 0x10000000 + 24 * MIB);
}

/* Issue 15: a claimable device's LIODN, held by p0 and on standby in p1. The standby source
 * stays out of the hardware (no attach; enable refused with -HV_EAGAIN; the back ends' lookup
 * finds the holder's). A claim's move quiesces p0's (left open here, as by a defer-dma-disable
 * stop), detaches it, and attaches p1's to p1's own memory, disabled: the back ends now find
 * p1's source, p1 may enable it and p0 may not; a second move from the old holder is refused.
 * Run with BULKHEAD_FAKE_MUTATE=claim-keep-dma (tests/test_unit.py: negative control), the
 * source stays with p0 and this test fails. */
static void test_claim_move(struct partition *p0, struct partition *p1)
{
	struct iommu_attach_args a = { .kind = IOMMU_SRC_LIODN, .id = LIODN + 2, .unit = -1 };
	struct iommu_source *held, *stby;
	int h0, h1;

	fake_clear();
	h0 = iommu_device_attach_args(p0, &a);
	a.standby = true;
	h1 = iommu_device_attach_args(p1, &a);
	CHECK(h0 >= 0 && h1 >= 0);
	if (h0 < 0 || h1 < 0)
		return;
	held = iommu_source_get(p0, (unsigned long)h0);
	stby = iommu_source_get(p1, (unsigned long)h1);
	CHECK(!strcmp(fake.calls, "attach")); /* the holder's only */
	CHECK(iommu_source_find(IOMMU_SRC_LIODN, -1, LIODN + 2) == held);
	CHECK_EQ(iommu_enable(stby), -HV_EAGAIN);
	CHECK_EQ(iommu_disable(stby), -HV_EAGAIN);
	CHECK_EQ(iommu_enable(held), 0);

	fake_clear();
	CHECK_EQ(iommu_source_move(held, stby), 0);
	CHECK(!strcmp(fake.calls, "disable,wait,disable,detach,attach"));
	CHECK(iommu_source_find(IOMMU_SRC_LIODN, -1, LIODN + 2) == stby);
	CHECK(stby->dom && stby->dom->part == p1 && !stby->enabled);
	CHECK(stby->dom && stby->dom->win[0].hpa == 0x10000000 + 16 * MIB);
	CHECK(!held->dom && held->standby);
	CHECK_EQ(iommu_enable(held), -HV_EAGAIN);
	CHECK_EQ(iommu_enable(stby), 0);
	CHECK_EQ(iommu_source_move(held, stby), -HV_EINVAL);
	CHECK_EQ(iommu_disable(stby), 0);
}

int main(void)
{
	struct partition *p0 = &partitions[0], *p1 = &partitions[1];
	struct iommu_source *s0, *s1;

	make_partitions();
	CHECK_EQ(handle_add(p0, &other), 0);
	s0 = attach(p0, IOMMU_SRC_PCI, RID);
	s1 = attach(p1, IOMMU_SRC_LIODN, LIODN);
	if (!s0 || !s1)
		return unit_done("test_iommu");
	CHECK(!s0->enabled && !s1->enabled);
	test_fault_report(p0, p1, s0, s1);
	test_error_records(p0, p1);
	test_quiesce_order(p0, s0);
	test_failed_disable(p0, p1, s0);
	test_failed_wait(p0, p1);
	test_generic_failure();
	test_enable_race(p0);
	test_subwindow_domain(p1);
	test_claim_move(p0, p1);
	return unit_done("test_iommu");
}
