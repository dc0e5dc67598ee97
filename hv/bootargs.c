/* bootargs.c - look up "key=value" words in /chosen/bootargs. */
#include <errno.h>
#include <string.h>
#include <libfdt.h>
#include <hv/bootargs.h>

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

int bootargs_get(const void *fdt, const char *key, char *val, size_t len)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int alen;
	const char *args = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", &alen);
	const char *v;
	size_t vlen;

	if (!args)
		return -ENOENT;
	v = find_word(args, (size_t)alen, key, &vlen);
	if (!v)
		return -ENOENT;
	if (vlen + 1 > len)
		return -ENOSPC;
	memcpy(val, v, vlen);
	val[vlen] = '\0';
	return (int)vlen;
}
