/* handle.c - per-partition handle tables. */
#include <errno.h>
#include <hv/handle.h>
#include <hv/partition.h>

int handle_add(struct partition *p, struct handle *h)
{
	for (int i = 0; i < PART_MAX_HANDLES; i++) {
		if (!p->handles[i]) {
			p->handles[i] = h;
			return i;
		}
	}
	return -ENOSPC;
}

struct handle *handle_get(struct partition *p, unsigned long n, enum handle_type t)
{
	struct handle *h = n < PART_MAX_HANDLES ? p->handles[n] : NULL;

	return h && h->type == t ? h : NULL;
}

int handles_prereset(struct partition *p)
{
	int first = 0;

	for (int i = PART_MAX_HANDLES - 1; i >= 0; i--) {
		struct handle *h = p->handles[i];
		int err = h && h->ops && h->ops->prereset ? h->ops->prereset(h) : 0;

		if (err && !first)
			first = err;
	}
	return first;
}

void handles_postreset(struct partition *p)
{
	for (int i = 0; i < PART_MAX_HANDLES; i++)
		if (p->handles[i] && p->handles[i]->ops && p->handles[i]->ops->postreset)
			p->handles[i]->ops->postreset(p->handles[i]);
}
