/* guest_trap.c - everything that brings a running guest back into the hypervisor: emulation
 * of privileged instructions, hypercalls, shadow-TLB refills, the guest's decrementer, and
 * exceptions that belong to the guest and are delivered to its own vectors. */
#include <hv/arch.h>
#include <hv/err.h>
#include <hv/gdb.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/vpic.h>
#include <hv/stats.h>
#include <hv/mutate.h>
#include <arch/spr.h>
#include "powerpc.h"

#define IVOR_DSI      2
#define IVOR_ISI      3
#define IVOR_EXTERNAL 4
#define IVOR_ALIGN    5
#define IVOR_PROGRAM  6
#define IVOR_FPU      7
#define IVOR_SYSCALL  8
#define IVOR_DEC      10
#define IVOR_FIT      11
#define IVOR_DTLB     13
#define IVOR_ITLB     14
#define IVOR_DEBUG    15
#define IVOR_HCALL    40
#define SC_LEV1       0x44000022u /* "sc 1": the ePAPR hypercall instruction */

/* Is the guest in its own user mode (virtual MSR[PR] = 1)? Then nothing privileged is
 * emulated for it: the hardware would raise the interrupt in the guest itself. */
static bool guest_user(const struct vcpu *v)
{
	if (hv_mutated("user-priv"))
		return false;
	return v->arch.msr & MSR_PR;
}

/* Program interrupt: emulate a privileged instruction of the guest's supervisor mode, else
 * hand the interrupt to the guest with its ESR (illegal, privileged or trap) as the
 * architecture defines: from guest user mode, a privileged instruction is the guest
 * kernel's program interrupt (ESR[PPR], SRR0 = the instruction), as on bare e500mc. */
static void program(struct vcpu *v, struct trap_frame *tf)
{
	uint32_t insn;
	int r = -1;

	if ((tf->esr & ESR_PTR) && gdb_trap_hit(v, tf->pc))
		return; /* a breakpoint of the partition's gdb stub: held below */
	if ((tf->esr & ESR_PPR) && !guest_user(v) && !vcpu_fetch_insn(v, tf->pc, &insn))
		r = emulate_privileged(v, tf, insn);
	if (r == EMULATE_FORBIDDEN)
		partition_fault(v,
				"instruction 0x%08x at pc 0x%08x touches a hypervisor-only SPR "
				"(%u)",
				(unsigned)insn, (unsigned)tf->pc,
				(unsigned)(((insn >> 16) & 0x1f) | ((insn >> 6) & 0x3e0)));
	if (!r)
		return;
	v->arch.esr =
		tf->esr & (ESR_PIL | ESR_PPR | ESR_PTR | ESR_FP); /* FP: enabled FP exception */
	vcpu_reflect(v, tf, IVOR_PROGRAM, tf->pc);
}

/* sc: LEV = 1 is a hypercall (IVOR8 under QEMU, IVOR40 on E.HV silicon), LEV = 0 is the
 * guest's own system call. SRR0 already points after the sc. A hypercall is the guest
 * kernel's: `sc 1` from guest user mode is a privileged-instruction program interrupt in the
 * guest (ESR[PPR], SRR0 = the sc), never dispatched; KVM's e500 code (booke.c) also turns an
 * hypervisor system call from guest user mode into a program interrupt with ESR[PPR]. */
/* The ePAPR hypercall ABI (1.1, B.4): token in r11, arguments in r3..r10; results (status
 * first) come back in r3..r10. The core's struct hcall_regs is filled from them and copied back
 * whole, so a handler that updates its arguments for a re-run (hcall_again) is seen too. */
