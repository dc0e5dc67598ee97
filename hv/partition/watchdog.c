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

/* One partition's watchdog (the unit's slot): timeout in ms, 0 = none. The last feed is a
 * 32-bit millisecond count (wraps after 49 days; compared by difference): one aligned word,
 * so the console CPU never reads half of a feed that a vCPU is storing (a 64-bit time-base
 * value is two stores on 32-bit PowerPC). */
struct part_watchdog {
	volatile uint32_t last_feed_ms;
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

/* Milliseconds of the time base, modulo 2^32. */
static uint32_t now_ms(void)
{
	return (uint32_t)(arch_time_now() / (arch_time_freq() / 1000));
}

void watchdog_feed(struct partition *p)
{
	struct part_watchdog *w = wd_of(p);

	if (!w->timeout_ms)
		return;
	w->last_feed_ms = now_ms();
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
	uint32_t now = now_ms();

	for (unsigned int i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];
		struct part_watchdog *w = wd_of(p);

		if (p->state != PART_RUNNING || !w->armed || w->fired)
			continue;
		arch_mb(); /* the feed that armed it is seen with its time (the feeder's order) */
		if ((uint32_t)(now - w->last_feed_ms) > w->timeout_ms &&
		    (int32_t)(now - w->last_feed_ms) > 0)
			expire(p, w);
	}
}
