/* mutate.c - bulkhead.mutate=: break one protection on purpose, in the test image only.
 *
 * This file is compiled twice: into the release image without HV_TEST_BUILD (the switch is
 * refused and hv_mutated() is always false) and into the test image with it (mk/hv.mk). */
#include <string.h>
#include <hv/bootargs.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/mutate.h>

#ifdef HV_TEST_BUILD
/* The comma-separated names given at boot; written once by the boot CPU before SMP. */
static char mutations[64];

void mutate_init(const struct platform *plat)
{
	if (bootargs_get(plat, "bulkhead.mutate", mutations, sizeof(mutations)) > 0)
		hv_printf("TEST IMAGE: protections broken on purpose: %s\n", mutations);
	else
		mutations[0] = '\0';
}

bool hv_mutated(const char *what)
{
	size_t n = strlen(what);

	for (const char *p = mutations; *p; p++) {
		if (!strncmp(p, what, n) && (p[n] == ',' || !p[n]) &&
		    (p == mutations || p[-1] == ','))
			return true;
	}
	return false;
}
#else
void mutate_init(const struct platform *plat)
{
	char v[64];

	if (bootargs_get(plat, "bulkhead.mutate", v, sizeof(v)) != -HV_ENOENT)
		hv_printf("bulkhead.mutate: refused, this is a release image (test image only)\n");
}

bool hv_mutated(const char *what)
{
	return false;
}
#endif
