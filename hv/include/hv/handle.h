/* handle.h - objects a partition refers to by number in hypercalls (byte channels, devices,
 * managed partitions, doorbells). Each kind supplies reset operations so that stopping or
 * restarting a partition cleans up generically, handle by handle. */
#ifndef HV_HANDLE_H
#define HV_HANDLE_H

enum handle_type {
	HANDLE_BYTE_CHANNEL,
	HANDLE_DEVICE,
	HANDLE_PARTITION,
	HANDLE_DOORBELL,
};

struct handle;

/* prereset runs before the owner's memory is taken back, postreset before it restarts. */
struct handle_ops {
	void (*prereset)(struct handle *h);
	void (*postreset)(struct handle *h);
};

struct handle {
	enum handle_type type;
	const struct handle_ops *ops;
	void *obj;
};

struct partition;

/* Add h to p's table; returns its number or -ENOSPC. */
int handle_add(struct partition *p, struct handle *h);

/* The handle number n of p if it is of type t, else NULL. */
struct handle *handle_get(struct partition *p, unsigned long n, enum handle_type t);

/* Run every handle's prereset (in reverse order) or postreset (in order). */
void handles_prereset(struct partition *p);
void handles_postreset(struct partition *p);

#endif
