/* err.c - names and messages of the hypervisor's error codes (hv/include/hv/err.h). */
#include <stddef.h>
#include <libfdt.h>
#include <hv/err.h>

_Static_assert(HV_EFDT_NOTFOUND == HV_EFDT + FDT_ERR_NOTFOUND, "libfdt code moved");
_Static_assert(HV_EFDT_NOSPACE == HV_EFDT + FDT_ERR_NOSPACE, "libfdt code moved");
_Static_assert(HV_EFDT_BADOFFSET == HV_EFDT + FDT_ERR_BADOFFSET, "libfdt code moved");
_Static_assert(HV_EFDT_BADPATH == HV_EFDT + FDT_ERR_BADPATH, "libfdt code moved");
_Static_assert(HV_EFDT_TRUNCATED == HV_EFDT + FDT_ERR_TRUNCATED, "libfdt code moved");
_Static_assert(HV_EFDT_BADSTRUCTURE == HV_EFDT + FDT_ERR_BADSTRUCTURE, "libfdt code moved");
_Static_assert(HV_EFDT_BADNCELLS == HV_EFDT + FDT_ERR_BADNCELLS, "libfdt code moved");
_Static_assert(HV_EFDT_BADVALUE == HV_EFDT + FDT_ERR_BADVALUE, "libfdt code moved");
_Static_assert(FDT_ERR_MAX <= HV_EFDT_MAX, "libfdt has more codes than HV_EFDT reserves");

/* Every code of err.h: its name and message. */
static const struct err_code {
	int code;
	const char *name, *msg;
} codes[] = {
	{ HV_EPERM, "EPERM", "not permitted" },
	{ HV_ENOENT, "ENOENT", "no such entry" },
	{ HV_EIO, "EIO", "I/O error" },
	{ HV_EAGAIN, "EAGAIN", "try again" },
	{ HV_ENOMEM, "ENOMEM", "out of memory" },
	{ HV_EFAULT, "EFAULT", "bad address" },
	{ HV_EBUSY, "EBUSY", "busy" },
	{ HV_EEXIST, "EEXIST", "already exists" },
	{ HV_ENODEV, "ENODEV", "no such device" },
	{ HV_EINVAL, "EINVAL", "invalid argument" },
	{ HV_ENOSPC, "ENOSPC", "no space" },
	{ HV_ERANGE, "ERANGE", "out of range" },
	{ HV_ENOSYS, "ENOSYS", "not implemented" },
	{ HV_EOPNOTSUPP, "EOPNOTSUPP", "not supported" },
	{ HV_ETIMEDOUT, "ETIMEDOUT", "timed out" },
	{ HV_EOVERFLOW, "EOVERFLOW", "value too large" },
};

/* The entry of err (a negated code), or NULL. */
static const struct err_code *find(int err)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (-codes[i].code == err)
			return &codes[i];
	return NULL;
}

const char *hv_strerror(int err)
{
	const struct err_code *c = find(err);

	if (!err)
		return "success";
	if (hv_err_is_fdt(err))
		return fdt_strerror(-(-err - HV_EFDT));
	return c ? c->msg : "unknown error";
}

const char *hv_errname(int err)
{
	const struct err_code *c = find(err);

	if (!err)
		return NULL;
	if (hv_err_is_fdt(err))
		return "EFDT";
	return c ? c->name : "EUNKNOWN";
}
