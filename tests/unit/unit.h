/* unit.h - a tiny test harness for the host unit tests (built with ASan+UBSan). */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_failed, unit_run;

/* CHECK(cond): count, and on failure print the location and keep going. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		unit_run++;                                                    \
		if (!(cond)) {                                                 \
			unit_failed++;                                         \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                                          \
	do {                                                                                    \
		long long a_ = (long long)(a), b_ = (long long)(b);                             \
		unit_run++;                                                                     \
		if (a_ != b_) {                                                                 \
			unit_failed++;                                                          \
			printf("FAIL %s:%d: %s == %s (0x%llx != 0x%llx)\n", __FILE__, __LINE__, \
			       #a, #b, a_, b_);                                                 \
		}                                                                               \
	} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_run, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
