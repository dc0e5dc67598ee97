/* mmio.c - emulated MMIO for x86 partitions: a guest's access to a REGION_EMULATED range (an
 * assigned PCI function's configuration page, hv/pci/pci.c) is a nested page fault (the
 * region is not in the nested tables, npt.c); the faulting instruction is fetched from guest
 * memory, decoded and done through the region's ops. QEMU's SVM saves neither the next RIP
 * nor the instruction bytes (no decode assists), so the length is decoded here too.
 *
 * Only the plain moves a driver uses for device registers are emulated, in 32-bit protected
 * mode with paging off (the test guests' mode, docs/x86.md): MOV 88/89/8A/8B (r/m <-> reg),
 * C6/C7 (immediate to r/m), A0-A3 (moffs), MOVZX/MOVSX 0F B6/B7/BE/BF, with the operand-size
 * prefix 66 and segment overrides (flat segments: ignored). Anything else (a string move, a
 * read-modify-write, LOCK, a 16-bit address size, paging on) is not emulated and the caller
 * reports an isolation fault naming the instruction's first bytes. Intel SDM vol. 2, 2.1
 * (instruction format) and 2.1.5 (32-bit ModR/M and SIB addressing). */
#include <hv/err.h>
#include <string.h>
#include <arch/trap_frame.h>
#include <hv/partition.h>
#include <hv/vcpu.h>
#include "mmio.h"

#define INSN_MAX 15 /* the architectural limit of an instruction's length */

/* One decoded move. */
struct mov {
	unsigned int len;      /* instruction bytes */
	unsigned int size;     /* access bytes: 1, 2, 4 */
	bool store;            /* to the region (else a load from it) */
	bool imm_src;          /* store of an immediate */
	uint32_t imm;          /* its value */
	int reg;               /* general register, 0 = EAX .. 7 = EDI (A0-A3: EAX) */
	bool sign;             /* MOVSX: sign-extend the loaded value */
	bool widen;            /* MOVZX/MOVSX: the destination is 32 (or 16 with 66) bits */
	unsigned int dst_size; /* bytes of the destination register written by a load */
};

/* Bytes of the memory operand's ModR/M, SIB and displacement (32-bit addressing), or 0 for a
 * register operand (mod 11: no memory access, not ours) or when the bytes run out. */
static unsigned int modrm_len(const uint8_t *b, unsigned int avail)
{
	unsigned int mod, rm, n = 1;

	if (!avail)
		return 0;
	mod = b[0] >> 6;
	rm = b[0] & 7;
	if (mod == 3)
		return 0;
	if (rm == 4) { /* SIB */
		if (avail < 2)
			return 0;
		n++;
		if (mod == 0 && (b[1] & 7) == 5)
			n += 4; /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		n += 4; /* disp32 alone */
	}
	n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return n <= avail ? n : 0;
}

