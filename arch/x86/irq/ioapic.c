/* ioapic.c - the physical interrupt controller behind the virtual PIC on x86 (the I/O APIC
 * with the local APICs). Not implemented yet (docs/x86.md): irqchip_arch_init() refuses, the
 * core then gives devices no interrupts and says so at boot. */
#include <hv/err.h>
#include <hv/arch/irqchip.h>
#include <hv/console.h>
#include <hv/platform.h>

int irqchip_arch_init(const struct plat_irqchip *c)
{
	if (c->kind == PLAT_IRQCHIP_IOAPIC)
		hv_printf("irqchip: %s: the I/O APIC driver is not implemented yet\n", c->path);
	return -HV_ENODEV;
}

bool irqchip_arch_ready(void)
{
	return false;
}

int irqchip_arch_route(uint32_t src, uint32_t sense, unsigned int pcpu, unsigned int prio)
{
	return -HV_ENODEV;
}

void irqchip_arch_mask(uint32_t src, bool mask)
{
}

uint32_t irqchip_arch_ack(void)
{
	return IRQCHIP_NONE;
}

void irqchip_arch_eoi(void)
{
}