static void hcall_call(struct vcpu *v, struct trap_frame *tf)
{
	struct hcall_regs r;

	/* Straight-line copies: the loops cost about 75 of the null hypercall's instructions
	 * (docs/benchmarks.md, P2). */
	_Static_assert(HCALL_NR_REGS == 8, "r3..r10");
	r.token = tf->gpr[11];
	r.reg[0] = tf->gpr[3];
	r.reg[1] = tf->gpr[4];
	r.reg[2] = tf->gpr[5];
	r.reg[3] = tf->gpr[6];
	r.reg[4] = tf->gpr[7];
	r.reg[5] = tf->gpr[8];
	r.reg[6] = tf->gpr[9];
	r.reg[7] = tf->gpr[10];
	hcall_dispatch(v, &r);
	tf->gpr[3] = (uint32_t)r.reg[0];
	tf->gpr[4] = (uint32_t)r.reg[1];
	tf->gpr[5] = (uint32_t)r.reg[2];
	tf->gpr[6] = (uint32_t)r.reg[3];
	tf->gpr[7] = (uint32_t)r.reg[4];
	tf->gpr[8] = (uint32_t)r.reg[5];
	tf->gpr[9] = (uint32_t)r.reg[6];
	tf->gpr[10] = (uint32_t)r.reg[7];
	tf->gpr[11] = (uint32_t)r.token;
}

static void syscall(struct vcpu *v, struct trap_frame *tf)
{
	uint32_t insn;

	if (vcpu_fetch_insn(v, tf->pc - 4, &insn) || insn != SC_LEV1) {
		vcpu_reflect(v, tf, IVOR_SYSCALL, tf->pc);
		return;
	}
	if (guest_user(v)) {
		v->arch.esr = ESR_PPR;
		vcpu_reflect(v, tf, IVOR_PROGRAM, tf->pc - 4);
		return;
	}
	hcall_call(v, tf);
	if (v->hcall_again) { /* a slice of a long call: SRR0 is past the sc; run it again */
		v->hcall_again = false;
		tf->pc -= 4;
	}
}

/* Does guest entry e let the guest's current privilege level load (or store) through it?
 * (E500MCRM 6.7.4: SR/SW in supervisor mode, UR/UW in user mode.) */
static bool data_allowed(const struct vcpu *v, const struct vtlb_entry *e, bool store)
{
	uint32_t need = store ? MAS3_SW : MAS3_SR;

	return e->mas3 & (guest_user(v) ? need << 1 : need);
}

/* Instruction or data storage interrupt in the guest, as the CPU would raise it. */
static void storage_fault(struct vcpu *v, struct trap_frame *tf, uint32_t ea, bool data)
{
	if (data) {
		v->arch.dear = ea;
		v->arch.esr = tf->esr & ESR_ST;
	} else {
		v->arch.esr = 0;
	}
	vcpu_reflect(v, tf, data ? IVOR_DSI : IVOR_ISI, tf->pc);
}

/* Shadow permissions for a refill of ea through e (MAS3 user bits). Split address spaces
 * (virtual MSR[IS] != MSR[DS]): the real CPU fetches and loads through the same TS = 1
 * shadow, so a page whose instruction-side and data-side guest translations differ gets a
 * shadow for the side that missed only (UX, or UR/UW); the other side then takes a storage
 * interrupt that split_storage() turns into a refill of its own. */
static uint32_t shadow_allow(struct vcpu *v, const struct vtlb_entry *e, uint32_t ea, bool data)
{
	struct vcpu_arch *a = &v->arch;
	const struct vtlb_entry *o;
	unsigned int tlbsel, esel;
	bool other_as = !!(a->msr & (data ? MSR_IS : MSR_DS));

	if (!vcpu_split_as(a->msr) || hv_mutated("split-as"))
		return MAS3_UX | MAS3_UW | MAS3_UR;
	o = vtlb_lookup(a, ea, other_as, a->pid, &tlbsel, &esel);
	if (o && ((vtlb_translate(o, ea) ^ vtlb_translate(e, ea)) & ~0xfffull) == 0 &&
	    (o->mas2 & 0x1fu) == (e->mas2 & 0x1fu))
		return MAS3_UX | MAS3_UW | MAS3_UR; /* both sides agree on the page */
	return data ? MAS3_UW | MAS3_UR : MAS3_UX;
}

/* Test image only (tlb-straddle): translate a page of a large guest entry as if the
 * partition's memory went on past its end, the bug the per-page check prevents. */
