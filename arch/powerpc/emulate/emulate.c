/* emulate.c - privileged e500mc instructions executed by a guest in problem state.
 * Decoding follows Power ISA 2.06 Book III-E; opcode 31 extended opcodes in bits 21-30. */
#include <hv/arch.h>
#include <hv/cpu.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/mutate.h>
#include <arch/spr.h>
#include "powerpc.h"

#define OP(i)   ((i) >> 26)
#define XO(i)   (((i) >> 1) & 0x3ff)
#define RD(i)   (((i) >> 21) & 31)
#define RA(i)   (((i) >> 16) & 31)
#define RB(i)   (((i) >> 11) & 31)
#define SPRN(i) ((((i) >> 16) & 0x1f) | (((i) >> 6) & 0x3e0))

/* opcode 31 extended opcodes */
#define XO_TLBILX  18
#define XO_MFMSR   83
#define XO_WRTEE   131
#define XO_MTMSR   146
#define XO_WRTEEI  163
#define XO_MFSPR   339
#define XO_DCBI    470
#define XO_MTSPR   467
#define XO_TLBSYNC 566
#define XO_TLBIVAX 786
#define XO_TLBSX   914
#define XO_TLBRE   946
#define XO_TLBWE   978
#define XO_WAIT    62
#define XO_MSGSND  206
#define XO_MSGCLR  238
/* opcode 19 */
#define XO_RFI     50
#define XO_RFCI    51
#define XO_RFMCI   38

#define MSR_WE      0x00040000u
#define ESR_PPR_BIT ESR_PPR

static uint32_t ea_x(const struct trap_frame *tf, uint32_t insn)
{
	return (RA(insn) ? tf->gpr[RA(insn)] : 0) + tf->gpr[RB(insn)];
}

/* The guest MSR bits the vCPU keeps: FP and the FP exception mode (FE0/FE1) are honoured
 * (vcpu_shadow_msr() passes them to the CPU), WE and the hypervisor's GS are not. */
static void set_msr(struct vcpu *v, uint32_t msr)
{
	v->arch.msr = msr & (MSR_CE | MSR_EE | MSR_PR | MSR_FP | MSR_ME | MSR_FE0 | MSR_DE |
			     MSR_FE1 | MSR_IS | MSR_DS);
}

static void do_tlbre(struct vcpu_arch *a)
{
	const struct vtlb_entry *e = vtlb_select(a, a->mas0, a->mas2);

	if (!e)
		return;
	a->mas1 = e->mas1;
	a->mas2 = e->mas2;
	a->mas3 = e->mas3;
	a->mas7 = e->mas7;
}

/* tlbsx: search with MAS6[SPID, SAS]; hit loads MAS0-3/7, miss loads MAS4 defaults
 * (E500MCRM 6.5.3.3). */
static void do_tlbsx(struct vcpu_arch *a, uint32_t ea)
{
	unsigned int tlbsel, esel;
	const struct vtlb_entry *e =
		vtlb_lookup(a, ea, vtlb_mas6_as(a->mas6), vtlb_mas6_pid(a->mas6), &tlbsel, &esel);

	if (e) {
		a->mas0 = (tlbsel << 28) | MAS0_ESEL(esel);
		a->mas1 = e->mas1;
		a->mas2 = e->mas2;
		a->mas3 = e->mas3;
		a->mas7 = e->mas7;
		return;
	}
	a->mas0 = vtlb_miss_mas0(a, ea);
	a->mas1 = (a->mas6 & 0x3fff0000u) | ((a->mas6 & 1) << 12) | (a->mas4 & 0xf00u);
	a->mas2 = (ea & 0xfffff000u) | (a->mas4 & 0x1fu);
	a->mas3 = 0;
	a->mas7 = 0;
}

/* tlbivax: EA[61] = invalidate all, EA[59:60] = TLB select (E500MCRM 6.5.3.4). */
struct ivax_arg {
	uint32_t ea;
};

static bool ivax_match(const struct vtlb_entry *e, const void *arg)
{
	const struct ivax_arg *x = arg;
	uint64_t size = vtlb_entry_size(e);

	return (uint64_t)x->ea - ((e->mas2 & 0xfffff000u) & ~(uint32_t)(size - 1)) < size;
}

/* tlbivax reaches every TLB of the coherence domain: this vCPU's and the partition's other
 * vCPUs' (vcpu_tlb_broadcast); tlbilx below is this vCPU's only. */
static void do_tlbivax(struct vcpu *v, uint32_t ea)
{
	struct ivax_arg arg = { .ea = ea & 0xfffff000u };
	bool tlb1 = ea & 0x8;
	bool (*pred)(const struct vtlb_entry *, const void *) = (ea & 0x4) ? NULL : ivax_match;

	vtlb_invalidate(&v->arch, !tlb1, tlb1, pred, &arg);
	if (!hv_mutated("ivax-local"))
		vcpu_tlb_broadcast(v, !tlb1, tlb1, pred, &arg);
}

/* tlbilx T: 0 all, 1 by PID (MAS6[SPID]), 3 by PID and address (Power ISA 2.06 III-E 6.11.4) */
struct ilx_arg {
	uint32_t pid, ea;
	int t;
};

static bool ilx_match(const struct vtlb_entry *e, const void *arg)
{
	const struct ilx_arg *x = arg;

	if (((e->mas1 >> 16) & 0x3fff) != x->pid)
		return false;
	return x->t != 3 || ivax_match(e, &(struct ivax_arg){ .ea = x->ea });
}

static void do_tlbilx(struct vcpu_arch *a, uint32_t insn, uint32_t ea)
{
	struct ilx_arg arg = { .pid = vtlb_mas6_pid(a->mas6),
			       .ea = ea & 0xfffff000u,
			       .t = RD(insn) & 3 };

	vtlb_invalidate(a, true, true, arg.t == 0 ? NULL : ilx_match, &arg);
}

