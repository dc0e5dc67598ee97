/* privop - executes one privileged instruction that a hypervisor is not expected to
 * emulate and checks what happened. Bare (supervisor mode) it simply executes: prints
 * "bare: privileged instruction executed". Under a hypervisor the guest's own program
 * interrupt handler (IVOR6) must run with ESR[PPR] or ESR[PIL], SRR0 = the instruction and
 * SRR1 = the guest's MSR: prints "PASS: program interrupt reflected" and more checks.
 * bootargs: op=NAME (default msgclr), one of:
 *   mfpmr    mfpmr PMGC0 (PMR 400, perf. monitor global control; QEMU 7.2 lacks it: PIL)
 *   mtpmr    mtpmr PMGC0 with the value 0 (freezes nothing: all counters are off)
 *   l1csr0   mfspr L1CSR0 (SPR 1010, L1 cache control)
 *   svr      mfspr SVR (SPR 1023, system version)
 *   msgclr   msgclr with type 0 (Power ISA 2.06 III-E processor control; nothing pending);
 *            Bulkhead emulates doorbells since issue 13 (docs/cpu.md): executed, no interrupt
 *   l1csr2   mfspr L1CSR2 (SPR 606, e6500 only: neither e500mc nor the vCPU has it; under
 *            Bulkhead ESR[PPR]; QEMU 7.2 registers it for every e500 and reads 0 bare)
 *   mmucsr0  mtspr MMUCSR0 with 0 (no invalidation requested)
 *   lpidr    mtspr LPIDR (SPR 338) with 5: a hypervisor-only register (Embedded.Hypervisor);
 *            under Bulkhead this is an isolation fault, not a program interrupt */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>

/* What the program-interrupt handler saw. */
static struct {
	volatile uint32_t count;
	uint32_t esr, pc, msr;
} prog;

/* IVOR6: record and skip the instruction (SRR0 points at it for PPR/PIL; E500MCRM,
 * Interrupts and Exceptions: program interrupt). */
static void program_handler(struct guest_frame *f)
{
	prog.count++;
	prog.esr = f->esr;
	prog.pc = f->pc;
	prog.msr = f->msr;
	f->pc += 4;
}

/* Each op: run the instruction once; *insn = its address; returns the value read (if any). */
static uint32_t op_mfpmr(uint32_t *insn)
{
	uint32_t v = 0;

	__asm__ volatile("lis %1,1f@ha; addi %1,%1,1f@l\n1: mfpmr %0,400"
			 : "+r"(v), "=&b"(*insn)
			 :
			 : "memory");
	return v;
}

static uint32_t op_mtpmr(uint32_t *insn)
{
	__asm__ volatile("lis %0,1f@ha; addi %0,%0,1f@l\n1: mtpmr 400,%1"
			 : "=&b"(*insn)
			 : "r"(0)
			 : "memory");
	return 0;
}

static uint32_t op_l1csr0(uint32_t *insn)
{
	uint32_t v = 0;

	__asm__ volatile("lis %1,1f@ha; addi %1,%1,1f@l\n1: mfspr %0,1010"
			 : "+r"(v), "=&b"(*insn)
			 :
			 : "memory");
	return v;
}

static uint32_t op_svr(uint32_t *insn)
{
	uint32_t v = 0;

	__asm__ volatile("lis %1,1f@ha; addi %1,%1,1f@l\n1: mfspr %0,1023"
			 : "+r"(v), "=&b"(*insn)
			 :
			 : "memory");
	return v;
}

static uint32_t op_msgclr(uint32_t *insn)
{
	__asm__ volatile("lis %0,1f@ha; addi %0,%0,1f@l\n1: msgclr %1"
			 : "=&b"(*insn)
			 : "r"(0)
			 : "memory");
	return 0;
}

