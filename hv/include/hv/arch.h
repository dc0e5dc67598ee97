/* arch.h - the only interface between the portable core (hv/) and an architecture (arch/).
 * Each architecture implements these functions in arch/<arch>/ and provides the small
 * inline helpers (MMIO accessors, spinlock word, barriers) in <arch/arch_inline.h>. */
#ifndef HV_ARCHHOOKS_H
#define HV_ARCHHOOKS_H

#include <stdint.h>
#include <stddef.h>
#include <arch/arch_inline.h>	/* arch_read8/32, arch_write8/32, arch_spinlock_t, ... */

/* Architecture name shown in the banner ("powerpc", "x86_64"). */
extern const char arch_name[];

/* Map a device's MMIO region (CPU physical) for the hypervisor, uncached and guarded.
 * Returns NULL when it cannot be mapped (no translation slot, bad size). Call before
 * arch_cpu_start(): mappings are replayed on each secondary when it comes up. */
void *arch_ioremap(uint64_t phys, uint64_t size);

/* Zero len bytes of (cacheable) RAM at addr as fast as the CPU can. */
void arch_memzero(void *addr, size_t len);

/* Logical number of the calling CPU (0 = the boot CPU). */
unsigned int arch_cpu_id(void);

/* Release secondary CPU cpu (described by node cpu_node of the hardware tree) into
 * hv_secondary_main(cpu). 0 on success, -ENODEV/-EINVAL with the reason printed otherwise. */
int arch_cpu_start(unsigned int cpu, const void *fdt, int cpu_node);

/* Sleep until an inter-processor kick or until ticks of the time counter have passed. */
void arch_cpu_idle(uint64_t ticks);

/* Stop the calling CPU for good with interrupts off (used after a fatal fault). */
void arch_cpu_park(void) __attribute__((noreturn));

/* Free-running time counter and its frequency in Hz (from the hardware tree). */
uint64_t arch_time_now(void);
uint64_t arch_time_freq(void);

/* Reset the whole system (the board's reset register, found in the hardware tree fdt).
 * Returns only on failure: -ENODEV when the board has no reset the code knows. */
int arch_system_reset(const void *fdt);

/* Name of guest exit reason n (the exception number stats_count_exit() was given), or NULL. */
const char *arch_exit_name(unsigned int n);

/* Test hook: execute an instruction the architecture defines as illegal. */
void arch_inject_illegal(void);

/* ---- vCPUs (struct vcpu in <hv/vcpu.h>, register state in <arch/vcpu_arch.h>) ---- */
struct vcpu;

/* Put v in the state a boot program expects (ePAPR 1.1, 5.4 on PowerPC): pc = entry, the
 * device-tree address in the first argument register, an initial mapping of ima_size. */
void vcpu_arch_reset(struct vcpu *v, uint64_t entry, uint64_t dtb_gpa, uint64_t ima_size);

/* Run v's guest on the calling CPU; returns only after vcpu_arch_stop(v). */
int vcpu_arch_run(struct vcpu *v);

/* From a guest exit on v's CPU: leave guest context, vcpu_arch_run() returns. */
void vcpu_arch_stop(struct vcpu *v) __attribute__((noreturn));

/* Make physical CPU cpu take an exit soon (inter-processor doorbell / IPI). */
void arch_cpu_kick(unsigned int cpu);

/* Guest device-tree facts the architecture owns: the hypercall instruction sequence for
 * /hypervisor/hcall-instructions (returns the number of 32-bit words written). */
int arch_hcall_instructions(uint32_t *words, int max);

/* ---- DMA fences / IOMMUs (issue 6; core side in <hv/iommu.h>, docs/dma.md) ---- */
struct iommu_source;

/* Find the back ends in the hardware tree (PAMU, PCI controllers; VT-d units on x86).
 * Returns how many units were found (0 = none: DMA cannot be enabled). */
int iommu_arch_init(const void *fdt);

/* Program s's translation for s->dom, leaving DMA disabled. -ENODEV: no unit handles s;
 * -ENOSPC: the domain does not fit the hardware's windows / entries. */
int iommu_arch_attach(struct iommu_source *s);

/* Open (on) or close (off) s's DMA. Closing must not return before the unit has taken the
 * new state (register read-back, cache invalidation). */
int iommu_arch_set_enabled(struct iommu_source *s, int on);

/* After closing: wait until no DMA of s accepted before can still land. 0, -ETIMEDOUT, or
 * -EOPNOTSUPP when the hardware cannot tell. */
int iommu_arch_wait_idle(struct iommu_source *s);

/* Forget s (its entries invalid, its resources released). */
void iommu_arch_detach(struct iommu_source *s);

/* DMA source ids of a (non-PCI) device node of the hardware tree: on PowerPC its LIODNs
 * (fsl,liodn), for iommu_device_attach(..., IOMMU_SRC_LIODN, id, -1, ...). Returns how many
 * were stored (at most max), 0 if none, -EINVAL if malformed. */
int iommu_arch_node_sources(const void *fdt, int node, uint32_t *ids, int max);

/* bulkhead.selftest=dma: exercise the back ends on the board's own devices; prints PASS/FAIL
 * lines. 0 when not possible here (reported). */
int iommu_arch_selftest(const void *fdt);

/* Core entry points called by the architecture code. */
void hv_main(const void *fdt) __attribute__((noreturn));
void hv_secondary_main(unsigned int cpu) __attribute__((noreturn));

#endif
