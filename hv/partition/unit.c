/* unit.c - the unit framework: finds the units of the hv_units section, sorts them by their
 * order once, runs their hooks in order (creation, reset, start) or in reverse (teardown), and
 * gives each unit's per-partition slot. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/unit.h>

#define UNIT_MAX 32

/* The section's bounds: link.ld defines them for the hypervisor; a host linker provides
 * __start_/__stop_ symbols for a section named like a C identifier. */
extern const struct unit *const __start_hv_units[], *const __stop_hv_units[];

/* The units sorted by order (stable: equal orders keep link order), built at first use. */
static const struct unit *sorted[UNIT_MAX];
static unsigned int nr_units;

static void sort_units(void)
{
	const struct unit *const *e;

	if (nr_units)
		return;
	for (e = __start_hv_units; e < __stop_hv_units && nr_units < UNIT_MAX; e++) {
		unsigned int i = nr_units++;

		while (i && sorted[i - 1]->order > (*e)->order) {
			sorted[i] = sorted[i - 1];
			i--;
		}
		sorted[i] = *e;
	}
}

unsigned int units_count(void)
{
	sort_units();
	return nr_units;
}

const struct unit *unit_nth(unsigned int n)
{
	return n < units_count() ? sorted[n] : NULL;
}

void *unit_slot(const struct partition *p, const struct unit *u)
{
	unsigned int i = (unsigned int)(p->id - 1); /* ids are 1-based */

	return u->slots && i < PART_MAX ? (char *)u->slots + i * u->slot_size : NULL;
}

static void clear_slot(const struct partition *p, const struct unit *u)
{
	void *s = unit_slot(p, u);

	if (s)
		memset(s, 0, u->slot_size);
}

static unsigned int nr_inited; /* units [0, nr_inited) have run init */

/* Exit units [0, nr_inited), last first. */
void units_exit(void)
{
	while (nr_inited--)
		if (sorted[nr_inited]->exit)
			sorted[nr_inited]->exit();
	nr_inited = 0;
}

/* Init every unit in order; a failure exits the ones before it (the failing one cleaned up
 * after itself). */
int units_init(const struct unit_env *env)
{
	nr_inited = 0;
	for (unsigned int i = 0; i < units_count(); i++) {
		int err = sorted[i]->init ? sorted[i]->init(env) : 0;

		if (err) {
			units_exit();
			return err;
		}
		nr_inited++;
	}
	return 0;
}

/* Destroy units [0, n) of p, last first. */
static void destroy_first(struct partition *p, unsigned int n)
{
	while (n--) {
		if (sorted[n]->destroy)
			sorted[n]->destroy(p);
		clear_slot(p, sorted[n]);
	}
}

int units_create(struct partition *p, const struct unit_env *env)
{
	for (unsigned int i = 0; i < units_count(); i++)
		clear_slot(p, sorted[i]); /* a unit may use another's slot at create */
	for (unsigned int i = 0; i < units_count(); i++) {
		int err = sorted[i]->partition_create ? sorted[i]->partition_create(p, env) : 0;

		if (err) {
			clear_slot(p, sorted[i]); /* it cleaned up after itself */
			destroy_first(p, i);
			return err;
		}
	}
	return 0;
}

void units_destroy(struct partition *p)
{
	destroy_first(p, units_count());
}

/* prestart (true) or prereset of every unit, last first, all of them: 0 or the first error. */
static int each_reverse(struct partition *p, bool prestart)
{
	int first = 0;

	for (unsigned int i = units_count(); i--;) {
		const struct unit *u = sorted[i];
		int (*op)(struct partition *) = prestart ? u->prestart : u->prereset;
		int err = op ? op(p) : 0;

		if (err && !first)
			first = err;
	}
	return first;
}

int units_prestart(struct partition *p)
{
	return each_reverse(p, true);
}

int units_prereset(struct partition *p)
{
	return each_reverse(p, false);
}

int units_reset(struct partition *p)
{
	for (unsigned int i = 0; i < units_count(); i++) {
		int err = sorted[i]->reset ? sorted[i]->reset(p) : 0;

		if (err)
			return err;
	}
	return 0;
}

void units_start(struct partition *p)
{
	for (unsigned int i = 0; i < units_count(); i++)
		if (sorted[i]->start)
			sorted[i]->start(p);
}

void units_stopped(struct partition *p)
{
	for (unsigned int i = units_count(); i--;)
		if (sorted[i]->stopped)
			sorted[i]->stopped(p);
}
