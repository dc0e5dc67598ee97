/* lnxabi - what an unmodified Linux (ePAPR paravirt, ehv_pic, ehv_bytechan, fsl_hypervisor)
 * expects of its partition, checked the way Linux uses it (issue 13):
 *   test=tree     the guest tree: boot CPU first in /cpus, every cpu-release-addr and the
 *                 tree itself under a /memreserve/ entry, /hypervisor fsl,hv-version, the
 *                 console byte channel's rx and tx interrupts at the epapr,hv-pic; with a
 *                 linux-rootfs, /chosen linux,initrd-start/-end and its first bytes.
 *   test=rx       interrupt-driven console input (ehv_bytechan): waits until a typed line is
 *                 in the channel, then takes it with the rx interrupt one byte per interrupt
 *                 (a level source must come again after EOI while bytes wait); then a second
 *                 line with no byte-channel call outside the interrupt handler; then the tx
 *                 interrupt, raised while there is room to send.
 *   test=txfull   fills the channel "peer", then waits for its tx interrupt (none while the
 *                 peer's ring is full, one when the peer frees space); test=drain is the peer:
 *                 it reads 64 bytes once a line is typed on its console.
 *   test=stop     PARTITION_STOP on handle -1 (Linux's halt / power off).
 *   test=restart  PARTITION_RESTART on handle -1 (Linux's reboot): boots again, restarts again.
 * Prints "PASS:"/"FAIL:" lines, then "lnxabi: N checks, M failed". */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <guest/guest.h>
#include <guest/device.h>

#define SELF         0xffffffffu /* the caller's own partition (FSL hcall handles) */
#define LINE_MAX_LEN 64
#define SPIN_ENTRY   32   /* ePAPR spin-table entry */
#define CONFIG_LEVEL 0x2u /* EV_INT_SET_CONFIG: level sensitive */

static uint32_t console, rx_irq = ~0u, tx_irq = ~0u;

/* Filled by the external-interrupt handler only. */
static volatile char line[LINE_MAX_LEN + 1];
static volatile uint32_t line_len, lines_done, rx_irqs, tx_irqs, stranded, lost;

/* ---- tree ---------------------------------------------------------------------------- */

static int reserved(uint64_t addr, uint64_t len)
{
	const void *fdt = guest_boot.fdt;

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		uint64_t a, s;

		if (!fdt_get_mem_rsv(fdt, i, &a, &s) && addr >= a && len <= s &&
		    addr - a <= s - len)
			return 1;
	}
	return 0;
}

static void check_cpus(void)
{
	const void *fdt = guest_boot.fdt;
	int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0, ordered = 1, first = -1;
	int release_ok = 1, releases = 0;
	uint32_t last = 0;

	fdt_for_each_subnode(node, fdt, cpus)
	{
		const fdt32_t *rel = fdt_getprop(fdt, node, "cpu-release-addr", NULL);
		uint32_t reg = guest_fdt_u32(node, "reg", ~0u);

		if (!n++)
			first = (int)reg;
		else if (reg <= last)
			ordered = 0;
		last = reg;
		if (rel) {
			uint64_t a = ((uint64_t)fdt32_to_cpu(rel[0]) << 32) | fdt32_to_cpu(rel[1]);

			releases++;
			release_ok &= reserved(a, SPIN_ENTRY);
		}
	}
	guest_check(n && first == (int)fdt_boot_cpuid_phys(fdt) && ordered,
		    "the boot CPU comes first in /cpus, the others in order",
		    "%d cpus, first reg %d, boot_cpuid_phys %lu, ordered %d", n, first,
		    (unsigned long)fdt_boot_cpuid_phys(fdt), ordered);
	guest_check(releases == n - 1 && release_ok,
		    "every cpu-release-addr is under a /memreserve/ entry",
		    "%d release addresses for %d cpus, all reserved: %d", releases, n, release_ok);
	guest_check(reserved((uint32_t)fdt, fdt_totalsize(fdt)),
		    "the device tree itself is under a /memreserve/ entry", NULL);
}

/* The stdout byte channel's node (/chosen stdout-path), or negative. */
static int console_node(void)
{
	const void *fdt = guest_boot.fdt;
	const char *path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", NULL);

	return path ? fdt_path_offset(fdt, path) : -FDT_ERR_NOTFOUND;
}

/* rx_irq, tx_irq from the console node: interrupts = <rx sense tx sense> at the hv-pic. */
static int find_irqs(void)
{
	const void *fdt = guest_boot.fdt;
	int node = console_node(), len = 0, pic;
	const fdt32_t *irqs = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;

	if (!irqs || len != 16)
		return -1;
	pic = fdt_node_offset_by_phandle(fdt, guest_fdt_u32(node, "interrupt-parent", 0));
	if (pic < 0 || fdt_node_check_compatible(fdt, pic, "epapr,hv-pic"))
		return -1;
	rx_irq = fdt32_to_cpu(irqs[0]);
	tx_irq = fdt32_to_cpu(irqs[2]);
	return 0;
}

