/* attacker - tries to read physical memory that is not its own: for each target it maps
 * the page with a new TLB1 entry (tlbwe) and loads a word from it. Under Bulkhead the
 * hypervisor must stop the partition at the tlbwe (or the access); bare nothing stops it.
 * Prints "attacker: reading 0x<pa>" before each attempt and "attacker: read 0x<pa> =
 * 0x<value>" after a successful one, then "attacker: not stopped" and exits 0.
 * bootargs: target=0x<pa>[,0x<pa>...] (default: the first address after its /memory). */
#include <stdio.h>
#include <stdlib.h>
#include <guest/guest.h>

#define MAX_TARGETS 8

static int parse_targets(uint64_t *t)
{
	char buf[160], *p = buf, *end;
	int n = 0;

	if (!guest_arg_str("target", buf, sizeof(buf)))
		return 0;
	while (*p && n < MAX_TARGETS) {
		t[n++] = strtoull(p, &end, 0);
		if (end == p)
			break;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

static void attack(uint64_t pa)
{
	volatile uint32_t *va;
	uint32_t v;

	printf("attacker: reading 0x%llx\n", (unsigned long long)pa);
	va = guest_ioremap(pa & ~3ull, 4, 0);
	if (!va) {
		printf("attacker: no free TLB1 entry for 0x%llx\n", (unsigned long long)pa);
		return;
	}
	v = *va;
	printf("attacker: read 0x%llx = 0x%08lx\n", (unsigned long long)pa, (unsigned long)v);
}

int main(void)
{
	uint64_t targets[MAX_TARGETS];
	int n = parse_targets(targets), i;

	if (!n) {
		targets[0] = guest_boot.mem_base + guest_boot.mem_size;
		n = 1;
	}
	printf("attacker: own memory 0x%llx..0x%llx, %d target(s)\n",
	       (unsigned long long)guest_boot.mem_base,
	       (unsigned long long)(guest_boot.mem_base + guest_boot.mem_size - 1), n);
	for (i = 0; i < n; i++)
		attack(targets[i]);
	printf("attacker: not stopped\n");
	return 0;
}
