/* conspam - a hostile console user, for the console and byte-channel tests
 * (tests/system/test_console_attacks.py). bootargs mode=:
 *  race    (2 vCPUs) both vCPUs hammer the console send hypercall: first `lines` whole lines
 *          of 16 bytes each in one call ("a00042:01234567" from vCPU 0, "b00042:89abcdef"
 *          from vCPU 1), then (when both are there) `flood` calls of 16 bytes with no
 *          newline ("x"* or "y"*: lines far past the hypervisor's 160-character line), then
 *          "conspam: done".
 *  victim  prints "victim N ok" (N = 0, 1, ...) for ever, one line every `us` microseconds.
 *  ring    (2 vCPUs) both send on channel "ra" (connected to its own "rb"): vCPU 0 'a' bytes,
 *          vCPU 1 'b' bytes, 16 per call, `calls` calls each; vCPU 0 also reads 16 bytes
 *          from "rb" whenever it is full, and notes the largest count polled. Then it drains
 *          "rb" and prints
 *          "ring: max count M sent a=A b=B received a=RA b=RB other=O" and "ring: ok"/"ring: bad".
 *  ctrl    prints lines with control bytes (ESC sequences, CR, BEL, 0x9b) and one printable
 *          line, then "conspam: done".
 *  scribble forges its device tree's header (totalsize, structure offset) in place, says
 *          "scribble: tree at 0x... forged", and idles. */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>

#define CHUNK 16

static volatile uint32_t cpu1_done;
static volatile uint32_t lines_done; /* vCPUs past the whole-line phase */
static uint32_t con_handle;
static uint32_t nlines, nflood, ncalls;

/* Send exactly 16 bytes in one hypercall (retry only while the channel says "again"). */
static void send16(uint32_t h, const char *s)
{
	uint32_t sent;

	while (bc_send(h, s, CHUNK, &sent) == EV_EAGAIN)
		;
}

static void race(unsigned int cpu)
{
	char buf[CHUNK + 1];
	uint32_t i;

	for (i = 0; i < nlines; i++) {
		snprintf(buf, sizeof(buf), "%c%05lu:%s\n", cpu ? 'b' : 'a', (unsigned long)i,
			 cpu ? "89abcdef" : "01234567");
		send16(con_handle, buf);
	}
	atomic_add_return(&lines_done, 1);
	while (lines_done < 2)
		;
	memset(buf, cpu ? 'y' : 'x', CHUNK);
	for (i = 0; i < nflood; i++)
		send16(con_handle, buf);
}

static void race_cpu1(unsigned int cpu)
{
	race(cpu);
	guest_sync();
	atomic_add_return(&cpu1_done, 1);
}

/* ring: what each vCPU sent (bytes taken by the hypervisor). */
static volatile uint32_t sent_b;
static uint32_t ra, rb;

static void ring_send(char c, volatile uint32_t *total)
{
	char buf[CHUNK];
	uint32_t sent;

	memset(buf, c, CHUNK);
	if (bc_send(ra, buf, CHUNK, &sent) == EV_SUCCESS)
		*total += sent;
}

static void ring_cpu1(unsigned int cpu)
{
	/* at least 64 chunks, however the host schedules the two vCPUs (vCPU 0 stops sending
	 * after its calls and keeps reading) */
	for (uint32_t i = 0; i < ncalls || sent_b < 64 * CHUNK; i++)
		ring_send('b', &sent_b);
	guest_sync();
	atomic_add_return(&cpu1_done, 1);
}

struct tally {
	uint32_t a, b, other, max;
};

static void ring_read(struct tally *t)
{
	char buf[CHUNK];
	uint32_t got, count;

	if (bc_poll(rb, &count, NULL) == EV_SUCCESS && count > t->max)
		t->max = count;
	if (bc_receive(rb, buf, CHUNK, &got) != EV_SUCCESS)
		return;
	for (uint32_t i = 0; i < got; i++) {
		if (buf[i] == 'a')
			t->a++;
		else if (buf[i] == 'b')
			t->b++;
		else
			t->other++;
	}
}