static int straddle_mutant(struct vcpu *v, const struct vtlb_entry *e, uint64_t gpa, uint64_t *hpa)
{
	uint64_t base = gpa & ~(vtlb_entry_size(e) - 1);

	if (!hv_mutated("tlb-straddle") || gpa_to_hpa(v->part, base, 0x1000, hpa))
		return -HV_EFAULT;
	*hpa += (gpa & ~0xfffull) - base;
	return 0;
}

/* A data or instruction access the guest's TLB translates to gpa: RAM and device regions get
 * a shadow entry (every 4 KiB page is checked on its own, so a large entry straddling the
 * end of the partition's memory works up to its last page); emulated regions are emulated
 * (data only, with the permissions of the guest's entry); anything else is not the
 * partition's and stops it. An instruction fetch from a device or emulated region is an
 * instruction storage interrupt in the guest: the hypervisor never executes or reads
 * instructions from I/O space. */
static void refill(struct vcpu *v, struct trap_frame *tf, const struct vtlb_entry *e, uint32_t ea,
		   bool data)
{
	uint64_t gpa = vtlb_translate(e, ea), hpa;
	uint32_t allow = shadow_allow(v, e, ea, data);
	bool split = vcpu_split_as(v->arch.msr);
	const struct part_region *r;

	if (gdb_hw_any() && !v->arch.hw_step && gdb_hw_bp_in(v, ea & ~0xfffu, 0x1000)) {
		allow &= ~MAS3_UX; /* a fetch there must trap: hw_bp_fetch() */
		v->arch.hw_noexec = true;
	}

	if (!gpa_to_hpa(v->part, gpa & ~0xfffull, 0x1000, &hpa) ||
	    !straddle_mutant(v, e, gpa, &hpa)) {
		vtlb_shadow_install(&v->arch, e, ea, hpa, false, allow, split);
		v->stats.tlb_refills++;
		return;
	}
	r = partition_region(v->part, gpa);
	if (r && !data && !hv_mutated("device-exec")) {
		storage_fault(v, tf, ea, false);
		return;
	}
	if (r && r->kind == REGION_DEVICE) {
		vtlb_shadow_install(&v->arch, e, ea, r->hpa + ((gpa - r->gpa) & ~0xfffull), true,
				    allow, split);
		v->stats.tlb_refills++;
		return;
	}
	if (r && data && !data_allowed(v, e, tf->esr & ESR_ST)) {
		storage_fault(v, tf, ea, true);
		return;
	}
	if (r && data && !emulate_mmio(v, tf, r, ea, gpa))
		return;
	partition_fault(v, "%s guest physical 0x%llx (virtual 0x%08x) %s, pc 0x%08x",
			data ? "access to" : "instruction fetch from", (unsigned long long)gpa,
			(unsigned)ea, r ? "cannot be emulated" : "outside the partition's memory",
			(unsigned)tf->pc);
}

/* Real TLB miss in guest context: fill from the guest's TLB, or deliver the miss to it with
 * DEAR, ESR[ST] and the MAS registers loaded from its MAS4 defaults (E500MCRM 4.9.15). */
static void tlb_miss(struct vcpu *v, struct trap_frame *tf, bool data)
{
	struct vcpu_arch *a = &v->arch;
	uint32_t ea = data ? tf->dear : tf->pc;
	unsigned int tlbsel, esel;
	const struct vtlb_entry *e =
		vtlb_lookup(a, ea, !!(a->msr & (data ? MSR_DS : MSR_IS)), a->pid, &tlbsel, &esel);

	if (e) {
		refill(v, tf, e, ea, data);
		return;
	}
	if (data) {
		a->dear = ea;
		a->esr = tf->esr & ESR_ST;
	}
	a->mas0 = vtlb_miss_mas0(a, ea);
	a->mas1 = MAS1_VALID | MAS1_TID(a->pid) | (a->mas4 & 0xf00u) |
		  ((a->msr & (data ? MSR_DS : MSR_IS)) ? MAS1_TS : 0);
	a->mas2 = (ea & 0xfffff000u) | (a->mas4 & 0x1fu);
	vcpu_reflect(v, tf, data ? IVOR_DTLB : IVOR_ITLB, tf->pc);
}

