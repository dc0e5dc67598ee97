/* vlapic.c - the local APIC a partition's vCPU sees, in xAPIC mode at 0xfee00000 (docs/x86.md,
 * "Local APIC"): its timer (one-shot and periodic, counting at the TSC's rate divided by the
 * divide configuration) and the registers a guest sets up around it. The physical local APIC
 * stays the hypervisor's. The guest's accesses are nested page faults emulated by mmio.c;
 * svm.c presents the timer's vector as a virtual interrupt and arms the physical timer for
 * the next deadline while the vCPU runs. Intel SDM vol. 3A, chapter 11 (11.4 registers,
 * 11.5.1 LVT, 11.5.4 timer). */
#include <hv/err.h>
#include <string.h>
#include <hv/partition.h>
#include <hv/arch/cpu.h>
#include <hv/mutate.h>
#include "vlapic.h"

#define REG_ID      0x020
#define REG_VERSION 0x030
#define REG_TPR     0x080
#define REG_APR     0x090
#define REG_PPR     0x0a0
#define REG_EOI     0x0b0
#define REG_LDR     0x0d0
#define REG_DFR     0x0e0
#define REG_SVR     0x0f0
#define REG_ISR0    0x100 /* ISR, TMR, IRR: 0x100 .. 0x270 (read as 0: nothing in service) */
#define REG_IRR7    0x270
#define REG_ESR     0x280
#define REG_LVT0    0x2f0 /* CMCI; then 0x320 timer .. 0x370 error */
#define REG_ICR_LO  0x300
#define REG_ICR_HI  0x310
#define REG_TIMER   0x320
#define REG_ERROR   0x370
#define REG_INIT    0x380
#define REG_CURRENT 0x390
#define REG_DIVIDE  0x3e0

#define VERSION      0x00050014u /* version 0x14, 6 LVT entries (max LVT index 5) */
#define LVT_MASK     (1u << 16)
#define LVT_PERIODIC (1u << 17) /* timer mode 01; mode 10 (TSC deadline) is not offered */
#define LVT_TIMER_RW (0xffu | LVT_MASK | LVT_PERIODIC)
#define LVT_RW       (0xffu | 0x700u | LVT_MASK) /* vector, delivery mode, mask */
#define SVR_ENABLE   (1u << 8)
#define SVR_RW       (0xffu | SVR_ENABLE)
#define DIVIDE_RW    0xbu

#define NR_LVT 7 /* CMCI, timer, thermal, perf, LINT0, LINT1, error */
_Static_assert(sizeof(((struct vlapic *)0)->lvt) == NR_LVT * sizeof(uint32_t),
	       "struct vlapic has one word per LVT entry");

/* The LVT slot of a register: CMCI at 0x2f0, then 0x320 .. 0x370; NR_LVT for others. */
static unsigned int lvt_index(uint32_t off)
{
	if (off == REG_LVT0)
		return 0;
	if (off >= REG_TIMER && off <= REG_ERROR)
		return ((off - REG_TIMER) >> 4) + 1;
	return NR_LVT;
}

#define LVT_TIMER_SLOT 1

/* The divide configuration's divisor: bits 3, 1, 0 = 0b000 .. 0b110 -> 2 .. 128, 0b111 -> 1. */
static uint32_t divisor(uint32_t dcr)
{
	uint32_t n = (dcr & 3) | (dcr >> 1 & 4);

	return n == 7 ? 1 : 2u << n;
}

void vlapic_reset(struct vlapic *l, unsigned int vcpu_index)
{
	memset(l, 0, sizeof(*l));
	l->id = vcpu_index << 24;
	l->svr = 0xff;
	l->dfr = 0xffffffffu;
	for (unsigned int i = 0; i < NR_LVT; i++)
		l->lvt[i] = LVT_MASK;
	l->mask_ignored = hv_mutated("vlapic-unmasked");
}

static bool timer_masked(const struct vlapic *l)
{
	if (l->mask_ignored) /* test image: bulkhead.mutate=vlapic-unmasked (security.md) */
		return !(l->svr & SVR_ENABLE);
	return !(l->svr & SVR_ENABLE) || (l->lvt[LVT_TIMER_SLOT] & LVT_MASK);
}

void vlapic_update(struct vlapic *l, uint64_t now)
{
	if (!l->deadline || (int64_t)(now - l->deadline) < 0)
		return;
	if (!timer_masked(l))
		l->pending = true; /* a second expiry before delivery is the same IRR bit */
	if (!(l->lvt[LVT_TIMER_SLOT] & LVT_PERIODIC)) {
		l->deadline = 0;
		return;
	}
	l->deadline += l->period;
	if ((int64_t)(now - l->deadline) >= 0) /* periods missed (the vCPU was out): skip */
		l->deadline = now + l->period - (now - l->deadline) % l->period;
}

