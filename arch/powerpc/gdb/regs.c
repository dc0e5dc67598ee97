/* regs.c - the e500mc side of the gdb stub (hv/include/hv/gdb.h): the register layout of
 * gdb's "powerpc:e500" target (its 'g' packet, as gdb 13's "maint print remote-registers"
 * shows it: r0-r31, the 32 upper halves of the SPE registers, pc, msr, cr, lr, ctr, xer, acc,
 * spefscr; e500mc has no SPE, so those read 0),
 * guest virtual -> guest physical through the vCPU's guest TLB, the trap instruction. */
#include <string.h>
#include <hv/err.h>
#include <hv/gdb.h>
#include <hv/partition.h>
#include "powerpc.h"

#define REGS_SIZE   292         /* 38 * 4 + 32 * 4 + 8 + 4 */
#define OFF_EVH     128         /* ev0h..ev31h: gdb registers 72..103 */
#define OFF_PC      256         /* pc msr cr lr ctr xer: gdb registers 64..69 */
#define OFF_ACC     280         /* gdb register 104, 8 bytes */
#define OFF_SPEFSCR 288         /* gdb register 105 */
#define TRAP_INSN   0x7fe00008u /* tw 31,0,0: always traps (program int., ESR[PTR]) */
#define LINE        32          /* cache-line step for the sync (e500mc lines are 64 bytes) */

static const char target_xml[] = "<?xml version=\"1.0\"?><target version=\"1.0\">"
				 "<architecture>powerpc:e500</architecture></target>";

size_t gdb_arch_regs_size(void)
{
	return REGS_SIZE;
}

int gdb_arch_reg_slot(unsigned int regno, size_t *offset, size_t *size)
{
	*size = 4;
	if (regno < 32)
		*offset = 4 * regno;
	else if (regno >= 64 && regno <= 69)
		*offset = OFF_PC + 4 * (regno - 64);
	else if (regno >= 72 && regno <= 103)
		*offset = OFF_EVH + 4 * (regno - 72);
	else if (regno == 104)
		*offset = OFF_ACC, *size = 8;
	else if (regno == 105)
		*offset = OFF_SPEFSCR;
	else
		return -HV_ENOENT;
	return 0;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* msr is the guest's own (virtual) MSR, not the problem-state one the CPU runs it with. */
void gdb_arch_read_regs(const struct vcpu *v, const struct trap_frame *tf, uint8_t *buf)
{
	const uint32_t tail[6] = { tf->pc, v->arch.msr, tf->cr, tf->lr, tf->ctr, tf->xer };

	memset(buf, 0, REGS_SIZE);
	for (int i = 0; i < 32; i++)
		put32(buf + 4 * i, tf->gpr[i]);
	for (int i = 0; i < 6; i++)
		put32(buf + OFF_PC + 4 * i, tail[i]);
}

/* GPRs, pc, cr, lr, ctr and xer; the MSR stays as the guest set it (a debugger write would
 * bypass the checks of its emulated mtmsr), the SPE registers do not exist. */
void gdb_arch_write_regs(struct vcpu *v, struct trap_frame *tf, const uint8_t *buf)
{
	for (int i = 0; i < 32; i++)
		tf->gpr[i] = get32(buf + 4 * i);
	tf->pc = get32(buf + OFF_PC) & ~3u;
	tf->cr = get32(buf + OFF_PC + 8);
	tf->lr = get32(buf + OFF_PC + 12);
	tf->ctr = get32(buf + OFF_PC + 16);
	tf->xer = get32(buf + OFF_PC + 20);
}

struct trap_frame *gdb_arch_frame(struct vcpu *v)
{
	return &v->arch.frame;
}

uint64_t gdb_arch_pc(const struct trap_frame *tf)
{
	return tf->pc;
}

void gdb_arch_set_pc(struct trap_frame *tf, uint64_t pc)
{
	tf->pc = (uint32_t)pc & ~3u; /* as a 'G' write of the pc */
}

/* The guest TLB entry for va in the address space of the access (MSR[IS] or MSR[DS]) and the
 * guest's PID, read under the TLB's lock (other vCPUs' tlbivax write it). */
int gdb_arch_translate(struct vcpu *v, uint64_t va, bool insn, uint64_t *gpa, uint64_t *room)
{
	struct vcpu_arch *a = &v->arch;
	unsigned int tlbsel, esel;
	const struct vtlb_entry *e;
	uint64_t size;

	if (va > UINT32_MAX)
		return -HV_EFAULT;
	vtlb_lock(a);
	e = vtlb_lookup(a, (uint32_t)va, !!(a->msr & (insn ? MSR_IS : MSR_DS)), a->pid, &tlbsel,
			&esel);
	if (e) {
		size = vtlb_entry_size(e);
		*gpa = vtlb_translate(e, (uint32_t)va);
		*room = size - (va & (size - 1));
	}
	vtlb_unlock(a);
	return e ? 0 : -HV_EFAULT;
}

size_t gdb_arch_break_insn(uint8_t *insn)
{
	put32(insn, TRAP_INSN);
	return 4;
}

/* Data cache to memory, then the instruction cache and the fetched instructions dropped
 * (Power ISA Book II 1.8, "instruction storage": dcbst, sync, icbi, sync, isync). */
void gdb_arch_sync_icache(struct partition *p, uint64_t gpa, size_t len)
{
	uint64_t hpa;

	if (!len || gpa_to_hpa(p, gpa, len, &hpa))
		return;
	for (uint64_t a = hpa & ~(uint64_t)(LINE - 1); a < hpa + len; a += LINE)
		__asm__ volatile("dcbst 0,%0" ::"r"((uintptr_t)a) : "memory");
	__asm__ volatile("sync" ::: "memory");
	for (uint64_t a = hpa & ~(uint64_t)(LINE - 1); a < hpa + len; a += LINE)
		__asm__ volatile("icbi 0,%0" ::"r"((uintptr_t)a) : "memory");
	__asm__ volatile("sync; isync" ::: "memory");
}

const char *gdb_arch_target_xml(void)
{
	return target_xml;
}
