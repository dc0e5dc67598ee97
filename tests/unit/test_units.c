/* test_units.c - the unit framework (hv/partition/unit.c) on the host, with units of its own: they are
 * found in the hv_units section and run sorted by order whatever the link order; creation runs
 * in order and a failing create unwinds the units before it in reverse (and only those);
 * teardown hooks run in reverse, all of them, with the first error; reset stops at the first
 * error; each unit's slot is per partition and zeroed before creation and after destroy. */
#include <string.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/unit.h>
#include "unit.h"

struct partition partitions[PART_MAX];

static char calls[512];           /* "create:a,create:b,..." in call order */
static const char *fail_create;   /* this unit's create fails */
static const char *fail_reset;    /* this unit's reset fails */
static const char *fail_prereset; /* this unit's prereset and prestart fail */
static const char *fail_init;     /* this unit's init fails */
static int a_slots[PART_MAX], b_slots[PART_MAX];

static void record(const char *what, const char *unit)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s%s:%s", n ? "," : "", what, unit);
}

/* One set of hooks per unit, told apart by name. */
#define HOOKS(u)                                                                  \
	static int u##_create(struct partition *p, const struct unit_env *e)      \
	{                                                                         \
		record("create", #u);                                             \
		return fail_create && !strcmp(fail_create, #u) ? -HV_ENOSPC : 0;  \
	}                                                                         \
	static void u##_destroy(struct partition *p)                              \
	{                                                                         \
		record("destroy", #u);                                            \
	}                                                                         \
	static int u##_prestart(struct partition *p)                              \
	{                                                                         \
		record("prestart", #u);                                           \
		return fail_prereset && !strcmp(fail_prereset, #u) ? -HV_EIO : 0; \
	}                                                                         \
	static int u##_prereset(struct partition *p)                              \
	{                                                                         \
		record("prereset", #u);                                           \
		return fail_prereset && !strcmp(fail_prereset, #u) ? -HV_EIO : 0; \
	}                                                                         \
	static int u##_reset(struct partition *p)                                 \
	{                                                                         \
		record("reset", #u);                                              \
		return fail_reset && !strcmp(fail_reset, #u) ? -HV_EINVAL : 0;    \
	}                                                                         \
	static void u##_start(struct partition *p)                                \
	{                                                                         \
		record("start", #u);                                              \
	}                                                                         \
	static void u##_stopped(struct partition *p)                              \
	{                                                                         \
		record("stopped", #u);                                            \
	}                                                                         \
	static int u##_init(const struct unit_env *e)                             \
	{                                                                         \
		record("init", #u);                                               \
		return fail_init && !strcmp(fail_init, #u) ? -HV_ENOMEM : 0;      \
	}                                                                         \
	static void u##_exit(void)                                                \
	{                                                                         \
		record("exit", #u);                                               \
	}

#define ALL_HOOKS(u)                                                                      \
	.destroy = u##_destroy, .prestart = u##_prestart, .prereset = u##_prereset,       \
	.reset = u##_reset, .start = u##_start, .stopped = u##_stopped, .init = u##_init, \
	.exit = u##_exit

HOOKS(c)
HOOKS(a)
HOOKS(b)

static int c_create_sees_a; /* a's slot as c's create finds it (a runs first) */

static int c_create_checked(struct partition *p, const struct unit_env *e)
{
	extern const struct unit a_unit;

	c_create_sees_a = *(int *)unit_slot(p, &a_unit);
	return c_create(p, e);
}

/* Linked c, a, b; ordered a (10), b (20), c (30); a unit with no hooks at all in between. */
DEFINE_UNIT(c, .order = 30, .partition_create = c_create_checked, ALL_HOOKS(c));
DEFINE_UNIT(a, .order = 10, UNIT_SLOTS(a_slots), .partition_create = a_create, ALL_HOOKS(a));
DEFINE_UNIT(empty, .order = 15);
DEFINE_UNIT(b, .order = 20, UNIT_SLOTS(b_slots), .partition_create = b_create, ALL_HOOKS(b));

static void reset_calls(void)
{
	calls[0] = 0;
	fail_create = fail_reset = fail_prereset = fail_init = NULL;
}

static void test_order(void)
{
	CHECK_EQ(units_count(), 4);
	CHECK(!strcmp(unit_nth(0)->name, "a"));
	CHECK(!strcmp(unit_nth(1)->name, "empty"));
	CHECK(!strcmp(unit_nth(2)->name, "b"));
	CHECK(!strcmp(unit_nth(3)->name, "c"));
	CHECK(unit_nth(4) == NULL);
}

static void test_create_and_slots(struct partition *p1, struct partition *p2)
{
	reset_calls();
	a_slots[0] = 7; /* left over: zeroed before creation */
	CHECK_EQ(units_create(p1, NULL), 0);
	CHECK(!strcmp(calls, "create:a,create:b,create:c"));
	CHECK_EQ(a_slots[0], 0);
	*(int *)unit_slot(p1, &a_unit) = 11;
	*(int *)unit_slot(p2, &a_unit) = 22;
	CHECK_EQ(a_slots[0], 11);
	CHECK_EQ(a_slots[1], 22);
	CHECK(unit_slot(p1, &b_unit) == &b_slots[0]);
	CHECK(unit_slot(p1, &c_unit) == NULL); /* no slots */
	CHECK_EQ(c_create_sees_a, 0);
}

/* b fails: b's slot is zeroed, a is destroyed, c never created. */
static void test_failed_create(struct partition *p)
{
	reset_calls();
	fail_create = "b";
	b_slots[1] = 5;
	CHECK_EQ(units_create(p, NULL), -HV_ENOSPC);
	CHECK(!strcmp(calls, "create:a,create:b,destroy:a"));
	CHECK_EQ(b_slots[1], 0);

	reset_calls();
	fail_create = "a"; /* the first fails: nothing to unwind */
	CHECK_EQ(units_create(p, NULL), -HV_ENOSPC);
	CHECK(!strcmp(calls, "create:a"));

	reset_calls();
	fail_create = "c"; /* the last fails: b then a, in reverse */
	CHECK_EQ(units_create(p, NULL), -HV_ENOSPC);
	CHECK(!strcmp(calls, "create:a,create:b,create:c,destroy:b,destroy:a"));
}

/* init in order; a failure exits the units before it, last first; exit undoes all inits. */
static void test_init_and_exit(void)
{
	reset_calls();
	fail_init = "c";
	CHECK_EQ(units_init(NULL), -HV_ENOMEM);
	CHECK(!strcmp(calls, "init:a,init:b,init:c,exit:b,exit:a"));
	reset_calls();
	units_exit(); /* nothing is left to exit */
	CHECK(!strcmp(calls, ""));

	reset_calls();
	CHECK_EQ(units_init(NULL), 0);
	units_exit();
	CHECK(!strcmp(calls, "init:a,init:b,init:c,exit:c,exit:b,exit:a"));
}

static void test_life_cycle(struct partition *p)
{
	reset_calls();
	fail_prereset = "b"; /* every unit still runs; b's error returned */
	CHECK_EQ(units_prereset(p), -HV_EIO);
	CHECK(!strcmp(calls, "prereset:c,prereset:b,prereset:a"));
	reset_calls();
	fail_prereset = "c";
	CHECK_EQ(units_prestart(p), -HV_EIO);
	CHECK(!strcmp(calls, "prestart:c,prestart:b,prestart:a"));

	reset_calls();
	fail_reset = "b"; /* a reset error stops the start there */
	CHECK_EQ(units_reset(p), -HV_EINVAL);
	CHECK(!strcmp(calls, "reset:a,reset:b"));
	reset_calls();
	CHECK_EQ(units_reset(p), 0);
	units_start(p);
	units_stopped(p);
	CHECK(!strcmp(calls, "reset:a,reset:b,reset:c,start:a,start:b,start:c,"
			     "stopped:c,stopped:b,stopped:a"));

	reset_calls();
	a_slots[0] = 3;
	units_destroy(p);
	CHECK(!strcmp(calls, "destroy:c,destroy:b,destroy:a"));
	CHECK_EQ(a_slots[0], 0);
}

int main(void)
{
	struct partition *p1 = &partitions[0], *p2 = &partitions[1];

	p1->id = 1;
	p2->id = 2;
	test_order();
	test_init_and_exit();
	test_create_and_slots(p1, p2);
	test_failed_create(p2);
	test_life_cycle(p1);
	return unit_done("test_units");
}
