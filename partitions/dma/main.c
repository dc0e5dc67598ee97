/* dma - drives QEMU's edu DMA engine (QEMU docs/specs/edu.rst) from a partition that was
 * given the edu function by PCI device assignment, to check the DMA fence and the DMA
 * hypercalls from the guest's side (issue 6, docs/dma.md). Everything is found through the
 * guest tree and the device ABI: the function's node (compatible "bulkhead,pci-function")
 * carries fsl,hv-device-handle and fsl,hv-dma-handle; BH_DEVICE_GET_REGION_INFO gives BAR0
 * and the emulated configuration space (bus master enable).
 * bootargs: peer=<host address of another partition's memory> (0 = skip);
 * outside=<guest address of its own memory outside its device's dma-window> (0 = skip).
 * Prints one line per step, then keeps a DMA in flight for ever (one transfer after the
 * other) so that whenever the partition is restarted a transfer is in flight. The next run
 * looks first: if edu's engine is still busy with that transfer, it turns bus mastering on
 * (so that only the hypervisor's fence stands in the way), waits for the transfer to finish
 * and counts the bytes of it that landed. With a byte channel named "mgr" it sends one byte
 * there once its DMA is in flight.
 * beat=1: also one byte after each later transfer it starts (for go=key below).
 * role=manager count=N [go=key]: restart the partition it manages N times
 * (FH_PARTITION_RESTART), each time after that partition's byte on the channel named "worker"
 * says its DMA is in flight; with go=key, the first restart also waits for a key typed on its
 * console (so that a test can look at the hypervisor in between), then for the worker's next
 * beat byte (a transfer just started), and restarts it twice first, uncounted ("warm-up
 * restart N"). Meanwhile it watches a
 * buffer of its own, which the other partition aims a DMA at, and prints how many of its
 * bytes ever changed.
 * mode=bme (two edu functions assigned): DMA enabled for the first (the fence is open for the
 * partition), the second's guest Bus Master Enable set while its own DMA source is disabled:
 * its transfer must not land (bus mastering follows the source, issue 12 #3); then enabled:
 * it lands; disabled again: it does not. One line per step.
 * mode=race rounds=N (two vCPUs): both vCPUs call FH_DMA_ENABLE on the same handle at once,
 * then one FH_DMA_DISABLE, N times; then the DMA must not land (issue 12 #6), and after one
 * more enable it must.
 * claim=1: the function is given on standby (claimable failover, docs/devices.md#failover):
 * first what a standby owner sees ("dma: claimable <state>, status <status>", "dma: standby
 * config space reads 0x<vendor/device dword>", "dma: standby enable: status N"), then
 * FH_CLAIM_DEVICE again every 10 ms while refused with EV_INVALID_STATE ("dma: claim refused
 * with status N" once, "dma: claimed after N refusals", "dma: config space reads 0x..."),
 * then the usual steps with the function now its own.
 * role=manager mode=defer: for a worker with defer-dma-disable: stops it with a transfer in
 * flight and reads, with FH_PARTITION_MEMCPY, what of it landed after the stop (the worker
 * zeroes its buffer and raises a flag before each transfer): once without and once with an
 * immediate FH_PARTITION_STOP_DMA; then a stop followed by a start. One line per step.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <bulkhead/errors.h>
#include <bulkhead/hcall.h>
#include <guest/device.h>
#include <guest/guest.h>

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_START   0x1
#define EDU_TO_RAM  0x2
#define EDU_BUF     0x40000 /* edu's own 4 KiB buffer, in its DMA address space */
#define LEN         64
#define MARK        0xEE
#define PCI_COMMAND 0x04
#define CMD_MASTER  0x0004u

static uint8_t target[LEN] __attribute__((aligned(64)));
static uint8_t pattern[LEN] __attribute__((aligned(64)));
/* Where the transfer left in flight at a restart aims: a fixed address of the partition's
 * memory outside its image, so that nothing of the guest's own start-up (BSS clearing) writes
 * it: after a restart only the hypervisor's scrub has, and what the transfer itself put
 * there shows. Inside the 8 MiB dma-window of the dma-window test. */
