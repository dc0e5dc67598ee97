/* regs.c - the gdb stub's x86 hooks. Partitions run 32-bit protected-mode guests (the x86
 * guest boot protocol, docs/x86.md), so the stub is gdb's "i386" target: its 'g' packet
 * starts with eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags, cs, ss, ds, es, fs, gs
 * (4 bytes each, little-endian; gdb's i386 register numbers 0-15). The x87 and SSE
 * registers that follow in gdb's layout are not sent (gdb shows them as unavailable).
 * Guest addresses translate only while the guest's paging is off (CR0.PG = 0): then a
 * virtual address is its guest-physical address. Breakpoints and single steps are not done
 * yet on x86 (no #BP/#DB intercepts; docs/gdb.md). */
#include <string.h>
#include <hv/err.h>
#include <hv/gdb.h>
#include <hv/vcpu.h>
#include "../vcpu/svm.h"

#define NR_REGS       16 /* eax..gs */
#define REG_EIP       8
#define REG_EFLAGS    9
#define REGS_SIZE     (4 * NR_REGS)
#define CR0_PG        0x80000000u
#define PAGE          0x1000u
#define EFLAGS_FIXED  0x2u        /* bit 1 reads as one */
#define EFLAGS_WRITES 0x00000cd5u /* CF PF AF ZF SF DF OF */

static void put32(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t selector(const struct vcpu *v, unsigned int off)
{
	uint16_t sel;

	memcpy(&sel, svm_vmcb_of(v) + off, sizeof(sel));
	return sel;
}

size_t gdb_arch_regs_size(void)
{
	return REGS_SIZE;
}

int gdb_arch_reg_slot(unsigned int regno, size_t *offset, size_t *size)
{
	if (regno >= NR_REGS)
		return -HV_ENOENT;
	*offset = 4 * regno;
	*size = 4;
	return 0;
}

void gdb_arch_read_regs(const struct vcpu *v, const struct trap_frame *tf, uint8_t *buf)
{
	const uint64_t gpr[10] = { tf->rax, tf->rcx, tf->rdx, tf->rbx, tf->rsp,
				   tf->rbp, tf->rsi, tf->rdi, tf->rip, tf->rflags };
	const unsigned int seg[6] = { VMCB_CS, VMCB_SS, VMCB_DS, VMCB_ES, VMCB_FS, VMCB_GS };

	for (int i = 0; i < 10; i++)
		put32(buf + 4 * i, gpr[i]);
	for (int i = 0; i < 6; i++)
		put32(buf + 4 * (10 + i), selector(v, seg[i]));
}

/* The general registers, eip and the arithmetic/direction flags; the segment selectors, and
 * EFLAGS' system bits (IF, IOPL, VM, ...), stay as the guest set them (a debugger write
 * would change its privilege or interrupt state behind the hypervisor's back). */
void gdb_arch_write_regs(struct vcpu *v, struct trap_frame *tf, const uint8_t *buf)
{
	uint64_t *gpr[8] = { &tf->rax, &tf->rcx, &tf->rdx, &tf->rbx,
			     &tf->rsp, &tf->rbp, &tf->rsi, &tf->rdi };

	for (int i = 0; i < 8; i++)
		*gpr[i] = get32(buf + 4 * i);
	tf->rip = get32(buf + 4 * REG_EIP);
	tf->rflags = (tf->rflags & ~(uint64_t)EFLAGS_WRITES) |
		     (get32(buf + 4 * REG_EFLAGS) & EFLAGS_WRITES) | EFLAGS_FIXED;
}

struct trap_frame *gdb_arch_frame(struct vcpu *v)
{
	return &v->arch.frame;
}

uint64_t gdb_arch_pc(const struct trap_frame *tf)
{
	return tf->rip;
}

void gdb_arch_set_pc(struct trap_frame *tf, uint64_t pc)
{
	tf->rip = (uint32_t)pc;
}

/* Paging off: va is the guest-physical address, up to the end of its page. */
int gdb_arch_translate(struct vcpu *v, uint64_t va, bool insn, uint64_t *gpa, uint64_t *room)
{
	uint64_t cr0;

	memcpy(&cr0, svm_vmcb_of(v) + VMCB_CR0, sizeof(cr0));
	if ((cr0 & CR0_PG) || va > 0xffffffffu)
		return -HV_EFAULT;
	*gpa = va;
	*room = PAGE - (va & (PAGE - 1));
	return 0;
}

/* INT3: intercepted (svm.c do_swint(), the INTn intercept, as QEMU raises INT3 as a software
 * interrupt), the stub's own told from the guest's by gdb_trap_hit(). */
size_t gdb_arch_break_insn(uint8_t *insn)
{
	insn[0] = 0xcc;
	return 1;
}

void gdb_arch_sync_icache(struct partition *p, uint64_t gpa, size_t len)
{
}

/* No single step on x86 yet: the stub answers 's' with an error. */
int gdb_arch_next_pcs(struct vcpu *v, const struct trap_frame *tf, uint64_t pcs[2])
{
	return 0;
}

unsigned int gdb_arch_hw_breakpoints(void)
{
	return 0;
}

const char *gdb_arch_target_xml(void)
{
	return "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	       "<target><architecture>i386</architecture></target>";
}
