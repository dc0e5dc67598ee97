/* dma - drives QEMU's edu DMA engine from a partition to check the DMA hypercalls and the
 * fence from the guest's side (issue 6). Needs the hypervisor's bulkhead.selftest=dma, which
 * attaches the edu's DMA to the first partition (disabled, with a handle) and maps its
 * registers there, until PCI device assignment does it for real.
 * bootargs: edu=<guest address of BAR0> (default 0xc00000000), peer=<host address of
 * another partition's memory> (0 = skip). Prints one line per step, then keeps a DMA in flight
 * for ever (one transfer after the other), so that whenever the partition is restarted a
 * transfer is in flight; after the restart it checks that nothing of it landed. With a byte
 * channel named "mgr" it sends one byte there when the steps are done.
 * role=manager count=N: restart the partition it manages N times (FH_PARTITION_RESTART),
 * each time after that partition's byte on the channel named "worker" says its steps are done
 * and its DMA is in flight; meanwhile it watches a buffer of its own, which the other
 * partition aims a DMA at, and prints how many of its bytes ever changed.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <bulkhead/errors.h>
#include <bulkhead/hcall.h>
#include <guest/guest.h>

#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_START	0x1
#define EDU_TO_RAM	0x2
#define EDU_BUF		0x40000
#define LEN		64
#define MARK		0xEE

static uint8_t target[LEN] __attribute__((aligned(64)));
static uint8_t pattern[LEN] __attribute__((aligned(64)));
static uint8_t inflight[LEN] __attribute__((aligned(64)));
static uint8_t victim[4096] __attribute__((aligned(4096)));	/* role=check: watched bytes */
static volatile uint32_t *edu;

static void wr(unsigned int off, uint32_t v)
{
	edu[off / 4] = v;
	__asm__ volatile("mbar" ::: "memory");
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

/* 0 when the transfer finished within 1 s (it takes 100 ms). */
static int dma_wait(void)
{
	uint64_t end = guest_tb() + guest_us_to_tb(1000000);

	while (edu[EDU_DMA_CMD / 4] & EDU_START)
		if ((int64_t)(guest_tb() - end) > 0)
			return -1;
	__asm__ volatile("sync" ::: "memory");
	return 0;
}

static int count_not(const volatile uint8_t *p, size_t n, uint8_t v)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] != v;
	return k;
}

/* edu buffer -> target (marked first); bytes that landed, or -1 on a timeout. */
static int to_target(uint64_t bus, volatile uint8_t *where)
{
	memset((void *)where, MARK, LEN);
	__asm__ volatile("sync" ::: "memory");
	dma_start(EDU_BUF, bus, EDU_TO_RAM);
	return dma_wait() ? -1 : count_not(where, LEN, MARK);
}

static int find_dma_handle(void)
{
	for (uint32_t h = 0; h < 64; h++)
		if (hcall1(FH_DMA_DISABLE, h) == EV_SUCCESS)
			return (int)h;
	return -1;
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

static int manager(void)
{
	uint64_t rounds = guest_arg_u64("count", 10);
	int h = managed_handle(), ch = guest_bc_find("worker");

	memset(victim, 0x5A, sizeof(victim));
	printf("manager: worker handle %d, channel %d, watching %u bytes at 0x%lx\n", h, ch,
	       (unsigned)sizeof(victim), (unsigned long)(uintptr_t)victim);
	if (h < 0 || ch < 0)
		return 1;
	for (uint64_t k = 1; k <= rounds + 1; k++) {
		if (wait_byte(ch)) {
			printf("manager: no word from the worker\n");
			return 1;
		}
		if (k > rounds)
			break;
		printf("restart %llu: status %lu\n", (unsigned long long)k,
		       (unsigned long)restart((uint32_t)h));
	}
	printf("manager: watched buffer: %d bytes changed\n",
	       count_not(victim, sizeof(victim), 0x5A));
	printf("manager: done\n");
	return 0;
}

int main(void)
{
	uint64_t peer = guest_arg_u64("peer", 0);
	char role[16];
	int h;

	if (guest_arg_str("role", role, sizeof(role)) && !strcmp(role, "manager"))
		return manager();
	edu = guest_ioremap(guest_arg_u64("edu", 0xc00000000ull), 0x1000, 1);
	if (!edu || edu[0] != 0x010000edu) {
		printf("no edu (id 0x%08lx)\n", edu ? (unsigned long)edu[0] : 0ul);
		return 1;
	}
	/* The previous run left a DMA in flight into inflight[] when it stopped; had it got
	 * through after the restart's scrub, it would land within its 100 ms: look after 200. */
	for (uint64_t end = guest_tb() + guest_us_to_tb(200000); (int64_t)(guest_tb() - end) < 0;)
		;
	printf("scrubbed: %d bytes of the last in-flight target nonzero\n",
	       count_not(inflight, LEN, 0));
	h = find_dma_handle();
	printf("dma handle %d\n", h);
	if (h < 0)
		return 1;
	printf("before enable: %d bytes landed\n", to_target((uintptr_t)target, target));
	printf("enable: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, (uint32_t)h));
	for (int i = 0; i < LEN; i++)
		pattern[i] = (uint8_t)(0x80 + i);
	__asm__ volatile("sync" ::: "memory");
	dma_start((uintptr_t)pattern, EDU_BUF, 0);
	dma_wait();
	printf("after enable: %d bytes landed\n", to_target((uintptr_t)target, target));
	printf("data: %s\n", memcmp(target, pattern, LEN) ? "differs" : "as sent");
	if (peer)
		printf("to the peer partition: %s\n",
		       to_target(peer + (uintptr_t)victim, target) < 0 ? "timeout" : "done");
	printf("bad handle: status %lu\n", (unsigned long)hcall1(FH_DMA_ENABLE, 63));
	printf("disable: status %lu\n", (unsigned long)hcall1(FH_DMA_DISABLE, (uint32_t)h));
	printf("after disable: %d bytes landed\n", to_target((uintptr_t)target, target));
	hcall1(FH_DMA_ENABLE, (uint32_t)h);
	printf("dma in flight\n");
	dma_start(EDU_BUF, (uintptr_t)inflight, EDU_TO_RAM);
	if (guest_bc_find("mgr") >= 0) {
		uint32_t sent;

		bc_send((uint32_t)guest_bc_find("mgr"), "R", 1, &sent);
	}
	for (;;) {				/* until the partition is restarted */
		dma_start(EDU_BUF, (uintptr_t)inflight, EDU_TO_RAM);
		dma_wait();
	}
}