static uint32_t le32(const uint8_t *b)
{
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Decode the move at b (avail bytes fetched). 0, or -HV_ENOSYS. */
static int decode(const uint8_t *b, unsigned int avail, struct mov *m)
{
	unsigned int i = 0, osz = 4, ml;
	uint8_t op;

	memset(m, 0, sizeof(*m));
	for (; i < avail; i++) { /* prefixes */
		if (b[i] == 0x66)
			osz = 2;
		else if (b[i] != 0x26 && b[i] != 0x2e && b[i] != 0x36 && b[i] != 0x3e &&
			 b[i] != 0x64 && b[i] != 0x65)
			break;
	}
	if (i >= avail)
		return -HV_ENOSYS;
	op = b[i++];
	switch (op) {
	case 0x88: /* MOV r/m8, r8 */
	case 0x89: /* MOV r/m, r */
	case 0x8a: /* MOV r8, r/m8 */
	case 0x8b: /* MOV r, r/m */
		m->size = op & 1 ? osz : 1;
		m->store = !(op & 2);
		m->reg = (b[i] >> 3) & 7;
		ml = modrm_len(b + i, avail - i);
		if (!ml)
			return -HV_ENOSYS;
		m->len = i + ml;
		m->dst_size = m->size;
		return 0;
	case 0xc6: /* MOV r/m8, imm8 */
	case 0xc7: /* MOV r/m, imm16/32 */
		m->size = op & 1 ? osz : 1;
		m->store = m->imm_src = true;
		ml = (b[i] >> 3) & 7 ? 0 : modrm_len(b + i, avail - i); /* /0 only */
		if (!ml || i + ml + m->size > avail)
			return -HV_ENOSYS;
		i += ml;
		m->imm = m->size == 1   ? b[i]
			 : m->size == 2 ? (uint32_t)(b[i] | b[i + 1] << 8)
					: le32(b + i);
		m->len = i + m->size;
		return 0;
	case 0xa0: /* MOV AL, moffs8 */
	case 0xa1: /* MOV eAX, moffs */
	case 0xa2: /* MOV moffs8, AL */
	case 0xa3: /* MOV moffs, eAX */
		if (i + 4 > avail)
			return -HV_ENOSYS;
		m->size = op & 1 ? osz : 1;
		m->store = op & 2;
		m->reg = 0;
		m->len = i + 4;
		m->dst_size = m->size;
		return 0;
	case 0x0f: /* MOVZX / MOVSX r, r/m8 or r/m16 */
		if (i >= avail || (b[i] != 0xb6 && b[i] != 0xb7 && b[i] != 0xbe && b[i] != 0xbf))
			return -HV_ENOSYS;
		m->size = b[i] & 1 ? 2 : 1;
		m->sign = b[i] & 8;
		m->widen = true;
		i++;
		if (i >= avail)
			return -HV_ENOSYS;
		m->reg = (b[i] >> 3) & 7;
		ml = modrm_len(b + i, avail - i);
		if (!ml)
			return -HV_ENOSYS;
		m->len = i + ml;
		m->dst_size = osz;
		return 0;
	default:
		break;
	}
	return -HV_ENOSYS;
}

/* General register n (SDM vol. 2, table 2-2 order: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI). */
static uint64_t *gpr(struct x86_mmio_state *s, int n)
{
	struct trap_frame *f = s->f;
	uint64_t *const regs[8] = { &s->rax, &f->rcx, &f->rdx, &f->rbx,
				    &s->rsp, &f->rbp, &f->rsi, &f->rdi };

	return regs[n & 7];
}

/* An 8-bit register operand: AL, CL, DL, BL, then AH, CH, DH, BH (no REX in 32-bit mode). */
static uint64_t *gpr8(struct x86_mmio_state *s, int n, unsigned int *shift)
{
	*shift = n & 4 ? 8 : 0;
	return gpr(s, n & 3);
}

/* The region's ops see the bytes read big-endian (struct mmio_ops); an x86 load sees them
 * little-endian. */
static uint32_t swap(uint32_t v, unsigned int size)
{
	return size == 4 ? __builtin_bswap32(v) : size == 2 ? __builtin_bswap16((uint16_t)v) : v;
}

static uint64_t mask_of(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

int x86_mmio_emulate(struct vcpu *v, struct x86_mmio_state *s, const struct part_region *r,
		     uint64_t gpa)
{
	uint8_t b[INSN_MAX];
	uint64_t off = gpa - r->gpa, val, *reg;
	unsigned int avail = INSN_MAX, shift = 0;
	uint64_t code = s->cs_base + s->rip;
	struct mov m;

	if (!s->flat32)
		return -HV_ENOSYS;
	/* the instruction may end closer than 15 bytes to the end of the guest's memory */
	while (avail && guest_read(v->part, code, b, avail))
		avail--;
	if (!avail)
		return -HV_EFAULT;
	if (decode(b, avail, &m))
		return -HV_ENOSYS;
	if (off + m.size > r->size || off + m.size < off)
		return -HV_EINVAL;
	if (m.store) {
		if (m.imm_src)
			val = m.imm;
		else if (m.size == 1)
			val = *gpr8(s, m.reg, &shift) >> shift;
		else
			val = *gpr(s, m.reg);
		val = swap((uint32_t)(val & mask_of(m.size)), m.size);
		if (r->ops->write(r->ctx, off, m.size, val))
			return -HV_EIO;
	} else {
		if (r->ops->read(r->ctx, off, m.size, &val))
			return -HV_EIO;
		val = swap((uint32_t)val, m.size) & mask_of(m.size);
		if (m.sign)
			val = m.size == 1 ? (uint64_t)(int64_t)(int8_t)val
					  : (uint64_t)(int64_t)(int16_t)val;
		if (m.size == 1 && !m.widen) {
			reg = gpr8(s, m.reg, &shift);
			*reg = (*reg & ~(0xffull << shift)) | (val & 0xff) << shift;
		} else {
			reg = gpr(s, m.reg);
			/* a 32-bit destination is written whole (the upper half is not visible in
			 * 32-bit mode); a 16-bit one keeps the rest of the register */
			*reg = m.dst_size == 4 ? val & 0xffffffffull
					       : (*reg & ~0xffffull) | (val & 0xffff);
		}
	}
	s->rip += m.len;
	v->stats.emulated++;
	return 0;
}