/* Vectors 0-15 are illegal in an LVT entry: the APIC does not deliver them (SDM 3A 11.5.3),
 * so a guest cannot make its timer raise an exception vector. */
#define VEC_FIRST_LEGAL 16

int vlapic_vector(const struct vlapic *l)
{
	uint32_t vec = l->lvt[LVT_TIMER_SLOT] & 0xff;

	return l->pending && !timer_masked(l) && vec >= VEC_FIRST_LEGAL ? (int)vec
									: VLAPIC_NO_VECTOR;
}

uint64_t vlapic_wakeup(const struct vlapic *l)
{
	return timer_masked(l) ? 0 : l->deadline;
}

/* The current count (SDM 3A 11.5.4): the ticks left to the deadline, in divided clocks. */
static uint32_t current_count(const struct vlapic *l)
{
	uint64_t now = arch_time_now();

	if (!l->deadline || (int64_t)(now - l->deadline) >= 0)
		return 0;
	return (uint32_t)((l->deadline - now) / divisor(l->divide));
}

/* Writing the initial count starts the count from it (0 stops the timer). */
static void start_timer(struct vlapic *l, uint32_t count)
{
	l->initial = count;
	l->period = (uint64_t)count * divisor(l->divide);
	l->deadline = count ? arch_time_now() + l->period : 0;
	if (l->deadline == 0 && count)
		l->deadline = 1;
}

static int lapic_read(const struct vlapic *l, uint64_t off, uint64_t *value);

/* The mmio_ops value is the register's bytes read big-endian (hv/partition.h); the local
 * APIC's registers are little-endian 32-bit words. */
static int vlapic_read(void *ctx, uint64_t off, unsigned int size, uint64_t *value)
{
	uint64_t v = 0;
	int err;

	if (size != 4 || off & 0xf)
		return -HV_EINVAL;
	err = lapic_read(ctx, off, &v);
	*value = __builtin_bswap32((uint32_t)v);
	return err;
}

static int lapic_read(const struct vlapic *l, uint64_t off, uint64_t *value)
{
	unsigned int lvt = lvt_index((uint32_t)off);

	if (lvt < NR_LVT) {
		*value = l->lvt[lvt];
		return 0;
	}
	switch (off) {
	case REG_ID:
		*value = l->id;
		return 0;
	case REG_VERSION:
		*value = VERSION;
		return 0;
	case REG_TPR:
		*value = l->tpr;
		return 0;
	case REG_LDR:
		*value = l->ldr;
		return 0;
	case REG_DFR:
		*value = l->dfr;
		return 0;
	case REG_SVR:
		*value = l->svr;
		return 0;
	case REG_INIT:
		*value = l->initial;
		return 0;
	case REG_CURRENT:
		*value = current_count(l);
		return 0;
	case REG_DIVIDE:
		*value = l->divide;
		return 0;
	case REG_APR:
	case REG_PPR:
	case REG_EOI:
	case REG_ESR:
		*value = 0;
		return 0;
	default:
		if (off >= REG_ISR0 && off <= REG_IRR7) {
			*value = 0;
			return 0;
		}
		return -HV_ENOSYS; /* ICR (no IPIs between vCPUs yet), reserved offsets */
	}
}

static int vlapic_write(void *ctx, uint64_t off, unsigned int size, uint64_t value)
{
	struct vlapic *l = ctx;
	uint32_t v = __builtin_bswap32((uint32_t)value);
	unsigned int lvt = lvt_index((uint32_t)off);

	if (size != 4 || off & 0xf)
		return -HV_EINVAL;
	if (lvt < NR_LVT) {
		l->lvt[lvt] = v & (lvt == LVT_TIMER_SLOT ? LVT_TIMER_RW : LVT_RW);
		if (!(l->svr & SVR_ENABLE))
			l->lvt[lvt] |= LVT_MASK; /* software-disabled: stays masked (11.4.7.2) */
		return 0;
	}
	switch (off) {
	case REG_TPR:
		l->tpr = v & 0xff;
		return 0;
	case REG_LDR:
		l->ldr = v & 0xff000000u;
		return 0;
	case REG_DFR:
		l->dfr = v | 0x0fffffffu;
		return 0;
	case REG_SVR:
		l->svr = v & SVR_RW;
		if (!(l->svr & SVR_ENABLE)) /* software disable masks every LVT entry */
			for (unsigned int i = 0; i < NR_LVT; i++)
				l->lvt[i] |= LVT_MASK;
		return 0;
	case REG_INIT:
		start_timer(l, v);
		return 0;
	case REG_DIVIDE:
		l->divide = v & DIVIDE_RW;
		return 0;
	case REG_EOI: /* the timer's interrupt was delivered when the guest took it */
	case REG_ESR:
		return 0;
	default:
		return -HV_ENOSYS; /* ICR, read-only and reserved registers */
	}
}

const struct mmio_ops vlapic_ops = {
	.read = vlapic_read,
	.write = vlapic_write,
};
