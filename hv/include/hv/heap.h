/* heap.h - the hypervisor's malloc arena (newlib's malloc over the area link.ld reserves). */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include <stddef.h>

struct _reent;

/* Bytes link.ld reserves for the heap. */
size_t heap_reserved(void);

/* newlib's malloc lock hooks (hv/core/libc_glue.c): a recursive lock taken by any CPU. */
void __malloc_lock(struct _reent *r);
void __malloc_unlock(struct _reent *r);

#endif
