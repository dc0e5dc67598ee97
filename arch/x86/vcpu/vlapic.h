/* vlapic.h - the local APIC a partition's vCPU sees (vlapic.c), for svm.c. */
#ifndef X86_VLAPIC_H
#define X86_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/vcpu_arch.h>

struct mmio_ops;

/* Guest-physical page of the virtual local APIC: the architectural default of
 * IA32_APIC_BASE (Intel SDM 3A, 11.4.1). The guest's accesses are nested page faults. */
#define VLAPIC_GPA  0xfee00000ull
#define VLAPIC_SIZE 0x1000ull

/* Reset state (SDM 3A, 11.4.7.1): every LVT entry masked, the APIC software-disabled
 * (SVR 0xff), the timer stopped; the ID register gives vcpu_index. */
void vlapic_reset(struct vlapic *l, unsigned int vcpu_index);

/* The register accesses (32 bits at a 16-byte aligned offset, SDM 3A 11.4.1); ctx is the
 * struct vlapic. A register not emulated (ICR: no IPIs between vCPUs yet) is refused. */
extern const struct mmio_ops vlapic_ops;

/* At now (TSC): a deadline passed makes the timer's interrupt pending (periodic: the next
 * period starts from the missed deadline). */
void vlapic_update(struct vlapic *l, uint64_t now);

#define VLAPIC_NO_VECTOR (-1)

/* The vector to present at this entry when the timer's interrupt is pending and not masked
 * (LVT mask, APIC software-disabled), else VLAPIC_NO_VECTOR. */
int vlapic_vector(const struct vlapic *l);

/* TSC at which the hypervisor must look again (the next deadline of an unmasked timer), or 0. */
uint64_t vlapic_wakeup(const struct vlapic *l);

#endif
