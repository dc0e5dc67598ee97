/* bootargs.h - "key=value" words of the boot loader's command line (plat->bootargs). */
#ifndef HV_BOOTARGS_H
#define HV_BOOTARGS_H

#include <stddef.h>

struct platform;

/* Copy the value of key into val (NUL-terminated). Returns the value's length, -HV_ENOENT when
 * key is absent, -HV_ENOSPC when val is too small (val then holds nothing). */
int bootargs_get(const struct platform *plat, const char *key, char *val, size_t len);

#endif