/* msgsnd rB: a processor doorbell (type 0) or critical doorbell (type 1) to the vCPUs of
 * this partition whose PIR equals rB's PIRTAG, or to all of them with BRDCAST (EREF 2.0,
 * "msgsnd"; the sender too, as on silicon). The coherence domain is the partition: the PIR
 * tag names a vCPU index, never a physical CPU, so no other partition can be reached.
 * LPIDTAG is ignored (no E.HV for the guest); the guest-doorbell types (2-4) are E.HV
 * messages no vCPU accepts. The receiver's CPU is kicked and delivers at its next exit. */
static void do_msgsnd(struct vcpu *v, uint32_t rb)
{
	struct partition *p = v->part;
	uint32_t bit;

	if (MSG_TYPE(rb) == MSG_DBELL)
		bit = VCPU_DBELL;
	else if (MSG_TYPE(rb) == MSG_DBELL_CRIT)
		bit = VCPU_DBELL_CRIT;
	else
		return;
	if (hv_mutated("dbell-physical")) { /* test image: the tag taken as a physical CPU */
		struct vcpu *w =
			MSG_PIRTAG(rb) < HV_NR_CPUS ? pcpu_placed_vcpu(MSG_PIRTAG(rb)) : NULL;

		if (w) {
			__atomic_fetch_or(&w->arch.dbell, bit, __ATOMIC_SEQ_CST);
			arch_cpu_kick(w->pcpu);
		}
		return;
	}
	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		struct vcpu *w = &p->vcpu[i];

		if (!(rb & MSG_BRDCAST) && w->arch.pir != MSG_PIRTAG(rb))
			continue;
		__atomic_fetch_or(&w->arch.dbell, bit, __ATOMIC_SEQ_CST);
		if (w != v && w->state == VCPU_RUNNING)
			arch_cpu_kick(w->pcpu);
	}
}

/* msgclr rB: withdraw this vCPU's pending doorbell of rB's type if rB would address it. */
static void do_msgclr(struct vcpu *v, uint32_t rb)
{
	uint32_t bit = MSG_TYPE(rb) == MSG_DBELL        ? VCPU_DBELL
		       : MSG_TYPE(rb) == MSG_DBELL_CRIT ? VCPU_DBELL_CRIT
							: 0;

	if ((rb & MSG_BRDCAST) || v->arch.pir == MSG_PIRTAG(rb))
		__atomic_fetch_and(&v->arch.dbell, ~bit, __ATOMIC_SEQ_CST);
}

static int emulate_op31(struct vcpu *v, struct trap_frame *tf, uint32_t insn)
{
	struct vcpu_arch *a = &v->arch;

	switch (XO(insn)) {
	case XO_MFMSR:
		tf->gpr[RD(insn)] = a->msr;
		return 0;
	case XO_MTMSR:
		set_msr(v, tf->gpr[RD(insn)]);
		return 0;
	case XO_WRTEE:
		a->msr = (a->msr & ~MSR_EE) | (tf->gpr[RD(insn)] & MSR_EE);
		return 0;
	case XO_WRTEEI:
		a->msr = (a->msr & ~MSR_EE) | (insn & MSR_EE);
		return 0;
	case XO_MFSPR:
		return emulate_mfspr(v, SPRN(insn), &tf->gpr[RD(insn)]);
	case XO_MTSPR:
		return emulate_mtspr(v, SPRN(insn), tf->gpr[RD(insn)]);
	case XO_TLBWE:
		emulate_tlbwe(v, tf);
		return 0;
	case XO_TLBRE:
		do_tlbre(a);
		return 0;
	case XO_TLBSX:
		do_tlbsx(a, ea_x(tf, insn));
		return 0;
	case XO_TLBIVAX:
		do_tlbivax(v, ea_x(tf, insn));
		return 0;
	case XO_TLBILX:
		do_tlbilx(a, insn, ea_x(tf, insn));
		return 0;
	case XO_MSGSND:
		do_msgsnd(v, tf->gpr[RB(insn)]);
		return 0;
	case XO_MSGCLR:
		do_msgclr(v, tf->gpr[RB(insn)]);
		return 0;
	case XO_TLBSYNC:
	case XO_DCBI:
		return 0;
	case XO_WAIT:
		/* Not a real wait: the hypervisor runs with MSR[EE] = 0 and would sleep through
		 * the guest's own interrupts. Return at once, as after a wake-up; the guest's
		 * idle loop waits again (E500MCRM 4.9.18 allows it to resume on any event). */
		return 0;
	}
	return -HV_ENOSYS;
}

/* rfi/rfci/rfmci: return to the guest's saved context. */
static int emulate_op19(struct vcpu *v, struct trap_frame *tf, uint32_t insn)
{
	struct vcpu_arch *a = &v->arch;

	switch (XO(insn)) {
	case XO_RFI:
		set_msr(v, a->srr1);
		tf->pc = a->srr0;
		return 1;
	case XO_RFCI:
		set_msr(v, a->csrr1);
		tf->pc = a->csrr0;
		return 1;
	case XO_RFMCI:
		set_msr(v, a->mcsrr1);
		tf->pc = a->mcsrr0;
		return 1;
	}
	return -HV_ENOSYS;
}

int emulate_privileged(struct vcpu *v, struct trap_frame *tf, uint32_t insn)
{
	int r = -1;

	if (OP(insn) == 31)
		r = emulate_op31(v, tf, insn);
	else if (OP(insn) == 19)
		r = emulate_op19(v, tf, insn);
	if (r < 0)
		return r;
	if (r == 0)
		tf->pc += 4;
	v->stats.emulated++;
	return 0;
}
