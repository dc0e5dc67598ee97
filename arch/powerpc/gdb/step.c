/* step.c - where a guest instruction may go next, for the stub's software single step
 * (hv/gdb/cmds.c plants a breakpoint on each): branches by their target fields and the
 * guest's LR/CTR, rfi-class returns by the guest's save registers, a system call also to the
 * guest's vector; everything else to the next word. */
#include <hv/gdb.h>
#include <hv/partition.h>
#include "powerpc.h"

#define OP_BC        16
#define OP_SC        17
#define OP_B         18
#define OP_19        19
#define XO19_BCLR    16
#define XO19_RFMCI   38
#define XO19_RFI     50
#define XO19_RFCI    51
#define XO19_BCCTR   528
#define SC_LEV1      0x44000022u /* "sc 1": a hypercall, back at the next word */
#define IVOR_SYSCALL 8

static uint32_t sext(uint32_t v, unsigned int bits)
{
	uint32_t sign = 1u << (bits - 1);

	return (v ^ sign) - sign;
}

/* op 19: bclr, bcctr (maybe not taken) and the returns from interrupts. */
static int op19(const struct vcpu *v, const struct trap_frame *tf, uint32_t insn, uint64_t pcs[2])
{
	const struct vcpu_arch *a = &v->arch;

	switch ((insn >> 1) & 0x3ff) {
	case XO19_BCLR:
		pcs[1] = tf->lr & ~3u;
		return 2;
	case XO19_BCCTR:
		pcs[1] = tf->ctr & ~3u;
		return 2;
	case XO19_RFI:
		pcs[0] = a->srr0 & ~3u;
		return 1;
	case XO19_RFCI:
		pcs[0] = a->csrr0 & ~3u;
		return 1;
	case XO19_RFMCI:
		pcs[0] = a->mcsrr0 & ~3u;
		return 1;
	}
	return 1;
}

int gdb_arch_next_pcs(struct vcpu *v, const struct trap_frame *tf, uint64_t pcs[2])
{
	uint32_t pc = tf->pc, insn, t;

	if (vcpu_fetch_insn(v, pc, &insn))
		return 0;
	pcs[0] = (uint32_t)(pc + 4);
	switch (insn >> 26) {
	case OP_B:
		t = sext(insn & 0x03fffffcu, 26);
		pcs[0] = (insn & 2) ? t : (uint32_t)(pc + t);
		return 1;
	case OP_BC:
		t = sext(insn & 0xfffcu, 16);
		pcs[1] = (insn & 2) ? t : (uint32_t)(pc + t);
		return 2;
	case OP_SC:
		if (insn == SC_LEV1)
			return 1;
		pcs[1] = (v->arch.ivpr & 0xffff0000u) | (v->arch.ivor[IVOR_SYSCALL] & 0xfff0u);
		return 2;
	case OP_19:
		return op19(v, tf, insn, pcs);
	}
	return 1;
}

/* guest_trap.c's hw_bp_fetch() emulates e500mc's two instruction address compares. */
unsigned int gdb_arch_hw_breakpoints(void)
{
	return 2;
}
