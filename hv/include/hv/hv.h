/* hv.h - hypervisor-wide constants and boot facts. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>

#ifndef BULKHEAD_VERSION
#define BULKHEAD_VERSION "unknown"
#endif

/* Value of arch_time_now() when the banner was printed: emulated boot time under -icount. */
extern uint64_t hv_banner_time;

struct hv_config;
/* The hardware tree the hypervisor booted with, the config blob and its validated model
 * (hv_cfg is NULL when the config was refused or absent; the blob may still be set). */
extern const void *hv_hw_fdt;
extern const void *hv_cfg_fdt;
extern const struct hv_config *hv_cfg;

#endif
