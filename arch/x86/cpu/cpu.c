/* cpu.c - x86-64 CPU entry from head.S, identity, idle, park, kick and the test hook. */
#include <hv/arch.h>
#include <hv/cpu.h>
#include <hv/platform.h>
#include <arch/layout.h>
#include "x86.h"

extern char __stacks_start[];

const char arch_name[] = "x86_64";

static struct mb_boot boot; /* what the multiboot loader passed, copied */

/* 8259 pair: remapped to VEC_PIC_BASE (so nothing lands on an exception vector) and masked;
 * interrupts come through the local APIC only. */
static void pic_disable(void)
{
	static const uint8_t icw[2][4] = { { 0x11, VEC_PIC_BASE, 0x04, 0x01 },
					   { 0x11, VEC_PIC_BASE + 8, 0x02, 0x01 } };

	for (int i = 0; i < 2; i++) {
		uint16_t cmd = i ? 0xa0 : 0x20;

		outb(cmd, icw[i][0]);
		for (int k = 1; k < 4; k++)
			outb(cmd + 1, icw[i][k]);
		outb(cmd + 1, 0xff);
	}
}

/* Boot CPU, from head.S in long mode on CPU 0's stack with the loader's EAX, EBX and EDX:
 * the loader's information is copied first (modules may lie where the heap goes), then the
 * platform model is built from the hardware tree module and the core takes over. Without
 * the multiboot magic, EAX/EDX are U-Boot bootelf's argc/argv. */
void x86_boot_entry(uint32_t eax, uint32_t ebx, uint32_t edx)
{
	const struct platform *plat;

	x86_idt_init();
	pic_disable();
	lapic_init();
	if (multiboot_magic(eax))
		multiboot_read(eax, ebx, &boot);
	else
		uboot_read(eax, edx, &boot);
	x86_time_init();
	plat = x86_platform_build(&boot);
	hv_main(plat);
}

/* The per-CPU stacks are laid out in link.ld order (normal stack, then exception stack); the
 * hypervisor always runs on its CPU's normal stack, so the stack pointer gives the CPU. */
unsigned int arch_cpu_id(void)
{
	uintptr_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	return (unsigned int)((sp - (uintptr_t)__stacks_start) /
			      (HV_STACK_SIZE + HV_EXC_STACK_SIZE));
}

/* Sleep until the local APIC timer (ticks of the TSC from now) or a kick IPI: "sti; hlt"
 * (the STI shadow makes the pair atomic: a wake-up cannot slip in between), the handler in
 * idt.c only acknowledges it. */
void arch_cpu_idle(uint64_t ticks)
{
	uint64_t tsc = x86_tsc_hz(), count = 1;

	if (tsc)
		count = ticks * x86_lapic_timer_hz() / tsc;
	if (count > 0xffffffffu)
		count = 0xffffffffu;
	if (!arch_cpu_id())
		x86_vtd_poll(); /* the DMA unit's fault records (iommu/vtd.c) */
	lapic_timer_oneshot(count ? (uint32_t)count : 1);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	lapic_timer_oneshot(0);
}

void arch_cpu_park(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

void arch_cpu_kick(unsigned int cpu)
{
	lapic_send_ipi(hv_cpus[cpu].hw_id, VEC_KICK);
}

void arch_inject_illegal(void)
{
	__asm__ volatile("ud2" ::: "memory");
}
