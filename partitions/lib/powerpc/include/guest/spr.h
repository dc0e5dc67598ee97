/* guest/spr.h - e500mc register numbers and bits for the guest runtime and the test guests:
 * the hypervisor's own list (arch/powerpc/include/arch/e500mc.h), plus what only the guest
 * runtime needs. Safe to include from assembly (__ASSEMBLY__). */
#ifndef GUEST_SPR_H
#define GUEST_SPR_H

#include <arch/e500mc.h>

#define GUEST_NR_IVORS 16 /* the guest runtime installs IVOR0..15 */

#endif