/* A storage interrupt taken with split address spaces may come from a one-sided shadow
 * (shadow_allow()): if the guest's own entry for this side allows the access, refill (or
 * reflect the TLB miss if it has none); true when handled. */
static bool split_storage(struct vcpu *v, struct trap_frame *tf, bool data)
{
	struct vcpu_arch *a = &v->arch;
	uint32_t ea = data ? tf->dear : tf->pc;
	unsigned int tlbsel, esel;
	const struct vtlb_entry *e;
	bool ok;

	if (!vcpu_split_as(a->msr) || hv_mutated("split-as"))
		return false;
	e = vtlb_lookup(a, ea, !!(a->msr & (data ? MSR_DS : MSR_IS)), a->pid, &tlbsel, &esel);
	if (!e) {
		tlb_miss(v, tf, data);
		return true;
	}
	if (data)
		ok = data_allowed(v, e, tf->esr & ESR_ST);
	else
		ok = e->mas3 & ((a->msr & MSR_PR) ? MAS3_UX : MAS3_SX);
	if (!ok)
		return false;
	refill(v, tf, e, ea, data);
	return true;
}

/* gdb hardware breakpoints (docs/gdb.md). QEMU 7.2 does not emulate the instruction address
 * compare registers, so the hypervisor does their job: a page holding a breakpoint gets its
 * shadow without execute permission (refill()), and a fetch there is a real instruction
 * storage interrupt. Either the pc is a breakpoint (the vCPU halts for gdb), or that one
 * instruction runs with the page executable and the instruction complete debug event armed
 * (DBCR0[IDM, ICMP] with MSR[DE], E500MCRM "Debug Support"; a debug-class interrupt after
 * it), after which hw_step_end() takes the permission away again. Any exit ends the step: an
 * instruction that traps instead of completing is fetched again and steps again. True when
 * the interrupt was the stub's, false when it is the guest's own. */
static bool hw_bp_fetch(struct vcpu *v, struct trap_frame *tf)
{
	struct vcpu_arch *a = &v->arch;
	uint32_t pc = tf->pc;
	unsigned int tlbsel, esel;
	const struct vtlb_entry *e;

	if (!a->hw_noexec)
		return false;
	e = vtlb_lookup(a, pc, !!(a->msr & MSR_IS), a->pid, &tlbsel, &esel);
	if (!e || !(e->mas3 & ((a->msr & MSR_PR) ? MAS3_UX : MAS3_SX)))
		return false; /* the guest's own entry forbids the fetch */
	if (gdb_hw_bp_in(v, pc & ~0xfffu, 0x1000)) {
		if (gdb_hw_hit(v, pc))
			return true;
		mtspr(SPRN_DBCR0, DBCR0_IDM | DBCR0_ICMP);
		a->hw_step = true;
	}
	vtlb_shadow_drop(a, pc); /* the shadow without execute permission must not match twice */
	a->hw_step_ea = pc;
	refill(v, tf, e, pc, false);
	return true;
}

/* Start of every exit: a step (hw_bp_fetch()) is over, the page's executable shadow goes
 * (only that one: the stepped instruction's data pages must stay, or a load that misses
 * would trap again at every attempt). */
static void hw_step_end(struct vcpu_arch *a)
{
	mtspr(SPRN_DBCR0, 0);
	mtspr(SPRN_DBSR, ~0u); /* write 1 to clear */
	a->hw_step = false;
	vtlb_shadow_drop(a, a->hw_step_ea);
}

/* tlbwe: store into the guest's TLB; a valid entry whose guest-physical range does not touch
 * the partition's memory at all is an isolation fault (E500MCRM 6.5.3.1 for the MAS use). */
