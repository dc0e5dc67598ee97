/* regs.c - the gdb stub's x86-64 hooks. Guests do not run on x86 yet (docs/x86.md), so there
 * is nothing to debug: no registers are exposed, no guest address translates (the stub's
 * memory commands fail with an error), and the breakpoint is int3. */
#include <hv/err.h>
#include <hv/gdb.h>
#include <hv/vcpu.h>

size_t gdb_arch_regs_size(void)
{
	return 0;
}

int gdb_arch_reg_slot(unsigned int regno, size_t *offset, size_t *size)
{
	return -HV_ENOENT;
}

void gdb_arch_read_regs(const struct vcpu *v, const struct trap_frame *tf, uint8_t *buf)
{
}

void gdb_arch_write_regs(struct vcpu *v, struct trap_frame *tf, const uint8_t *buf)
{
}

struct trap_frame *gdb_arch_frame(struct vcpu *v)
{
	return &v->arch.frame;
}

uint64_t gdb_arch_pc(const struct trap_frame *tf)
{
	return tf->rip;
}

int gdb_arch_translate(struct vcpu *v, uint64_t va, bool insn, uint64_t *gpa, uint64_t *room)
{
	return -HV_EFAULT;
}

size_t gdb_arch_break_insn(uint8_t *insn)
{
	insn[0] = 0xcc; /* int3 */
	return 1;
}

void gdb_arch_sync_icache(struct partition *p, uint64_t gpa, size_t len)
{
}

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
	       "<target><architecture>i386:x86-64</architecture></target>";
}
