/* arch/irqchip.h - the physical interrupt controller behind the virtual PIC, as each
 * architecture provides it (PowerPC: the Freescale MPIC, arch/powerpc/irq/mpic.c; x86: the
 * IO-APIC later). Source numbers are the controller's own (the first cell of an interrupt
 * specifier); sense codes are the controller's binding's (second cell), passed through. */
#ifndef HV_ARCH_IRQCHIP_H
#define HV_ARCH_IRQCHIP_H

#include <stdbool.h>
#include <stdint.h>

struct plat_irqchip;

#define IRQCHIP_NONE 0xffffffffu /* irqchip_arch_ack(): nothing (spurious) */

/* Reset the platform's controller c: every source masked. 0 or -HV_ENODEV (c->kind is one the
 * architecture does not drive). Must run on the boot CPU before the secondaries start (it
 * maps registers). */
int irqchip_arch_init(const struct plat_irqchip *c);

/* True once irqchip_arch_init() succeeded. */
bool irqchip_arch_ready(void);

/* Program source src (masked) to interrupt physical CPU pcpu at priority prio (1..15) with
 * the sense of its device-tree specifier. 0, -HV_ENODEV, -HV_EINVAL (no such source). */
int irqchip_arch_route(uint32_t src, uint32_t sense, unsigned int pcpu, unsigned int prio);

/* Mask or unmask source src. */
void irqchip_arch_mask(uint32_t src, bool mask);

/* On the interrupted CPU: acknowledge the highest-priority pending interrupt; its source or
 * IRQCHIP_NONE. The source stays in service until irqchip_arch_eoi() on the same CPU. */
uint32_t irqchip_arch_ack(void);

/* On the CPU that acknowledged it: end the interrupt in service. */
void irqchip_arch_eoi(void);

#endif
