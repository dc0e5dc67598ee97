/* arch.h - the interface between the portable core (hv/) and an architecture (arch/<arch>/):
 * the hooks of hv/include/hv/arch/ headers, which each architecture implements, and the small
 * inline helpers (MMIO and port-I/O accessors, spinlock word, barriers) that every
 * architecture provides in <arch/arch_inline.h>. The hooks take objects of the platform
 * model (<hv/platform.h>), never the firmware's description. The core includes nothing else
 * of an architecture (docs/architecture.md, "Platform model and arch interface"). */
#ifndef HV_ARCHHOOKS_H
#define HV_ARCHHOOKS_H

#include <stdint.h>
#include <stddef.h>
#include <arch/arch_inline.h> /* arch_read8/32, arch_write8/32, arch_port_*, spinlocks */
#include <hv/arch/cpu.h>
#include <hv/arch/mmu.h>
#include <hv/arch/vcpu.h>
#include <hv/arch/iommu.h>

#endif
