/* mmio.c - a guest load or store to an emulated MMIO region: decode the instruction
 * (Power ISA 2.06 Book I, 3.3.2-3.3.4 fixed-point load/store, D- and X-forms, byte-reversed
 * forms), hand the access to the region's ops, write back the target and update registers. */
#include <stdbool.h>
#include <hv/err.h>
#include <hv/partition.h>
#include "powerpc.h"

#define OP(i) ((i) >> 26)
#define XO(i) (((i) >> 1) & 0x3ff)
#define RT(i) (((i) >> 21) & 31)
#define RA(i) (((i) >> 16) & 31)

/* What a load/store instruction does. */
struct ldst {
	unsigned int size; /* bytes */
	bool store, sign, reverse, update;
};

#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* sparse tables below */

/* D-form primary opcodes 32..45 */
static const struct ldst d_form[] = {
	[32 - 32] = { 4 },
	[33 - 32] = { 4, .update = true },
	[34 - 32] = { 1 },
	[35 - 32] = { 1, .update = true },
	[36 - 32] = { 4, .store = true },
	[37 - 32] = { 4, .store = true, .update = true },
	[38 - 32] = { 1, .store = true },
	[39 - 32] = { 1, .store = true, .update = true },
	[40 - 32] = { 2 },
	[41 - 32] = { 2, .update = true },
	[42 - 32] = { 2, .sign = true },
	[43 - 32] = { 2, .sign = true, .update = true },
	[44 - 32] = { 2, .store = true },
	[45 - 32] = { 2, .store = true, .update = true },
};

/* X-form extended opcodes of primary opcode 31 */
static bool decode_x(uint32_t xo, struct ldst *d)
{
	static const struct {
		uint16_t xo;
		struct ldst d;
	} x_form[] = {
		{ 23, { 4 } },
		{ 55, { 4, .update = true } },
		{ 87, { 1 } },
		{ 119, { 1, .update = true } },
		{ 151, { 4, .store = true } },
		{ 183, { 4, .store = true, .update = true } },
		{ 215, { 1, .store = true } },
		{ 247, { 1, .store = true, .update = true } },
		{ 279, { 2 } },
		{ 311, { 2, .update = true } },
		{ 343, { 2, .sign = true } },
		{ 375, { 2, .sign = true, .update = true } },
		{ 407, { 2, .store = true } },
		{ 439, { 2, .store = true, .update = true } },
		{ 534, { 4, .reverse = true } },
		{ 662, { 4, .store = true, .reverse = true } },
		{ 790, { 2, .reverse = true } },
		{ 918, { 2, .store = true, .reverse = true } },
	};

	for (unsigned int i = 0; i < sizeof(x_form) / sizeof(x_form[0]); i++) {
		if (x_form[i].xo == xo) {
			*d = x_form[i].d;
			return true;
		}
	}
	return false;
}

static bool decode(uint32_t insn, struct ldst *d)
{
	if (OP(insn) >= 32 && OP(insn) <= 45) {
		*d = d_form[OP(insn) - 32];
		return true;
	}
	return OP(insn) == 31 && decode_x(XO(insn), d);
}

static uint32_t swap(uint32_t v, unsigned int size)
{
	if (size == 2)
		return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
	return __builtin_bswap32(v);
}

static uint32_t load_result(uint64_t raw, const struct ldst *d)
{
	uint32_t v = (uint32_t)raw;

	if (d->reverse)
		v = swap(v, d->size);
	if (d->sign && d->size == 2)
		v = (uint32_t)(int32_t)(int16_t)v;
	return v;
}

/* 0 when done (pc advanced), a negative code (hv/err.h) when the instruction is not a plain
 * load/store or the region's ops refused it. ea is the data address (DEAR), gpa its guest physical
 * address. */
int emulate_mmio(struct vcpu *v, struct trap_frame *tf, const struct part_region *r, uint32_t ea,
		 uint64_t gpa)
{
	uint32_t insn, rt;
	uint64_t off = gpa - r->gpa, val;
	struct ldst d;

	if (vcpu_fetch_insn(v, tf->pc, &insn) || !decode(insn, &d) || off + d.size > r->size)
		return -HV_EINVAL;
	rt = RT(insn);
	if (d.store) {
		val = d.size == 4 ? tf->gpr[rt] : tf->gpr[rt] & ((1u << (8 * d.size)) - 1);
		if (d.reverse)
			val = swap((uint32_t)val, d.size);
		if (r->ops->write(r->ctx, off, d.size, val))
			return -HV_EIO;
	} else {
		if (r->ops->read(r->ctx, off, d.size, &val))
			return -HV_EIO;
		tf->gpr[rt] = load_result(val, &d);
	}
	if (d.update && RA(insn))
		tf->gpr[RA(insn)] = ea;
	tf->pc += 4;
	v->stats.emulated++;
	return 0;
}
