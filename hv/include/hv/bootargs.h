/* bootargs.h - "key=value" words of /chosen/bootargs. */
#ifndef HV_BOOTARGS_H
#define HV_BOOTARGS_H

#include <stddef.h>

/* Copy the value of key into val (NUL-terminated). Returns the value's length, -ENOENT when
 * key is absent, -ENOSPC when val is too small (val then holds nothing). */
int bootargs_get(const void *fdt, const char *key, char *val, size_t len);

#endif
