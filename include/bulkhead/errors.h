/* bulkhead/errors.h - hypercall status codes, returned in the first result register.
 * The values are the ePAPR 1.1 EV_* codes (ePAPR 1.1, B.6), as Linux's epapr_hcalls.h uses. */
#ifndef BULKHEAD_ERRORS_H
#define BULKHEAD_ERRORS_H

#define EV_SUCCESS         0  /* the call did what was asked */
#define EV_EPERM           1  /* not allowed for this partition */
#define EV_ENOENT          2  /* no such handle or entry */
#define EV_EIO             3  /* I/O error */
#define EV_EAGAIN          4  /* try again (e.g. channel full / empty) */
#define EV_ENOMEM          5  /* out of memory */
#define EV_EFAULT          6  /* a guest address is outside the caller's memory */
#define EV_ENODEV          7  /* no such device */
#define EV_EINVAL          8  /* an argument is invalid */
#define EV_INTERNAL        9  /* hypervisor internal error */
#define EV_CONFIG          10 /* not possible in this configuration */
#define EV_INVALID_STATE   11 /* the object is in the wrong state for this */
#define EV_UNIMPLEMENTED   12 /* unknown hypercall */
#define EV_BUFFER_OVERFLOW 13 /* the caller's buffer is too small */

#endif
