/* powerpc.h - declarations shared by the files of arch/powerpc (not seen by the core). */
#ifndef ARCH_POWERPC_H
#define ARCH_POWERPC_H

#include <stdint.h>
#include <arch/trap_frame.h>

struct platform;

void arch_install_vectors(void);
/* The platform model from the boot loader's device tree (platform.c); built once. */
const struct platform *powerpc_platform_build(const void *fdt);
void powerpc_mmu_init_boot(const struct platform *plat, unsigned int slot);
void powerpc_mmu_init_secondary(unsigned int slot);
int powerpc_phys_read32(uint64_t pa, uint32_t *val);
void powerpc_time_init(const struct platform *plat);
void powerpc_trap(struct trap_frame *tf, unsigned int vclass);
void _secondary_start(void);

#endif

/* ---- vCPU support (vcpu.c, vtlb.c, emulate.c, guest_trap.c) ---- */
#include <stdbool.h>
#include <arch/e500mc.h>
#include <arch/vcpu_arch.h>

struct vcpu;

uint64_t vtlb_entry_size(const struct vtlb_entry *e);
struct vtlb_entry *vtlb_lookup(struct vcpu_arch *a, uint32_t ea, unsigned int as, uint32_t pid,
			       unsigned int *tlbsel, unsigned int *esel);
uint64_t vtlb_translate(const struct vtlb_entry *e, uint32_t ea);
struct vtlb_entry *vtlb_select(struct vcpu_arch *a, uint32_t mas0, uint32_t mas2);
void vtlb_shadow_flush(void);
/* MAS0 after a guest TLB miss at ea (TLB0: the set's next victim, round robin). */
uint32_t vtlb_miss_mas0(struct vcpu_arch *a, uint32_t ea);
/* Record a guest tlbwe's MAS0[NV] as its TLB0 set's next victim. */
void vtlb_written(struct vcpu_arch *a, uint32_t mas0, uint32_t mas2);
void vtlb_invalidate(struct vcpu_arch *a, bool tlb0, bool tlb1,
		     bool (*pred)(const struct vtlb_entry *, const void *), const void *arg);
void vtlb_shadow_drop(struct vcpu_arch *a, uint32_t ea); /* this CPU's shadow of ea's page */
void vtlb_shadow_install(struct vcpu_arch *a, const struct vtlb_entry *e, uint32_t ea, uint64_t hpa,
			 bool device, uint32_t allow, bool replace);
void vtlb_lock(struct vcpu_arch *a);
void vtlb_unlock(struct vcpu_arch *a);
uint32_t vtlb_invalidate_remote(struct vcpu_arch *a, bool tlb0, bool tlb1,
				bool (*pred)(const struct vtlb_entry *, const void *),
				const void *arg);
void vtlb_flush_requested(struct vcpu_arch *a);
bool vtlb_flush_done(const struct vcpu_arch *a, uint32_t req);
/* tlbivax on v: the same invalidation on every other vCPU of its partition, waited for. */
void vcpu_tlb_broadcast(struct vcpu *v, bool tlb0, bool tlb1,
			bool (*pred)(const struct vtlb_entry *, const void *), const void *arg);
/* Guest MSR[IS] != MSR[DS]: instruction and data translations may differ for one address. */
static inline bool vcpu_split_as(uint32_t msr)
{
	return !(msr & MSR_IS) != !(msr & MSR_DS);
}
void vtlb_reset(struct vcpu_arch *a, uint32_t base, unsigned int tsize);
unsigned int vtlb_mas6_as(uint32_t mas6);
uint32_t vtlb_mas6_pid(uint32_t mas6);

/* Write the real TCR for the guest running on this CPU (its DIE + the hypervisor tick). */
void vcpu_load_tcr(struct vcpu_arch *a);
/* Real MSR while v's guest code runs; applies the shadow-TLB flush on mode changes. */
uint32_t vcpu_shadow_msr(struct vcpu_arch *a);
/* Deliver a base-class interrupt to the guest: SRR0/1, MSR, PC = IVPR | IVORn. */
void vcpu_reflect(struct vcpu *v, struct trap_frame *tf, unsigned int ivor, uint32_t srr0);
/* Deliver pending virtual interrupts (decrementer) the guest's MSR now allows. */
void vcpu_deliver_pending(struct vcpu *v, struct trap_frame *tf);
/* Read the guest instruction at guest virtual pc (its current instruction space). */
int vcpu_fetch_insn(struct vcpu *v, uint32_t pc, uint32_t *insn);

/* Emulate the privileged instruction at tf->pc; 0 when done (pc advanced), -1 when the
 * guest must get a program interrupt instead, EMULATE_FORBIDDEN when it touched a resource
 * that is the hypervisor's (an isolation fault). The same codes for mfspr/mtspr. */
#define EMULATE_FORBIDDEN (-2)
int emulate_privileged(struct vcpu *v, struct trap_frame *tf, uint32_t insn);
int emulate_mfspr(struct vcpu *v, unsigned int spr, uint32_t *val);
int emulate_mtspr(struct vcpu *v, unsigned int spr, uint32_t val);
void emulate_tlbwe(struct vcpu *v, struct trap_frame *tf);

struct part_region;
/* A load/store to an emulated MMIO region (emulate/mmio.c); 0 done, -1 not emulable. */
int emulate_mmio(struct vcpu *v, struct trap_frame *tf, const struct part_region *r, uint32_t ea,
		 uint64_t gpa);

/* The vCPU's floating-point registers to / from the CPU (fp.S); MSR[FP] is set only for the
 * copy. The hypervisor is soft-float: between the two the CPU's FPRs are the vCPU's. */
void fp_load(const void *fp);
void fp_save(void *fp);

/* Guest exits (traps taken with MSR[PR] = 1). */
void guest_trap(struct vcpu *v, struct trap_frame *tf);
