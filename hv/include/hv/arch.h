/* arch.h - the only interface between the portable core (hv/) and an architecture (arch/).
 * Each architecture implements these functions in arch/<arch>/ and provides the small
 * inline helpers (MMIO accessors, spinlock word, barriers) in <arch/arch_inline.h>. */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stdint.h>
#include <stddef.h>
#include <arch/arch_inline.h>	/* arch_read8/32, arch_write8/32, arch_spinlock_t, ... */

/* Architecture name shown in the banner ("powerpc", "x86_64"). */
extern const char arch_name[];

/* Map a device's MMIO region (CPU physical) for the hypervisor, uncached and guarded.
 * Returns NULL when it cannot be mapped (no translation slot, bad size). Call before
 * arch_cpu_start(): mappings are replayed on each secondary when it comes up. */
void *arch_ioremap(uint64_t phys, uint64_t size);

/* Logical number of the calling CPU (0 = the boot CPU). */
unsigned int arch_cpu_id(void);

/* Release secondary CPU cpu (described by node cpu_node of the hardware tree) into
 * hv_secondary_main(cpu). 0 on success, -ENODEV/-EINVAL with the reason printed otherwise. */
int arch_cpu_start(unsigned int cpu, const void *fdt, int cpu_node);

/* Stop the calling CPU for good with interrupts off (used after a fatal fault). */
void arch_cpu_park(void) __attribute__((noreturn));

/* Free-running time counter and its frequency in Hz (from the hardware tree). */
uint64_t arch_time_now(void);
uint64_t arch_time_freq(void);

/* Test hook: execute an instruction the architecture defines as illegal. */
void arch_inject_illegal(void);

/* Core entry points called by the architecture code. */
void hv_main(const void *fdt) __attribute__((noreturn));
void hv_secondary_main(unsigned int cpu) __attribute__((noreturn));

#endif
