/* x86.h - what the x86-64 files share: CPU register helpers, the interrupt frame, the local
 * APIC, time, the multiboot information and the platform builder. Not seen by the core. */
#ifndef X86_H
#define X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct platform;

/* ---- CPU registers ---- */
#define MSR_APIC_BASE    0x0000001b
#define APIC_BASE_ENABLE (1u << 11)

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/* ---- interrupts (idt.c, vectors.S) ---- */
#define VEC_TIMER         0xf0 /* local APIC timer: wakes arch_cpu_idle() */
#define VEC_KICK          0xf1 /* arch_cpu_kick() IPI */
#define VEC_SPURIOUS      0xff /* local APIC spurious vector (no EOI) */
#define VEC_PIC_BASE      0x20 /* the 8259 pair, remapped and masked */
#define VEC_IOAPIC_BASE   0x30 /* I/O APIC input n: vector 0x30 + n (ioapic.c) */
#define IOAPIC_MAX_INPUTS 24

/* ---- I/O APIC (irq/ioapic.c) ---- */
void x86_ioapic_interrupt(unsigned int src);

/* What vectors.S pushes: caller-saved registers, vector, error code, then the CPU's frame. */
struct x86_irq_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void x86_idt_init(void);
void x86_interrupt(struct x86_irq_frame *f);

/* ---- local APIC (lapic.c) ---- */
void lapic_init(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_timer_oneshot(uint32_t count);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
uint32_t lapic_timer_count(void);

/* ---- time (time.c): TSC and local APIC timer calibrated against the PIT ---- */
void x86_time_init(void);
uint64_t x86_tsc_hz(void);
uint64_t x86_lapic_timer_hz(void);

/* ---- multiboot v1 information (multiboot.c) ---- */
#define MB_MAX_MMAP    32
#define MB_MAX_MODS    4
#define MB_CMDLINE_MAX 1024

struct mb_range {
	uint64_t base, size;
	uint32_t type; /* 1 = available RAM */
};

struct mb_module {
	uint64_t start, end;
	char name[64]; /* its string (file name and arguments) */
};

/* What the boot loader passed, copied: from multiboot (multiboot.c) or from U-Boot's bootelf
 * arguments plus QEMU's fw_cfg memory map (uboot.c). Module 0 is the hardware tree, 1 the
 * config. */
struct mb_boot {
	bool valid;         /* a loader we know started us */
	const char *loader; /* "multiboot" or "U-Boot", for messages */
	char cmdline[MB_CMDLINE_MAX];
	unsigned int nr_mmap;
	struct mb_range mmap[MB_MAX_MMAP];
	unsigned int nr_mods;
	struct mb_module mod[MB_MAX_MODS];
};

/* Copy what the loader passed (it may lie where the hypervisor later puts data). */
bool multiboot_magic(uint32_t eax);
void multiboot_read(uint32_t magic, uint32_t info, struct mb_boot *mb);
/* U-Boot's bootelf: argc/argv (module=ADDR,SIZE arguments, the rest is the command line). */
void uboot_read(uint32_t argc, uint32_t argv, struct mb_boot *mb);
/* QEMU's fw_cfg "etc/e820" table into mb->mmap: the number of ranges, or -HV_ENOENT. */
int fw_cfg_read_e820(struct mb_boot *mb);

/* ---- ACPI (acpi.c) ---- */
/* Enabled local APICs in the MADT, or -HV_ENOENT: no MADT found. */
int acpi_madt_cpus(void);
/* The ECAM base of PCI segment `segment` in the MCFG: 0, or -HV_ENOENT (no MCFG or entry). */
int acpi_mcfg_base(uint16_t segment, uint64_t *base);

/* ---- platform model (platform.c) ---- */
const struct platform *x86_platform_build(const struct mb_boot *mb);

/* ---- VT-d (iommu/vtd.c): report the unit's recorded faults ---- */
void x86_vtd_poll(void);

/* ---- secondary CPUs (smp.c, trampoline.S) ---- */
void x86_secondary_entry(unsigned int cpu);
#endif
