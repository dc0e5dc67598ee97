/* json_read.c - a small JSON reader for the hypervisor's replies and events
 * (tools/bhctl/json_read.h). It walks the text in place and never trusts it: every scan stops
 * at the terminating NUL. */
#include <stdlib.h>
#include <string.h>
#include "json_read.h"

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* Past the string literal at s ('"'), or NULL. */
static const char *skip_string(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && !*++s)
			return NULL;
	return *s ? s + 1 : NULL;
}

/* Past the object or array at s; strings inside may hold brackets. */
static const char *skip_nested(const char *s)
{
	int depth = 0;

	while (*s) {
		if (*s == '"') {
			s = skip_string(s);
			if (!s)
				return NULL;
			continue;
		}
		depth += (*s == '{' || *s == '[') - (*s == '}' || *s == ']');
		s++;
		if (!depth)
			return s;
	}
	return NULL;
}

const char *json_skip(const char *v)
{
	const char *s = ws(v);

	if (*s == '"')
		return skip_string(s);
	if (*s == '{' || *s == '[')
		return skip_nested(s);
	v = s;
	while (*s && !strchr(",}] \t\r\n", *s))
		s++;
	return s > v ? s : NULL;
}

const char *json_field(const char *obj, const char *key)
{
	size_t n = strlen(key);
	const char *s = ws(obj), *k, *v;

	if (*s++ != '{')
		return NULL;
	for (s = ws(s); *s == '"'; s = ws(s + 1)) {
		k = s + 1;
		s = skip_string(s);
		if (!s || *(s = ws(s)) != ':')
			return NULL;
		v = ws(s + 1);
		if ((size_t)(s - k) >= n + 1 && !strncmp(k, key, n) && k[n] == '"' &&
		    ws(k + n + 1) == s)
			return v;
		s = json_skip(v);
		if (!s || *(s = ws(s)) != ',')
			return NULL;
	}
	return NULL;
}

int json_int(const char *v, long *out)
{
	char *end;

	if (!v)
		return -1;
	v = ws(v);
	*out = strtol(v, &end, 10);
	return end > v && (!*end || strchr(",}] \t\r\n", *end)) ? 0 : -1;
}

static int hex4(const char *s)
{
	int x = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		if (!c)
			return -1;
		x = x * 16 + (c >= '0' && c <= '9'   ? c - '0'
			      : c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : c >= 'A' && c <= 'F' ? c - 'A' + 10
						     : -1000);
	}
	return x < 0 ? -1 : x;
}

/* One escape after the backslash at *s into *d; the characters it took, or -1. */
static int unescape(const char *s, char *d)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *f = s[1] ? strchr(from, s[1]) : NULL;
	int u;

	if (f) {
		*d = to[f - from];
		return 2;
	}
	if (s[1] != 'u' || (u = hex4(s + 2)) < 0)
		return -1;
	*d = u < 0x100 ? (char)u : '?'; /* the hypervisor escapes single bytes only */
	return 6;
}

int json_string(const char *v, char **out)
{
	const char *end;
	char *d;

	if (!v || *(v = ws(v)) != '"' || !(end = skip_string(v)))
		return -1;
	*out = d = malloc((size_t)(end - v));
	if (!d)
		return -1;
	for (v++; v < end - 1;) {
		int n = *v == '\\' ? unescape(v, d) : (*d = *v, 1);

		if (n < 0) {
			free(*out);
			return -1;
		}
		v += n;
		d++;
	}
	*d = '\0';
	return 0;
}

int json_get_int(const char *obj, const char *key, long *out)
{
	return json_int(json_field(obj, key), out);
}

int json_get_str(const char *obj, const char *key, char **out)
{
	return json_string(json_field(obj, key), out);
}

const char *json_elem(const char *arr, const char *e)
{
	const char *s;

	if (!e) {
		s = ws(arr);
		if (*s != '[')
			return NULL;
		s = ws(s + 1);
		return *s && *s != ']' ? s : NULL;
	}
	s = json_skip(e);
	if (!s || *(s = ws(s)) != ',')
		return NULL;
	return ws(s + 1);
}
