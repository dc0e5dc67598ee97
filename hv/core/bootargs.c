/* bootargs.c - look up "key=value" words in the boot loader's command line. */
#include <string.h>
#include <hv/bootargs.h>
#include <hv/err.h>
#include <hv/platform.h>

static const char *find_word(const char *args, size_t alen, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *p = args, *end = args + alen;

	while (p < end) {
		const char *w = p;

		while (p < end && *p && *p != ' ')
			p++;
		if ((size_t)(p - w) > klen && !strncmp(w, key, klen) && w[klen] == '=') {
			*vlen = (size_t)(p - w) - klen - 1;
			return w + klen + 1;
		}
		while (p < end && (*p == ' ' || !*p))
			p++;
	}
	return NULL;
}

int bootargs_get(const struct platform *plat, const char *key, char *val, size_t len)
{
	const char *v;
	size_t vlen;

	if (!plat || !plat->bootargs)
		return -HV_ENOENT;
	v = find_word(plat->bootargs, plat->bootargs_len, key, &vlen);
	if (!v)
		return -HV_ENOENT;
	if (vlen + 1 > len)
		return -HV_ENOSPC;
	memcpy(val, v, vlen);
	val[vlen] = '\0';
	return (int)vlen;
}