/* linux-rootfs: /chosen names it, and it holds what the test put there. */
static void check_rootfs(void)
{
	static const char magic[] = "BULKHEAD-ROOTFS\n";
	const void *fdt = guest_boot.fdt;
	int chosen = fdt_path_offset(fdt, "/chosen"), l1 = 0, l2 = 0;
	const fdt32_t *s = fdt_getprop(fdt, chosen, "linux,initrd-start", &l1);
	const fdt32_t *e = fdt_getprop(fdt, chosen, "linux,initrd-end", &l2);
	uint32_t start, end;

	if (!s && !e)
		return; /* none configured */
	start = l1 == 8 ? fdt32_to_cpu(s[1]) : 0;
	end = l2 == 8 ? fdt32_to_cpu(e[1]) : 0;
	guest_check(start && end > start && end - start >= sizeof(magic) - 1 &&
			    !memcmp((const void *)start, magic, sizeof(magic) - 1),
		    "the linux-rootfs is where /chosen linux,initrd-start says",
		    "start 0x%lx end 0x%lx", (unsigned long)start, (unsigned long)end);
	printf("lnxabi: initrd 0x%lx-0x%lx\n", (unsigned long)start, (unsigned long)end);
}

static void test_tree(void)
{
	const void *fdt = guest_boot.fdt;

	check_rootfs();
	check_cpus();
	guest_check(fdt_getprop(fdt, fdt_path_offset(fdt, "/hypervisor"), "fsl,hv-version", NULL) !=
			    NULL,
		    "/hypervisor has fsl,hv-version", NULL);
	guest_check(!find_irqs() && rx_irq != tx_irq,
		    "the console byte channel has rx and tx interrupts at the epapr,hv-pic", NULL);
}

/* ---- interrupts ---------------------------------------------------------------------- */

/* One byte per rx interrupt (ehv_bytechan reads what poll says; one byte at a time makes the
 * level matter): bytes still waiting at EOI must bring the interrupt again, which the next
 * IACK of this loop sees. A line ends at CR or LF. */
static void take_rx(void)
{
	uint32_t got = 0, waiting = 0, room;
	char c;

	rx_irqs++;
	bc_receive(console, &c, 1, &got);
	if (got && (c == '\r' || c == '\n')) {
		if (line_len)
			lines_done++;
	} else if (got && line_len < LINE_MAX_LEN && lines_done < 2) {
		line[line_len++] = c;
	}
	bc_poll(console, &waiting, &room);
	ev_int_eoi(rx_irq);
	if (waiting)
		stranded = 1; /* cleared when IACK hands rx out again */
}

static void external(struct guest_frame *f)
{
	uint32_t vec;

	while (ev_int_iack(&vec) == EV_SUCCESS && vec != 0xffff) {
		if (vec == rx_irq) {
			stranded = 0;
			take_rx();
		} else if (vec == tx_irq) {
			tx_irqs++;
			ev_int_set_mask(tx_irq, 1); /* as ehv_bytechan: nothing more to send */
			ev_int_eoi(tx_irq);
		} else {
			ev_int_eoi(vec);
		}
	}
	if (stranded) /* bytes wait, the level source was not presented again */
		lost++;
	stranded = 0;
}

static int wait_for(volatile uint32_t *v, uint32_t want, uint64_t us)
{
	uint64_t t0 = guest_tb(), limit = guest_us_to_tb(us);

	while (*v < want && guest_tb() - t0 < limit)
		; /* memory only: no byte-channel call here */
	return *v >= want;
}

static void show_line(void)
{
	char copy[LINE_MAX_LEN + 1];

	for (uint32_t i = 0; i < line_len; i++)
		copy[i] = line[i];
	copy[line_len] = '\0';
	printf("lnxabi: got \"%s\"\n", copy);
}

