/* watchdog.c - per-partition software watchdogs. The guest uses the Book E watchdog as on
 * bare e500mc: it feeds by writing 1 to TSR[ENW]/TSR[WIS] (E500MCRM 2.8.3). The first feed arms
 * the watchdog; if no feed follows within the config's watchdog-timeout, the partition is
 * handled per bulkhead,watchdog-action. The check runs on the console CPU (the CPU without a
 * vCPU), so a guest spinning with interrupts off is caught too. */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/event.h>
#include <hv/partition.h>
#include <hv/watchdog.h>

static const char *const action_names[] = { "restarting it", "stopping it", "reported only" };

void watchdog_reset(struct partition *p)
{
	p->wd_armed = false;
	p->wd_fired = false;
}

void watchdog_feed(struct partition *p)
{
	if (!p->wd_timeout)
		return;
	p->wd_last_feed = arch_time_now();
	p->wd_fired = false;
	arch_mb();
	p->wd_armed = true;
}

static void expire(struct partition *p)
{
	p->wd_fired = true;
	p->wd_expiries++;
	hv_printf("partition %s: watchdog expired (no feed for %u ms): %s\n", p->name,
		  (unsigned)p->wd_timeout_ms, action_names[p->wd_action]);
	event_fault(p, "watchdog", -1, action_names[p->wd_action]);
	if (p->wd_action == CFG_WATCHDOG_RESET)
		partition_restart(p);
	else if (p->wd_action == CFG_WATCHDOG_STOP)
		partition_stop(p, "watchdog");
}

void watchdog_poll(void)
{
	uint64_t now = arch_time_now();

	for (unsigned int i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];

		if (p->state == PART_RUNNING && p->wd_armed && !p->wd_fired &&
		    now - p->wd_last_feed > p->wd_timeout)
			expire(p);
	}
}
