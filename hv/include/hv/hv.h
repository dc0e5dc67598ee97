/* hv.h - hypervisor-wide constants and boot facts. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>

#ifndef BULKHEAD_VERSION
#define BULKHEAD_VERSION "unknown"
#endif

/* Value of arch_time_now() when the banner was printed: emulated boot time under -icount. */
extern uint64_t hv_banner_time;

#endif
