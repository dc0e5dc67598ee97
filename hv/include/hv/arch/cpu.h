/* arch/cpu.h - physical CPUs, time and the machine: the hooks each architecture implements
 * (PowerPC: arch/powerpc/cpu/cpu.c, smp.c, reset.c) and the core entry points it calls. */
#ifndef HV_ARCH_CPU_H
#define HV_ARCH_CPU_H

#include <stdint.h>

struct platform;
struct plat_cpu;

/* Architecture name shown in the banner ("powerpc", "x86_64"). */
extern const char arch_name[];

/* Logical number of the calling CPU (0 = the boot CPU). */
unsigned int arch_cpu_id(void);

/* Release secondary CPU cpu (c: its platform description, c->start says how) into
 * hv_secondary_main(cpu). 0 on success, -HV_ENODEV/-HV_EINVAL with the reason printed otherwise. */
int arch_cpu_start(unsigned int cpu, const struct plat_cpu *c);

/* Sleep until an inter-processor kick or until ticks of the time counter have passed. */
void arch_cpu_idle(uint64_t ticks);

/* Stop the calling CPU for good with interrupts off (used after a fatal fault). */
void arch_cpu_park(void) __attribute__((noreturn));

/* Make physical CPU cpu take an exit soon (inter-processor doorbell / IPI). */
void arch_cpu_kick(unsigned int cpu);

/* Free-running time counter and its frequency in Hz (from the platform's boot CPU). */
uint64_t arch_time_now(void);
uint64_t arch_time_freq(void);

/* Reset the whole system (plat->reset_regs or the architecture's own way). Returns only on
 * failure: -HV_ENODEV when the board has no reset the code knows. */
int arch_system_reset(const struct platform *plat);

/* Name of guest exit reason n (the exception number stats_count_exit() was given), or NULL. */
const char *arch_exit_name(unsigned int n);

/* Test hook: execute an instruction the architecture defines as illegal. */
void arch_inject_illegal(void);

/* Core entry points called by the architecture: the boot CPU, once the platform is built,
 * and each secondary once started. */
void hv_main(const struct platform *plat) __attribute__((noreturn));
void hv_secondary_main(unsigned int cpu) __attribute__((noreturn));

#endif