static void test_rx(void)
{
	uint32_t waiting = 0, room = 0;
	uint64_t t0 = guest_tb(), limit = guest_us_to_tb(60000000);

	console = (uint32_t)guest_console_handle();
	if (!guest_check(!find_irqs(), "the console byte channel has rx and tx interrupts", NULL))
		return;
	guest_set_handler(4, external);
	ev_int_set_config(rx_irq, CONFIG_LEVEL, 8, 0);
	ev_int_set_config(tx_irq, CONFIG_LEVEL, 8, 0);
	/* set-up only: let a whole typed line gather in the channel, rx masked */
	printf("lnxabi: type a line\n");
	while (bc_poll(console, &waiting, &room) == EV_SUCCESS && waiting < 7 &&
	       guest_tb() - t0 < limit)
		guest_udelay(1000);
	ev_int_set_mask(rx_irq, 0);
	guest_irq_enable();
	/* the whole line waits already: it is taken at once unless bytes get stranded */
	if (!guest_check(wait_for(&lines_done, 1, 3000000) && !lost,
			 "each waiting byte came with an rx interrupt (level: again after EOI)",
			 "lines %lu, rx interrupts %lu, bytes left waiting after EOI %lu times",
			 (unsigned long)lines_done, (unsigned long)rx_irqs, (unsigned long)lost))
		return;
	show_line();
	line_len = 0;
	printf("lnxabi: waiting for input, interrupts only\n");
	guest_check(wait_for(&lines_done, 2, 60000000), "a typed line arrived by interrupt",
		    "rx interrupts %lu", (unsigned long)rx_irqs);
	show_line();
	ev_int_set_mask(tx_irq, 0); /* the console has room: tx comes at once */
	guest_check(wait_for(&tx_irqs, 1, 1000000), "the tx interrupt comes while there is room",
		    NULL);
	guest_irq_disable();
}

/* ---- tx: an interrupt when the peer frees space ------------------------------------------ */

/* The byte channel labelled name: its handle and tx interrupt. */
static int channel(const char *name, uint32_t *h, uint32_t *tx)
{
	const void *fdt = guest_boot.fdt;
	int node = -1, len = 0;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "epapr,hv-byte-channel")) >= 0) {
		const char *label = fdt_getprop(fdt, node, "label", NULL);
		const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);

		if (label && !strcmp(label, name) && irqs && len == 16) {
			*h = guest_fdt_u32(node, "hv-handle", ~0u);
			*tx = fdt32_to_cpu(irqs[2]);
			return 0;
		}
	}
	return -1;
}

/* Fill the peer's ring, then wait by interrupt only for room (the peer drains some when the
 * test tells it to): tx must stay quiet while the ring is full and come when space frees. */
static void test_txfull(void)
{
	static const char chunk[16] = "0123456789abcdef";
	uint32_t sent = 0, total = 0, st = EV_SUCCESS;
	int calls = 0;

	if (!guest_check(!channel("peer", &console, &tx_irq), "the peer channel has interrupts",
			 NULL))
		return;
	while (calls++ < 1024 / 16 + 2 && (st = bc_send(console, chunk, 16, &sent)) == EV_SUCCESS)
		total += sent;
	guest_check(st == EV_EAGAIN && total == 1024, "the peer's ring fills (1024 bytes)",
		    "status %lu after %lu bytes", (unsigned long)st, (unsigned long)total);
	guest_set_handler(4, external);
	ev_int_set_config(tx_irq, CONFIG_LEVEL, 8, 0);
	ev_int_set_mask(tx_irq, 0);
	guest_irq_enable();
	guest_check(!tx_irqs, "no tx interrupt while the peer's ring is full", "%lu taken",
		    (unsigned long)tx_irqs);
	printf("lnxabi: tx full, waiting\n");
	guest_check(wait_for(&tx_irqs, 1, 30000000),
		    "the tx interrupt comes when the peer frees "
		    "space",
		    NULL);
	guest_irq_disable();
}

/* The other end: once the test types a line here, read 64 bytes of what waits. */
static void test_drain(void)
{
	uint32_t h, tx, got = 0, total = 0;
	char buf[16];
	int c;

	if (channel("peer", &h, &tx))
		return;
	printf("lnxabi: press Enter to drain\n");
	while ((c = guest_console_getc()) != '\r' && c != '\n')
		guest_udelay(1000);
	for (int i = 0; i < 4; i++)
		if (bc_receive(h, buf, sizeof(buf), &got) == EV_SUCCESS)
			total += got;
	printf("lnxabi: drained %lu bytes\n", (unsigned long)total);
}

/* ---- self stop / restart --------------------------------------------------------------- */

static void test_self(uint32_t token, const char *what)
{
	uint32_t r[8] = { SELF };
	uint32_t st;

	printf("lnxabi: %s myself\n", what);
	st = hcall(token, r);
	/* only reached if the call was refused: Linux would spin here for ever */
	printf("lnxabi: %s on handle -1 returned %lu\n", what, (unsigned long)st);
}

int main(void)
{
	char test[16] = "tree";

	guest_arg_str("test", test, sizeof(test));
	if (!strcmp(test, "tree"))
		test_tree();
	else if (!strcmp(test, "rx"))
		test_rx();
	else if (!strcmp(test, "txfull"))
		test_txfull();
	else if (!strcmp(test, "drain"))
		test_drain();
	else if (!strcmp(test, "stop"))
		test_self(FH_PARTITION_STOP, "PARTITION_STOP");
	else if (!strcmp(test, "restart"))
		test_self(FH_PARTITION_RESTART, "PARTITION_RESTART");
	else
		printf("FAIL: unknown test \"%s\"\n", test);
	guest_finish("lnxabi");
}
