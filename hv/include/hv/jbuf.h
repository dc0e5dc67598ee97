/* jbuf.h - a bounded buffer for JSON text: script-mode replies and events (docs/console.md).
 * Nothing is written past cap; what does not fit is dropped and "over" says so. */
#ifndef HV_JBUF_H
#define HV_JBUF_H

#include <stdbool.h>
#include <stddef.h>

/* Text built in buf (not NUL-terminated beyond len); over: a piece did not fit. */
struct jbuf {
	char *buf;
	size_t cap, len;
	bool over;
};

void jb_init(struct jbuf *b, char *buf, size_t cap);
void jb_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One character as it goes inside a JSON string literal (escaped when needed). */
void jb_esc(struct jbuf *b, char c);

/* s as a JSON string literal with its quotes; NULL gives null. */
void jb_str(struct jbuf *b, const char *s);

/* Room for one more escaped character (at most 6 bytes). */
static inline bool jb_room(const struct jbuf *b)
{
	return b->cap - b->len > 6;
}

#endif