#define INFLIGHT_GPA 0x700000u
#define inflight     ((volatile uint8_t *)(uintptr_t)INFLIGHT_GPA)
static uint8_t victim[4096] __attribute__((aligned(4096))); /* manager: watched bytes */
/* 1 while a transfer into inflight[] is in the engine and inflight[] was zeroed before it:
 * what a manager reads (FH_PARTITION_MEMCPY) to know that bytes there landed after a stop. */
static volatile uint32_t armed;
static volatile uint32_t *edu;
static volatile uint8_t *cfg;

static void wr(unsigned int off, uint32_t v)
{
	edu[off / 4] = v;
	guest_io_wmb();
}

static uint16_t command(void)
{
	return guest_cfg_rd16(cfg, PCI_COMMAND);
}

static void set_command(uint16_t v)
{
	guest_cfg_wr16(cfg, PCI_COMMAND, v);
}

static void dma_start(uint64_t src, uint64_t dst, uint32_t cmd)
{
	wr(EDU_DMA_SRC, (uint32_t)src);
	wr(EDU_DMA_SRC + 4, (uint32_t)(src >> 32));
	wr(EDU_DMA_DST, (uint32_t)dst);
	wr(EDU_DMA_DST + 4, (uint32_t)(dst >> 32));
	wr(EDU_DMA_CNT, LEN);
	wr(EDU_DMA_CMD, cmd | EDU_START);
}

static int dma_busy(void)
{
	return edu[EDU_DMA_CMD / 4] & EDU_START;
}

/* 0 when the transfer finished within 1 s (it takes 100 ms of virtual time). The poll has
 * the spin-wait hint: under QEMU's -icount round robin on x86, a poll of edu's register
 * without PAUSE kept the next CPU (the manager's) from running for up to 500 ms of virtual
 * time (docs/reliability.md L19). */
static int dma_wait(void)
{
	uint64_t end = guest_tb() + guest_us_to_tb(1000000);

	while (dma_busy()) {
		if ((int64_t)(guest_tb() - end) > 0)
			return -1;
		guest_relax();
	}
	guest_sync();
	return 0;
}

static int count_not(const volatile uint8_t *p, size_t n, uint8_t v)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] != v;
	return k;
}

/* edu buffer -> bus address (target marked first); bytes of target that changed, or -1 on
 * a timeout. */
static int to_bus(uint64_t bus, volatile uint8_t *where)
{
	memset((void *)where, MARK, LEN);
	guest_sync();
	dma_start(EDU_BUF, bus, EDU_TO_RAM);
	return dma_wait() ? -1 : count_not(where, LEN, MARK);
}

static int to_target(void)
{
	return to_bus((uintptr_t)target, target);
}

/* The assigned function's node (the first one after node after) and its two handles, or
 * -1. */
static int find_function_after(int after, uint32_t *dev, uint32_t *dma)
{
	int node = fdt_node_offset_by_compatible(guest_boot.fdt, after, "bulkhead,pci-function");

	if (node < 0)
		return -1;
	*dev = guest_fdt_u32(node, "fsl,hv-device-handle", ~0u);
	*dma = guest_fdt_u32(node, "fsl,hv-dma-handle", ~0u);
	return *dev == ~0u || *dma == ~0u ? -1 : node;
}

static int find_function(uint32_t *dev, uint32_t *dma)
{
	return find_function_after(-1, dev, dma) < 0 ? -1 : 0;
}

static volatile void *map_region(uint32_t h, uint32_t idx)
{
	struct bh_region_info ri = { .argsz = sizeof(ri) };

	if (bh_device_get_region_info(h, idx, &ri) != EV_SUCCESS || !ri.size)
		return NULL;
	return guest_ioremap(ri.guest_addr, 0x1000, 1);
}