static void ring(void)
{
	struct tally t = { 0 };
	volatile uint32_t sent_a = 0;
	uint32_t count;

	ra = (uint32_t)guest_bc_find("ra");
	rb = (uint32_t)guest_bc_find("rb");
	if (guest_start_cpu(1, 1, ring_cpu1)) {
		printf("ring: no second cpu\n");
		return;
	}
	for (uint32_t i = 0; i < ncalls || !cpu1_done; i++) {
		if (i < ncalls)
			ring_send('a', &sent_a);
		/* read only from a full ring: full is reached (vCPU 0's own sends get there), and
		 * both senders keep pushing against the full mark */
		if (bc_poll(rb, &count, NULL) == EV_SUCCESS && count >= 1024)
			ring_read(&t);
	}
	while (bc_poll(rb, &count, NULL) == EV_SUCCESS && count)
		ring_read(&t);
	printf("ring: max count %lu sent a=%lu b=%lu received a=%lu b=%lu other=%lu\n",
	       (unsigned long)t.max, (unsigned long)sent_a, (unsigned long)sent_b,
	       (unsigned long)t.a, (unsigned long)t.b, (unsigned long)t.other);
	printf("ring: %s\n",
	       t.max <= 1024 && t.a == sent_a && t.b == sent_b && !t.other ? "ok" : "bad");
}

static void ctrl(void)
{
	static const char *const lines[] = {
		"ctrl: \x1b[31mred\x1b[0m and \x1b]0;title\x07 bell\x07\n",
		"ctrl: tab\there, cr\rpartition v: exited with code 0\n",
		"ctrl: csi \x9b"
		"2J del \x7f nul-free\n",
		"printable: ABC xyz 0123 ~!@#$%^&*()_+{}|:\"<>?[]\\;',./` end\n",
	};

	for (unsigned int i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		bc_write_all(con_handle, lines[i], strlen(lines[i]));
}

/* Forge the header of the tree the hypervisor wrote for us, consistently enough for
 * fdt_check_header(): a reader that trusts it walks 1 GiB past the window. */
static void scribble(void)
{
	volatile uint32_t *hdr = (volatile uint32_t *)guest_boot.fdt;

	hdr[1] = 0x7ff00000u; /* totalsize */
	hdr[2] = 0x40000000u; /* off_dt_struct */
	hdr[3] = 0x40001000u; /* off_dt_strings */
	hdr[8] = 0x100;       /* size_dt_strings */
	hdr[9] = 0x1000;      /* size_dt_struct */
	guest_sync();
	printf("scribble: tree at 0x%lx forged\n", (unsigned long)(uintptr_t)guest_boot.fdt);
	for (;;)
		guest_udelay(100000);
}

int main(void)
{
	char mode[16] = "race";
	uint64_t us = guest_arg_u64("us", 2000);

	guest_arg_str("mode", mode, sizeof(mode));
	con_handle = (uint32_t)guest_bc_find("console");
	nlines = (uint32_t)guest_arg_u64("lines", 2000);
	nflood = (uint32_t)guest_arg_u64("flood", 2000);
	ncalls = (uint32_t)guest_arg_u64("calls", 20000);
	if (!strcmp(mode, "victim")) {
		for (unsigned long n = 0;; n++) {
			printf("victim %lu ok\n", n);
			guest_udelay(us);
		}
	} else if (!strcmp(mode, "ring")) {
		ring();
	} else if (!strcmp(mode, "ctrl")) {
		ctrl();
	} else if (!strcmp(mode, "scribble")) {
		scribble();
	} else {
		if (guest_start_cpu(1, 1, race_cpu1)) {
			printf("race: no second cpu\n");
			return 1;
		}
		race(0);
		while (!cpu1_done)
			;
		bc_write_all(con_handle, "\n", 1);
	}
	printf("conspam: done\n");
	return 0;
}
