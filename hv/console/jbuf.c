/* jbuf.c - bounded JSON text builder (hv/include/hv/jbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <hv/jbuf.h>

void jb_init(struct jbuf *b, char *buf, size_t cap)
{
	*b = (struct jbuf){ .buf = buf, .cap = cap };
}

/* A piece that does not fit whole is dropped, and over set: the text is then incomplete. */
void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	size_t room = b->cap - b->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		b->over = true;
	else
		b->len += (size_t)n;
}

/* JSON escapes: quote, backslash, the usual control characters, and \u00XX for any other
 * byte outside printable ASCII (a guest's or a config's bytes are not trusted to be UTF-8). */
void jb_esc(struct jbuf *b, char c)
{
	unsigned char u = (unsigned char)c;

	if (!jb_room(b)) {
		b->over = true;
		return;
	}
	if (c == '"' || c == '\\')
		jb_printf(b, "\\%c", c);
	else if (c == '\n')
		jb_printf(b, "\\n");
	else if (c == '\r')
		jb_printf(b, "\\r");
	else if (c == '\t')
		jb_printf(b, "\\t");
	else if (u < 0x20 || u >= 0x7f)
		jb_printf(b, "\\u%04x", u);
	else
		b->buf[b->len++] = c;
}

void jb_str(struct jbuf *b, const char *s)
{
	if (!s) {
		jb_printf(b, "null");
		return;
	}
	jb_printf(b, "\"");
	for (; *s; s++)
		jb_esc(b, *s);
	jb_printf(b, "\"");
}
