/* hv.h - hypervisor-wide constants and boot facts. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>

/* The version string (git describe), in one generated object so every part of an image
 * reports the same one (mk/hv.mk writes build/<arch>/version.c). */
extern const char bulkhead_version[];
#define BULKHEAD_VERSION bulkhead_version

/* Value of arch_time_now() when the banner was printed: emulated boot time under -icount. */
extern uint64_t hv_banner_time;

struct hv_config;
/* The hardware tree the hypervisor booted with, the config blob and its validated model
 * (hv_cfg is NULL when the config was refused or absent; the blob may still be set). */
extern const void *hv_hw_fdt;
extern const void *hv_cfg_fdt;
extern const struct hv_config *hv_cfg;

#endif