/* claim=1: the standby owner's view of function dev, then the claim (see the top). */
static int claim(uint32_t dev, uint32_t dma)
{
	const void *fdt = guest_boot.fdt;
	int node = fdt_node_offset_by_compatible(fdt, -1, "bulkhead,pci-function");
	const char *state, *status;

	state = node >= 0 ? fdt_getprop(fdt, node, "fsl,hv-claimable", NULL) : NULL;
	status = node >= 0 ? fdt_getprop(fdt, node, "status", NULL) : NULL;
	printf("dma: claimable %s, status %s\n", state ? state : "-", status ? status : "-");
	cfg = map_region(dev, BH_PCI_CONFIG_REGION_INDEX);
	if (!cfg)
		return -1;
	printf("dma: standby config space reads 0x%08lx\n",
	       (unsigned long)*(volatile uint32_t *)cfg);
	printf("dma: standby enable: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, dma));
	if (guest_claim(dev, "dma"))
		return -1;
	printf("dma: config space reads 0x%08lx\n", (unsigned long)guest_cfg_rd32(cfg, 0));
	return 0;
}

/* The handle of the first managed partition in the tree, or -1. */
static int managed_handle(void)
{
	int node = fdt_node_offset_by_compatible(guest_boot.fdt, -1, "fsl,hv-partition-handle");

	return node < 0 ? -1 : (int)guest_fdt_u32(node, "reg", ~0u);
}

/* One byte from channel ch within 60 s: 0, or -1. */
static int wait_byte(int ch)
{
	uint64_t end = guest_tb() + guest_us_to_tb(60000000);
	uint32_t got = 0;
	uint8_t b;

	while (bc_receive((uint32_t)ch, &b, 1, &got) != EV_SUCCESS || !got) {
		if ((int64_t)(guest_tb() - end) > 0)
			return -1;
		guest_udelay(1000);
	}
	return 0;
}

/* FH_PARTITION_RESTART, again while it says busy (EV_EAGAIN: the partition's vCPU was slow
 * to leave guest context, on a loaded host), at most 100 times 20 ms apart. */
static uint32_t restart(uint32_t h)
{
	uint32_t st = hcall1(FH_PARTITION_RESTART, h);

	for (int i = 0; st == EV_EAGAIN && i < 100; i++) {
		printf("restart: busy, again\n");
		guest_udelay(20000);
		st = hcall1(FH_PARTITION_RESTART, h);
	}
	return st;
}

/* The worker's armed flag and the bytes of its inflight[] that are not zero (same image: the
 * same addresses), or -1 if PARTITION_MEMCPY fails. */
static int worker_landed(uint32_t h, uint32_t *was_armed)
{
	static uint8_t copy[LEN];
	static uint32_t flag;

	if (guest_partition_memcpy(h, 0xffffffffu, (uint32_t)(uintptr_t)&armed,
				   (uint32_t)(uintptr_t)&flag, sizeof(flag)) ||
	    guest_partition_memcpy(h, 0xffffffffu, (uint32_t)(uintptr_t)inflight,
				   (uint32_t)(uintptr_t)copy, LEN))
		return -1;
	*was_armed = flag;
	return count_not(copy, LEN, 0);
}

/* Stop the worker while its transfer is in flight (again after a restart when the stop came
 * between two transfers, at most 10 times); with stop_dma, FH_PARTITION_STOP_DMA at once.
 * Then, 300 ms later (the transfer needs 100), the bytes of it that landed after the stop. */
static int stop_in_flight(uint32_t h, int ch, int stop_dma)
{
	for (int tries = 0; tries < 10; tries++) {
		uint32_t st = hcall1(FH_PARTITION_STOP, h), dst = 0, was = 0;
		int before;

		if (stop_dma)
			dst = hcall1(FH_PARTITION_STOP_DMA, h);
		before = worker_landed(h, &was);
		if (st || dst || before < 0) {
			printf("stop: status %lu, stop_dma: status %lu\n", (unsigned long)st,
			       (unsigned long)dst);
			return -1;
		}
		if (was && !before) {
			guest_udelay(300000);
			return worker_landed(h, &was);
		}
		if (hcall1(FH_PARTITION_RESTART, h) || wait_byte(ch))
			return -1;
	}
	return -1;
}

/* mode=defer: the worker's partition has defer-dma-disable. */
static int manager_defer(uint32_t h, int ch)
{
	uint32_t start_args[8] = { h, 0, 1 }; /* handle, entry (unused), reload the image */

	if (wait_byte(ch))
		return 1;
	printf("stop_dma while running: status %lu\n",
	       (unsigned long)hcall1(FH_PARTITION_STOP_DMA, h));
	printf("stopped, DMA deferred: %d bytes landed after the stop\n", stop_in_flight(h, ch, 0));
	printf("stop_dma: status %lu\n", (unsigned long)hcall1(FH_PARTITION_STOP_DMA, h));
	printf("stop_dma again: status %lu\n", (unsigned long)hcall1(FH_PARTITION_STOP_DMA, h));
	if (hcall1(FH_PARTITION_RESTART, h) || wait_byte(ch))
		return 1;
	printf("stopped, stop_dma at once: %d bytes landed after the stop\n",
	       stop_in_flight(h, ch, 1));
	if (hcall1(FH_PARTITION_RESTART, h) || wait_byte(ch))
		return 1;
	/* stopped with the DMA deferred, then started: the start quiesces before the scrub
	 * (the worker's next run reports the transfer left in flight) */
	printf("stop: status %lu\n", (unsigned long)hcall1(FH_PARTITION_STOP, h));
	printf("start: status %lu\n", (unsigned long)hcall(FH_PARTITION_START, start_args));
	if (wait_byte(ch))
		return 1;
	printf("manager: done\n");
	return 0;
}

/* After a wait of unknown length (a key): the worker's beat bytes that came meanwhile are
 * dropped and the next one, sent right after it started a new transfer, awaited, so that
 * the first restart finds the transfer as young as every later one does. 0, or -1. */
static void drain(int ch)
{
	uint32_t got = 0;
	uint8_t b[16];

	while (bc_receive((uint32_t)ch, b, sizeof(b), &got) == EV_SUCCESS && got)
		;
}

static int fresh_byte(int ch)
{
	guest_udelay(20000); /* the operator's console goes back to the shell */
	drain(ch);
	return wait_byte(ch);
}

static int wait_key(void);

/* go=key: after the key, two restarts that are not counted (a restart soon after the
 * host-timed console input was seen stretched under QEMU's -icount round robin), each after
 * the worker's next word. */
static int warm_up(uint32_t h, int ch)
{
	if (wait_key() || fresh_byte(ch))
		return -1;
	for (int i = 1; i <= 2; i++) {
		printf("warm-up restart %d: status %lu\n", i, (unsigned long)restart(h));
		drain(ch);
		if (wait_byte(ch))
			return -1;
	}
	return 0;
}

/* A key typed on the console within 60 s: 0, or -1. */
static int wait_key(void)
{
	uint64_t end = guest_tb() + guest_us_to_tb(60000000);

	printf("manager: press a key to start\n");
	while (guest_console_getc() < 0) {
		if ((int64_t)(guest_tb() - end) > 0) {
			printf("manager: no key\n");
			return -1;
		}
		guest_udelay(1000);
	}
	return 0;
}

static int manager(void)
{
	uint64_t rounds = guest_arg_u64("count", 10);
	int h = managed_handle(), ch = guest_bc_find("worker");
	char key[8];
	int go = guest_arg_str("go", key, sizeof(key)) && !strcmp(key, "key");

	memset(victim, 0x5A, sizeof(victim));
	printf("manager: worker handle %d, channel %d, watching %u bytes at 0x%lx\n", h, ch,
	       (unsigned)sizeof(victim), (unsigned long)(uintptr_t)victim);
	if (h < 0 || ch < 0)
		return 1;
	/* a 1 ms tick for QEMU's -icount round robin, which lets a spinning CPU run until the
	 * next timer deadline (up to 100 ms of virtual time): with it the manager, which spins
	 * while it waits for its worker, hands the host thread back every 1 ms, and a restart
	 * takes the same virtual time whenever it happens */
	guest_tick_start(1000);
	if (guest_arg_str("mode", key, sizeof(key)) && !strcmp(key, "defer"))
		return manager_defer((uint32_t)h, ch);
	for (uint64_t k = 1; k <= rounds + 1; k++) {
		if (wait_byte(ch)) {
			printf("manager: no word from the worker\n");
			return 1;
		}
		if (k > rounds)
			break;
		if (k == 1 && go && warm_up((uint32_t)h, ch))
			return 1;
		printf("restart %llu: status %lu\n", (unsigned long long)k,
		       (unsigned long)restart((uint32_t)h));
		/* Beats the run just restarted sent before it stopped are stale: the next byte
		 * must be the new run's, sent right after it armed its first transfer (tens of ms
		 * after the restart returns: it first waits for the left-over transfer). */
		drain(ch);
	}
	printf("manager: watched buffer: %d bytes changed\n",
	       count_not(victim, sizeof(victim), 0x5A));
	printf("manager: done\n");
	return 0;
}

/* What the previous run left: a transfer into inflight[] that may still be in the engine.
 * Bus mastering goes on first, so that only the fence can keep it out of memory. */
static void check_leftover(void)
{
	int busy = dma_busy();

	printf("bus master at start: %s\n", command() & CMD_MASTER ? "on" : "off");
	set_command(command() | CMD_MASTER);
	if (busy && dma_wait()) {
		printf("left-over DMA: timeout\n");
		return;
	}
	printf("left-over DMA %s: %d bytes landed\n",
	       busy ? "completed after the restart" : "none in flight",
	       count_not(inflight, LEN, 0));
}

/* inflight[] zeroed, armed, then a transfer into it. */
static void arm(void)
{
	for (int i = 0; i < LEN; i++)
		inflight[i] = 0;
	armed = 1;
	guest_sync();
	dma_start(EDU_BUF, (uintptr_t)inflight, EDU_TO_RAM);
}

static void steps(uint32_t h, uint64_t peer, uint64_t outside)
{
	printf("before enable: %d bytes landed\n", to_target());
	printf("enable: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, h));
	for (int i = 0; i < LEN; i++)
		pattern[i] = (uint8_t)(0x80 + i);
	guest_sync();
	dma_start((uintptr_t)pattern, EDU_BUF, 0);
	dma_wait();
	printf("after enable: %d bytes landed\n", to_target());
	printf("data: %s\n", memcmp(target, pattern, LEN) ? "differs" : "as sent");
	if (peer)
		printf("to the peer partition: %s\n",
		       to_bus(peer + (uintptr_t)victim, target) < 0 ? "timeout" : "done");
	if (outside)
		printf("outside the dma-window: %d bytes landed\n",
		       to_bus(outside, (volatile uint8_t *)(uintptr_t)outside));
	printf("bad handle: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, 63));
	printf("disable: status %lu\n", (unsigned long)hcall1(FH_DMA_DISABLE, h));
	printf("after disable: %d bytes landed\n", to_target());
	hcall1(FH_DMA_ENABLE, h);
}

/* mode=bme: edu and cfg are the first function's; the second's are switched in. */
static int bme(uint32_t dma1)
{
	volatile uint32_t *edu1 = edu, *edu2;
	volatile uint8_t *cfg1 = cfg, *cfg2;
	uint32_t dev2, dma2;
	int node = fdt_node_offset_by_compatible(guest_boot.fdt, -1, "bulkhead,pci-function");

	if (find_function_after(node, &dev2, &dma2) < 0 ||
	    !(cfg2 = map_region(dev2, BH_PCI_CONFIG_REGION_INDEX)) ||
	    !(edu2 = map_region(dev2, 0))) {
		printf("bme: no second function\n");
		return 1;
	}
	printf("first function: enable: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, dma1));
	set_command(command() | CMD_MASTER);
	printf("first function: %d bytes landed\n", to_target());
	edu = edu2;
	cfg = cfg2;
	set_command(command() | CMD_MASTER);
	printf("second function, source disabled, bus master %s: %d bytes landed\n",
	       command() & CMD_MASTER ? "on" : "off", to_target());
	printf("second function: enable: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, dma2));
	printf("second function, source enabled: %d bytes landed\n", to_target());
	printf("second function: disable: status %lu\n",
	       (unsigned long)hcall1(FH_DMA_DISABLE, dma2));
	printf("second function, source disabled again: %d bytes landed\n", to_target());
	edu = edu1;
	cfg = cfg1;
	printf("bme: done\n");
	return 0;
}

/* mode=race: two vCPUs, one handle. */
static volatile uint32_t race_go, race_done, race_handle, race_rounds, race_errors;

static void race_enable(void)
{
	if (hcall1(FH_DMA_ENABLE, race_handle) != EV_SUCCESS)
		atomic_add_return(&race_errors, 1);
}

static void racer(unsigned int cpu)
{
	for (uint32_t i = 1; i <= race_rounds; i++) {
		while (race_go < i)
			;
		race_enable();
		atomic_add_return(&race_done, 1);
	}
}

static int race(uint32_t h)
{
	uint64_t end;

	race_handle = h;
	race_rounds = (uint32_t)guest_arg_u64("rounds", 200);
	guest_sync();
	if (guest_start_cpu(1, 1, racer)) {
		printf("race: no second vCPU\n");
		return 1;
	}
	set_command(command() | CMD_MASTER);
	for (uint32_t i = 1; i <= race_rounds; i++) {
		race_go = i; /* both vCPUs enable at once */
		guest_sync();
		race_enable();
		end = guest_tb() + guest_us_to_tb(5000000);
		while (race_done < i && (int64_t)(guest_tb() - end) < 0)
			;
		if (race_done < i) {
			printf("race: vCPU 1 did not finish round %lu\n", (unsigned long)i);
			return 1;
		}
		hcall1(FH_DMA_DISABLE, h);
	}
	printf("race: %lu rounds of two enables and one disable, %lu errors\n",
	       (unsigned long)race_rounds, (unsigned long)race_errors);
	printf("race: after the last disable: %d bytes landed\n", to_target());
	printf("race: enable: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, h));
	printf("race: enabled: %d bytes landed\n", to_target());
	printf("race: disable: status %lu\n", (unsigned long)hcall1(FH_DMA_DISABLE, h));
	printf("race: disabled: %d bytes landed\n", to_target());
	printf("race: done\n");
	return 0;
}

int main(void)
{
	uint32_t dev, dma, sent;
	char role[16];
	int ch, beat;

	if (guest_arg_str("role", role, sizeof(role)) && !strcmp(role, "manager"))
		return manager();
	if (find_function(&dev, &dma)) {
		printf("dma: no PCI function with a DMA handle was given to this partition\n");
		return 1;
	}
	if (guest_arg_u64("claim", 0) && claim(dev, dma))
		return 1;
	cfg = map_region(dev, BH_PCI_CONFIG_REGION_INDEX);
	edu = map_region(dev, 0);
	if (!cfg || !edu || edu[0] != 0x010000edu) {
		printf("dma: no edu (id 0x%08lx)\n", edu ? (unsigned long)edu[0] : 0ul);
		return 1;
	}
	if (guest_arg_str("mode", role, sizeof(role)) && !strcmp(role, "bme"))
		return bme(dma);
	if (guest_arg_str("mode", role, sizeof(role)) && !strcmp(role, "race"))
		return race(dma);
	printf("dma handle %lu\n", (unsigned long)dma);
	check_leftover();
	steps(dma, guest_arg_u64("peer", 0), guest_arg_u64("outside", 0));
	/* one transfer into inflight[] that completes: its translation is then in the IOMMU's
	 * cache (VT-d's IOTLB), which the quiesce of a restart must invalidate, so that a quiesce
	 * without the invalidation (vtd-no-invalidate) lets the next one land every time */
	dma_start(EDU_BUF, (uintptr_t)inflight, EDU_TO_RAM);
	dma_wait();
	arm();
	printf("dma in flight\n");
	ch = guest_bc_find("mgr");
	beat = ch >= 0 && guest_arg_u64("beat", 0);
	if (ch >= 0)
		bc_send((uint32_t)ch, "R", 1, &sent);
	for (;;) { /* until the partition is stopped */
		dma_wait();
		armed = 0;
		arm();
		if (beat) /* a fresh transfer (the channel may be full) */
			bc_send((uint32_t)ch, "R", 1, &sent);
	}
}
