/* stdint.h for kernel code: the ABI headers (include/bulkhead/) use only the fixed-width types,
 * which the kernel defines in linux/types.h. */
#ifndef BHDEV_COMPAT_STDINT_H
#define BHDEV_COMPAT_STDINT_H
#include <linux/types.h>
#endif
