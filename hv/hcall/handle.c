/* handle.c - per-partition handle tables and their reset operations (the handle unit). */
#include <stdbool.h>
#include <string.h>
#include <hv/err.h>
#include <hv/handle.h>
#include <hv/partition.h>
#include <hv/unit.h>

int handle_add(struct partition *p, struct handle *h)
{
	for (int i = 0; i < PART_MAX_HANDLES; i++) {
		if (!p->handles[i]) {
			p->handles[i] = h;
			return i;
		}
	}
	return -HV_ENOSPC;
}

int handle_add_top(struct partition *p, struct handle *h)
{
	for (int i = PART_MAX_HANDLES - 1; i >= 0; i--) {
		if (!p->handles[i]) {
			p->handles[i] = h;
			return i;
		}
	}
	return -HV_ENOSPC;
}

struct handle *handle_get(struct partition *p, unsigned long n, enum handle_type t)
{
	struct handle *h = n < PART_MAX_HANDLES ? p->handles[n] : NULL;

	return h && h->type == t ? h : NULL;
}

/* One operation of every handle, last handle first; all of them run: 0 or the first error. */
static int each_reverse(struct partition *p, bool prestart)
{
	int first = 0;

	for (int i = PART_MAX_HANDLES - 1; i >= 0; i--) {
		struct handle *h = p->handles[i];
		int (*op)(struct handle *) = !h || !h->ops ? NULL
					     : prestart    ? h->ops->prestart
							   : h->ops->prereset;
		int err = op ? op(h) : 0;

		if (err && !first)
			first = err;
	}
	return first;
}

int handles_prereset(struct partition *p)
{
	return each_reverse(p, false);
}

int handles_prestart(struct partition *p)
{
	return each_reverse(p, true);
}

void handles_postreset(struct partition *p)
{
	for (int i = 0; i < PART_MAX_HANDLES; i++)
		if (p->handles[i] && p->handles[i]->ops && p->handles[i]->ops->postreset)
			p->handles[i]->ops->postreset(p->handles[i]);
}

static int handles_reset(struct partition *p)
{
	handles_postreset(p);
	return 0;
}

/* A partition's handle table goes with it (the objects belong to their units). */
static void handles_destroy(struct partition *p)
{
	memset(p->handles, 0, sizeof(p->handles));
}

/* The handle unit: first in order, so that its objects are reset before anything is loaded
 * and the units that add handles find the table empty. */
DEFINE_UNIT(handles, .order = UNIT_ORDER_HANDLES, .destroy = handles_destroy,
	    .prestart = handles_prestart, .prereset = handles_prereset, .reset = handles_reset);
