/* test_err.c - the one error space (hv/include/hv/err.h, hv/core/err.c): names and messages,
 * and libfdt's errors through hv_err_fdt() with their message kept.
 * With an argument: prints "<code> <name> <message>" for every value hv_errname() knows, for
 * tests/test_unit.py to compare with the #defines of err.h (so a new code without a name
 * fails). */
#include <string.h>
#include <libfdt.h>
#include <hv/err.h>
#include "unit.h"

static void list(void)
{
	for (int code = 1; code < HV_EFDT + HV_EFDT_MAX + 10; code++)
		if (strcmp(hv_errname(-code), "EUNKNOWN") && !hv_err_is_fdt(-code))
			printf("%d %s %s\n", code, hv_errname(-code), hv_strerror(-code));
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		list();
		return 0;
	}
	CHECK(!strcmp(hv_strerror(0), "success"));
	CHECK(hv_errname(0) == NULL);
	CHECK(!strcmp(hv_errname(-HV_EINVAL), "EINVAL"));
	CHECK(!strcmp(hv_strerror(-HV_EINVAL), "invalid argument"));
	CHECK(!strcmp(hv_errname(-12345), "EUNKNOWN"));
	CHECK(!strcmp(hv_strerror(-12345), "unknown error"));
	CHECK(!strcmp(hv_errname(12), "EUNKNOWN")); /* positive: not a status */

	/* libfdt's values: non-negative ones pass through, every error keeps its message */
	CHECK_EQ(hv_err_fdt(0), 0);
	CHECK_EQ(hv_err_fdt(42), 42);
	for (int e = 1; e <= FDT_ERR_MAX; e++) {
		int err = hv_err_fdt(-e);

		CHECK(hv_err_is_fdt(err));
		CHECK(!strcmp(hv_strerror(err), fdt_strerror(-e)));
		CHECK(!strcmp(hv_errname(err), "EFDT"));
	}
	CHECK_EQ(hv_err_fdt(-FDT_ERR_NOTFOUND), -HV_EFDT_NOTFOUND);
	CHECK_EQ(hv_err_fdt(-FDT_ERR_BADSTRUCTURE), -HV_EFDT_BADSTRUCTURE);
	CHECK(!strcmp(hv_strerror(-HV_EFDT_BADSTRUCTURE), "FDT_ERR_BADSTRUCTURE"));
	CHECK(hv_err_is_fdt(hv_err_fdt(-1000000))); /* out of libfdt's range: still EFDT */
	CHECK(!hv_err_is_fdt(-HV_EINVAL) && !hv_err_is_fdt(0) && !hv_err_is_fdt(-HV_EFDT));
	return unit_done("test_err");
}
