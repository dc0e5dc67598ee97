/* bulkhead/abi.h - the ABI shared by the hypervisor, guests and host tools (versioned).
 *
 * Include this one header. Rules (docs/abi.md): the major version changes only when an
 * existing call or structure changes meaning; new calls, flags and structure growth bump the
 * minor version. Structures carry argsz + flags and reserved room; unknown flags are ignored. */
#ifndef BULKHEAD_ABI_H
#define BULKHEAD_ABI_H

#define BULKHEAD_ABI_MAJOR 1
#define BULKHEAD_ABI_MINOR 1

#include <bulkhead/errors.h>
#include <bulkhead/hcall.h>

#endif
