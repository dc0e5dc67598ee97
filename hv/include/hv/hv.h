/* hv.h - hypervisor-wide constants. */
#ifndef HV_HV_H
#define HV_HV_H

#ifndef BULKHEAD_VERSION
#define BULKHEAD_VERSION "unknown"
#endif

#endif
