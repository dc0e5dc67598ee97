/* smp - two vCPUs: the boot CPU releases CPU 1 through the spin table named by its /cpus node
 * (cpu-release-addr), each prints "cpu N up", then both add 1 to a shared counter iters times
 * with atomic_add_return() (PowerPC lwarx/stwcx., x86 lock xadd) and the boot CPU checks the
 * total.
 * bootargs: iters=N (default 100000), timeout=MS (default 5000). Needs -smp 2 bare. */
#include <stdio.h>
#include <guest/guest.h>

/* Shared between the CPUs; all updates are atomic (atomic_add_return()). */
static volatile uint32_t counter;
static volatile uint32_t ready;   /* CPUs that reached the start line */
static volatile uint32_t done;    /* CPUs that finished their increments */
static volatile uint32_t hwid[2]; /* each CPU's hardware id (PIR, APIC id) */
static uint32_t iters;

static void add_many(void)
{
	uint32_t i;

	for (i = 0; i < iters; i++)
		atomic_add_return(&counter, 1);
}

/* Wait for *v >= target; 0 if it did not happen within ms milliseconds. */
static int wait_for(volatile uint32_t *v, uint32_t target, uint64_t ms)
{
	uint64_t start = guest_tb(), limit = guest_us_to_tb(ms * 1000);

	while (*v < target)
		if (guest_tb() - start > limit)
			return 0;
	return 1;
}

static void secondary(unsigned int cpu)
{
	hwid[1] = guest_hw_cpu_id();
	printf("cpu %u up\n", cpu);
	atomic_add_return(&ready, 1);
	while (ready < 2)
		;
	add_many();
	guest_sync();
	atomic_add_return(&done, 1);
}

int main(void)
{
	uint64_t ms = guest_arg_u64("timeout", 5000);
	int up;

	iters = (uint32_t)guest_arg_u64("iters", 100000);
	hwid[0] = guest_hw_cpu_id();
	printf("cpu 0 up\n");
	if (!guest_check(guest_start_cpu(1, 1, secondary) == 0, "cpu 1 has a spin table in /cpus",
			 "no cpu node with reg 1 and cpu-release-addr"))
		guest_finish("smp");
	up = wait_for(&ready, 1, ms);
	atomic_add_return(&ready, 1);
	if (!guest_check(up, "cpu 1 released through the spin table", "not up after %llu ms",
			 (unsigned long long)ms))
		guest_finish("smp");
	guest_check(hwid[0] != hwid[1], "the two cpus have distinct hardware ids", "both 0x%lx",
		    (unsigned long)hwid[0]);
	add_many();
	if (guest_check(wait_for(&done, 1, ms), "cpu 1 finished its increments",
			"not done after %llu ms", (unsigned long long)ms)) {
		printf("smp: counter=%lu expected=%lu\n", (unsigned long)counter,
		       (unsigned long)(2 * iters));
		guest_check(counter == 2 * iters, "atomic counter is exact on 2 cpus", "%lu != %lu",
			    (unsigned long)counter, (unsigned long)(2 * iters));
	}
	guest_finish("smp");
}
