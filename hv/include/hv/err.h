/* err.h - the hypervisor's one error space (issue 14).
 *
 * Every int status in hv/ and arch/ is 0 (success), a non-negative value where a function
 * documents one, or one of the negated codes below. The codes do not come from <errno.h>: they
 * are fixed numbers, equal to newlib's E* values (the hypervisor's libc), so the numbers the
 * console prints ("error -5") and the script-mode replies carry ("rc":-22) are those of
 * before and the same in the host build of the config validator (glibc numbers some codes,
 * e.g. ETIMEDOUT, differently). tests/unit/test_err.c checks the table of names.
 *
 * libfdt's errors (-FDT_ERR_*) enter through hv_err_fdt(): code n of libfdt becomes
 * -(HV_EFDT + n), so hv_strerror() still gives libfdt's own message (fdt_strerror()) and no
 * state is kept anywhere. The guest's hypercall status codes (EV_*, include/bulkhead/errors.h)
 * are a separate space; hv_err_to_ev() (hv/include/hv/hcall.h) is the one conversion.
 *
 * Self-contained: also compiled by the host build (mk/host.mk) with the host's libc.
 */
#ifndef HV_ERR_H
#define HV_ERR_H

#define HV_EPERM      1   /* not allowed (by the config, for this partition) */
#define HV_ENOENT     2   /* no such object, index or name */
#define HV_EIO        5   /* the hardware or a back end failed */
#define HV_EAGAIN     11  /* not now: try again */
#define HV_ENOMEM     12  /* out of memory (heap, pool, table) */
#define HV_EFAULT     14  /* an address outside the memory it must lie in */
#define HV_EBUSY      16  /* in use, or in the wrong state for this */
#define HV_EEXIST     17  /* already there */
#define HV_ENODEV     19  /* no such device, or not one this code drives */
#define HV_EINVAL     22  /* an invalid argument or malformed input */
#define HV_ENOSPC     28  /* does not fit (a buffer, a window, a fixed-size table) */
#define HV_ERANGE     34  /* a value out of its range */
#define HV_ENOSYS     88  /* not implemented */
#define HV_EOPNOTSUPP 95  /* not supported by this hardware */
#define HV_ETIMEDOUT  116 /* the hardware did not answer in time */
#define HV_EOVERFLOW  139 /* a result larger than the space for it */

/* libfdt's errors: -(HV_EFDT + n) for libfdt's FDT_ERR_* code n (1..HV_EFDT_MAX); returned
 * negated like the others (-HV_EFDT_NOTFOUND). */
#define HV_EFDT              1000
#define HV_EFDT_MAX          99
/* The libfdt codes hv/ tests for or makes itself (libfdt's numbers are ABI; hv/core/err.c
 * checks them against libfdt.h). */
#define HV_EFDT_NOTFOUND     (HV_EFDT + 1)
#define HV_EFDT_BADOFFSET    (HV_EFDT + 4)
#define HV_EFDT_BADPATH      (HV_EFDT + 5)
#define HV_EFDT_TRUNCATED    (HV_EFDT + 8)
#define HV_EFDT_BADSTRUCTURE (HV_EFDT + 11)
#define HV_EFDT_NOSPACE      (HV_EFDT + 3)
#define HV_EFDT_BADVALUE     (HV_EFDT + 15)
#define HV_EFDT_BADNCELLS    (HV_EFDT + 14)

/* A libfdt return value in this space: negative libfdt errors become HV_EFDT codes (keeping
 * which one, for its message); 0 and non-negative values (offsets, lengths) pass through. */
static inline int hv_err_fdt(int fdt_ret)
{
	if (fdt_ret >= 0)
		return fdt_ret;
	if (fdt_ret < -HV_EFDT_MAX)
		return -(HV_EFDT + HV_EFDT_MAX);
	return fdt_ret - HV_EFDT;
}

/* True if err came from libfdt (through hv_err_fdt()). */
static inline int hv_err_is_fdt(int err)
{
	return err <= -(HV_EFDT + 1) && err >= -(HV_EFDT + HV_EFDT_MAX);
}

/* A short message for a status (0, a negated code, or an HV_EFDT code: libfdt's text). */
const char *hv_strerror(int err);

/* The code's C name without HV_ ("EINVAL", "EFDT"), as the script-mode replies name it;
 * NULL for 0, "EUNKNOWN" for a value that is no code. */
const char *hv_errname(int err);

#endif
