/* watchdog.c - per-partition software watchdogs (the watchdog unit). The guest uses the Book E
 * watchdog as on bare e500mc: it feeds by writing 1 to TSR[ENW]/TSR[WIS] (E500MCRM 2.8.3). The
 * first feed arms the watchdog; if no feed follows within the config's watchdog-timeout, the
 * partition is handled per bulkhead,watchdog-action. The check runs on the console CPU (the CPU
 * without a vCPU), so a guest spinning with interrupts off is caught too. */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/event.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include <hv/watchdog.h>

/* One partition's watchdog (the unit's slot): timeout in time-base ticks, 0 = none. */
struct part_watchdog {
	uint64_t timeout, last_feed;
	uint32_t timeout_ms, expiries;
	enum cfg_watchdog_action action;
	volatile bool armed, fired;
};

static struct part_watchdog watchdogs[PART_MAX];
static const char *const action_names[] = { "restarting it", "stopping it", "reported only" };
/* the same, as the config spells them (bulkhead,watchdog-action): the fault event's msg */
static const char *const action_keys[] = { "reset", "stop", "notify" };

static int wd_create(struct partition *p, const struct unit_env *env);
static int wd_reset(struct partition *p);

DEFINE_UNIT(watchdog, .order = UNIT_ORDER_WATCHDOG, UNIT_SLOTS(watchdogs),
	    .partition_create = wd_create, .reset = wd_reset);

static struct part_watchdog *wd_of(const struct partition *p)
{
	return unit_slot(p, &watchdog_unit);
}

static int wd_create(struct partition *p, const struct unit_env *env)
{
	const struct cfg_partition *cp = &env->cfg->part[p->cfg_index];
	struct part_watchdog *w = wd_of(p);

	w->timeout_ms = cp->watchdog_ms;
	w->timeout = arch_time_freq() / 1000 * cp->watchdog_ms;
	w->action = cp->watchdog_action;
	return 0;
}

/* Each start forgets the last run's feeds. */
static int wd_reset(struct partition *p)
{
	struct part_watchdog *w = wd_of(p);

	w->armed = false;
	w->fired = false;
	return 0;
}

void watchdog_feed(struct partition *p)
{
	struct part_watchdog *w = wd_of(p);

	if (!w->timeout)
		return;
	w->last_feed = arch_time_now();
	w->fired = false;
	arch_mb();
	w->armed = true;
}

static void expire(struct partition *p, struct part_watchdog *w)
{
	w->fired = true;
	w->expiries++;
	hv_printf("partition %s: watchdog expired (no feed for %u ms): %s\n", p->name,
		  (unsigned)w->timeout_ms, action_names[w->action]);
	event_fault(p, "watchdog", -1, action_keys[w->action]);
	if (w->action == CFG_WATCHDOG_RESET)
		partition_restart(p);
	else if (w->action == CFG_WATCHDOG_STOP)
		partition_stop(p, "watchdog");
}

void watchdog_poll(void)
{
	uint64_t now = arch_time_now();

	for (unsigned int i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];
		struct part_watchdog *w = wd_of(p);

		if (p->state == PART_RUNNING && w->armed && !w->fired &&
		    now - w->last_feed > w->timeout)
			expire(p, w);
	}
}
