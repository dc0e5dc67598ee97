/* reply.c - the reply of a script-mode command (docs/console.md, "Script mode"): the
 * echoed line, then one JSON object on one line,
 *   {"cmd":"list","out":"<the human output>","rc":0,"err":null,<the command's data>}
 * written with one console write (a device tree, larger than the buffer, in several while the
 * shell holds the console). Commands add their data with sh_data_begin()/sh_data_end(). */
#include <stdbool.h>
#include <hv/console.h>
#include <hv/err.h>
#include <hv/jbuf.h>
#include <hv/shell.h>

#define REPLY_SIZE 24576
#define DATA_SIZE  16384

/* Only the shell's CPU touches these (under the shell lock). */
static char reply[REPLY_SIZE], data[DATA_SIZE];
static struct jbuf rb, db;
static bool active, to_data;

/* The name of a command's status in the reply's "err" (hv/core/err.c). */
const char *sh_err_name(int err)
{
	return hv_errname(err);
}

bool sh_script(void)
{
	return active;
}

/* The reply so far goes out; the console stays held until the command's end, so the rest
 * follows with no other CPU's line in between. */
static void reply_flush(void)
{
	sh_report_begin();
	console_shell_write(rb.buf, rb.len);
	rb.len = 0;
}

void sh_reply_begin(const char *line, const char *cmd)
{
	active = true;
	to_data = false;
	jb_init(&rb, reply, sizeof(reply));
	jb_init(&db, data, sizeof(data));
	jb_printf(&rb, "%s\n{\"cmd\":", line);
	jb_str(&rb, cmd);
	jb_printf(&rb, ",\"out\":\"");
}

void sh_reply_out(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!jb_room(&rb))
			reply_flush();
		jb_esc(&rb, s[i]);
	}
}

/* The data fields, when they fit (else "data_cut":true, and the human output still tells). */
static void put_data(void)
{
	if (rb.cap - rb.len < db.len + 64)
		reply_flush();
	if (db.over)
		jb_printf(&rb, ",\"data_cut\":true");
	else
		jb_printf(&rb, "%.*s", (int)db.len, db.buf);
}

void sh_reply_end(int rc)
{
	if (rb.cap - rb.len < 64)
		reply_flush();
	jb_printf(&rb, "\",\"rc\":%d,\"err\":", rc);
	jb_str(&rb, sh_err_name(rc));
	put_data();
	jb_printf(&rb, "}\n");
	console_shell_write(rb.buf, rb.len);
	rb.len = 0;
	active = false;
	to_data = false;
}

void sh_reply_drop(void)
{
	rb.len = 0;
	active = false;
	to_data = false;
}

bool sh_data_begin(void)
{
	to_data = active;
	return to_data;
}

void sh_data_end(void)
{
	to_data = false;
}

bool sh_data_add(const char *s, size_t n)
{
	if (!to_data)
		return false;
	if (db.cap - db.len <= n)
		db.over = true;
	else
		jb_printf(&db, "%.*s", (int)n, s);
	return true;
}