static uint32_t op_l1csr2(uint32_t *insn)
{
	uint32_t v = 0;

	__asm__ volatile("lis %1,1f@ha; addi %1,%1,1f@l\n1: mfspr %0,606"
			 : "+r"(v), "=&b"(*insn)
			 :
			 : "memory");
	return v;
}

static uint32_t op_mmucsr0(uint32_t *insn)
{
	__asm__ volatile("lis %0,1f@ha; addi %0,%0,1f@l\n1: mtspr 1012,%1"
			 : "=&b"(*insn)
			 : "r"(0)
			 : "memory");
	return 0;
}

static uint32_t op_lpidr(uint32_t *insn)
{
	__asm__ volatile("lis %0,1f@ha; addi %0,%0,1f@l\n1: mtspr 338,%1"
			 : "=&b"(*insn)
			 : "r"(5)
			 : "memory");
	return 0;
}

static const struct {
	const char *name;
	const char *insn;
	uint32_t (*run)(uint32_t *insn);
} ops[] = {
	{ "mfpmr", "mfpmr PMGC0", op_mfpmr },       { "mtpmr", "mtpmr PMGC0", op_mtpmr },
	{ "l1csr0", "mfspr L1CSR0", op_l1csr0 },    { "svr", "mfspr SVR", op_svr },
	{ "msgclr", "msgclr", op_msgclr },          { "l1csr2", "mfspr L1CSR2", op_l1csr2 },
	{ "mmucsr0", "mtspr MMUCSR0", op_mmucsr0 }, { "lpidr", "mtspr LPIDR", op_lpidr },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MSR_CHECKED   (MSR_CE | MSR_EE | MSR_PR | MSR_ME | MSR_DE | MSR_IS | MSR_DS)

int main(void)
{
	char name[16] = "msgclr";
	uint32_t i, insn = 0, v, msr;

	guest_arg_str("op", name, sizeof(name));
	for (i = 0; i < ARRAY_SIZE(ops) && strcmp(ops[i].name, name); i++)
		;
	if (i == ARRAY_SIZE(ops)) {
		printf("privop: unknown op=%s\n", name);
		return 2;
	}
	guest_set_handler(IVOR_PROGRAM, program_handler);
	msr = mfmsr();
	printf("privop: executing %s (%s)\n", ops[i].insn, guest_boot.hv ? "hypervisor" : "bare");
	v = ops[i].run(&insn);
	guest_set_handler(IVOR_PROGRAM, NULL);
	if (!prog.count) {
		if (!guest_boot.hv) {
			printf("bare: privileged instruction executed (%s = 0x%08lx)\n",
			       ops[i].insn, (unsigned long)v);
			return 0;
		}
		guest_check(0, "program interrupt reflected", "%s executed in the guest (0x%08lx)",
			    ops[i].insn, (unsigned long)v);
		guest_finish("privop");
	}
	printf("privop: program interrupt ESR 0x%08lx SRR0 0x%08lx SRR1 0x%08lx (MSR 0x%08lx)\n",
	       (unsigned long)prog.esr, (unsigned long)prog.pc, (unsigned long)prog.msr,
	       (unsigned long)msr);
	if (!guest_boot.hv)
		printf("bare: this QEMU does not implement %s\n", ops[i].insn);
	guest_check(prog.count == 1 && (prog.esr & (ESR_PPR | ESR_PIL)),
		    "program interrupt reflected", "%lu interrupts, ESR 0x%08lx",
		    (unsigned long)prog.count, (unsigned long)prog.esr);
	guest_check(prog.pc == insn, "SRR0 is the privileged instruction",
		    "SRR0 0x%08lx, instruction at 0x%08lx", (unsigned long)prog.pc,
		    (unsigned long)insn);
	guest_check((prog.msr & MSR_CHECKED) == (msr & MSR_CHECKED),
		    "SRR1 is the guest MSR (no stray CE/PR bits)", "SRR1 0x%08lx, MSR 0x%08lx",
		    (unsigned long)prog.msr, (unsigned long)msr);
	guest_finish("privop");
}