void emulate_tlbwe(struct vcpu *v, struct trap_frame *tf)
{
	struct vcpu_arch *a = &v->arch;
	struct vtlb_entry *e = vtlb_select(a, a->mas0, a->mas2);
	struct vtlb_entry n = { a->mas1, a->mas2, a->mas3, a->mas7 };
	uint64_t size = vtlb_entry_size(&n), gpa = ((uint64_t)n.mas7 << 32) | (n.mas3 & ~0xfffu);
	uint64_t hpa;

	if (!e)
		return;
	if ((n.mas1 & MAS1_VALID) &&
	    gpa_overlaps_partition(v->part, gpa & ~(size - 1), size, &hpa) < 0)
		partition_fault(v,
				"tlbwe maps guest physical 0x%llx-0x%llx outside the "
				"partition's memory, pc 0x%08x",
				(unsigned long long)(gpa & ~(size - 1)),
				(unsigned long long)((gpa & ~(size - 1)) + size - 1),
				(unsigned)tf->pc);
	vtlb_lock(a);
	*e = n;
	vtlb_unlock(a);
	vtlb_written(a, a->mas0, a->mas2);
	vtlb_shadow_flush();
}

/* The guest's decrementer is the CPU's: ack the real interrupt, raise the virtual TSR[DIS]
 * and do the TCR[ARE] reload from DECAR here (QEMU 7.2's e500mc reload is unreliable;
 * E500MCRM 2.8.4 for the semantics). */
static void decrementer(struct vcpu *v, struct trap_frame *tf)
{
	mtspr(SPRN_TSR, TSR_DIS);
	if (v->arch.tcr & TCR_ARE)
		mtspr(SPRN_DEC, v->arch.decar);
	v->arch.tsr |= TSR_DIS;
}

static void reflect_storage(struct vcpu *v, struct trap_frame *tf, unsigned int ivor)
{
	if ((ivor == IVOR_DSI || ivor == IVOR_ISI) && split_storage(v, tf, ivor == IVOR_DSI))
		return;
	if (ivor != IVOR_ISI)
		v->arch.dear = tf->dear;
	/* An alignment interrupt defines only a few ESR bits and clears the rest; QEMU writes
	 * none, so the real ESR may still hold the hypervisor's last value: pass only those. */
	v->arch.esr = ivor == IVOR_ALIGN ? (tf->esr & ESR_ALIGN_BITS) : tf->esr;
	vcpu_reflect(v, tf, ivor, tf->pc);
}

void guest_trap(struct vcpu *v, struct trap_frame *tf)
{
	stats_count_exit(v, tf->vec);
	if (v->arch.hw_step)
		hw_step_end(&v->arch);
	switch (tf->vec) {
	case IVOR_PROGRAM:
		program(v, tf);
		break;
	case IVOR_SYSCALL:
	case IVOR_HCALL:
		syscall(v, tf);
		break;
	case IVOR_DTLB:
		tlb_miss(v, tf, true);
		break;
	case IVOR_ITLB:
		tlb_miss(v, tf, false);
		break;
	case IVOR_DEC:
		decrementer(v, tf);
		break;
	case IVOR_DSI:
	case IVOR_ALIGN:
		reflect_storage(v, tf, tf->vec);
		break;
	case IVOR_ISI:
		if (!hw_bp_fetch(v, tf))
			reflect_storage(v, tf, IVOR_ISI);
		break;
	case IVOR_FPU:
		vcpu_reflect(v, tf, IVOR_FPU, tf->pc);
		break;
	case IVOR_EXTERNAL:
		vpic_external(v);
		break; /* issue 5: device interrupts */
	case IVOR_DOORBELL:
	case IVOR_FIT:
	case IVOR_DEBUG:
		break;
	default:
		partition_fault(v, "unexpected exception IVOR%u at pc 0x%08x", (unsigned)tf->vec,
				(unsigned)tf->pc);
	}
	if (gdb_vcpu_exit(v, tf)) {  /* held here while its gdb stub says so */
		vtlb_shadow_flush(); /* its hardware breakpoints may have changed */
		v->arch.hw_noexec = false;
	}
	if (v->part->state != PART_RUNNING) {
		vpic_vcpu_stop(v); /* issue 5: mask its interrupts before this CPU idles */
		vcpu_arch_stop(v);
	}
	vtlb_flush_requested(&v->arch); /* another vCPU's tlbivax */
	vcpu_deliver_pending(v, tf);    /* decrementer, virtual PIC */
	tf->msr = vcpu_shadow_msr(&v->arch);
}
