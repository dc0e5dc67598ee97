/* mutate.h - test-only switches that break one protection on purpose.
 *
 * Every test that shows something did not happen (no DMA byte landed, no access got through)
 * is paired with a run in which the mechanism is broken and the test must then fail: that run
 * boots the test image (build/<arch>/bulkhead-test.elf) with "bulkhead.mutate=<name>[,<name>]".
 * The release image (bulkhead.elf, bulkhead.uimg) refuses the argument at boot and there
 * hv_mutated() is always false. The names in use are listed in docs/security.md.
 */
#ifndef HV_MUTATE_H
#define HV_MUTATE_H

#include <stdbool.h>

struct platform;

/* Read bulkhead.mutate= from the platform's bootargs; says on the console what it did. */
void mutate_init(const struct platform *plat);

/* True only in the test image, when "what" is one of the names given at boot. */
bool hv_mutated(const char *what);

#endif
