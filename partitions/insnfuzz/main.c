/* insnfuzz - instruction fuzzer (issue 12, R3): executes seeded random instruction words in
 * guest supervisor state, one at a time in a sandbox, and prints a digest of every outcome so
 * that the same run bare on QEMU and under Bulkhead can be compared (docs/reliability.md).
 *
 * For each word: every GPR but r1 (the sandbox's stack pointer), CR, XER, CTR and LR get seeded
 * values (the GPRs point into a scratch area, so loads and stores stay inside memory that
 * both runs map the same), ESR and DEAR are cleared, the word is executed from a code page
 * followed by a branch back. The outcome is the interrupt taken (IVOR number, or none),
 * ESR, DEAR, the offset of SRR0 from the word, and the registers afterwards; the scratch area
 * is hashed after each block. Words in an excluded class (exclusion() says why) are replaced
 * by another draw and counted; register fields naming r1 are changed to r2, and so is the
 * base register r0 of a D-form load or store (it would address absolute 0 .. 32 KiB).
 *
 * mode=user: the words run in guest problem state (guest_run_user(), guest/user.h); the
 * classes that are privileged there are run instead of excluded (user_runs).
 * bootargs: seed=N (default 1), count=N words (default 10000), block=N (default 256),
 * dump=B: also print each word's outcome in block B ("insnfuzz: w <i> <word> <outcome>");
 * dump=all: a short line for every word ("insnfuzz: c <i> <word> <vec> <esr> <hash>");
 * verbose=1: and each word before it runs ("insnfuzz: x <word>").
 * Output: "insnfuzz: seed S count N block B", one "insnfuzz: block K digest 0x..." per block,
 * "insnfuzz: excluded <class> N" per class, "insnfuzz: done words N digest 0x...", exit 0.
 */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>
#include <guest/user.h>

#define SCRATCH_A    0x00400000u /* GPR values: SCRATCH_A + 0 .. REG_SPAN */
#define SCRATCH_B    0x00800000u /* rA + rB of two such values lands here */
#define REG_SPAN     0x2000u
#define WIN_A_LO     (SCRATCH_A - 0x10000) /* D-form: base -32 KiB .. base + 32 KiB */
#define WIN_A_SIZE   0x30000u
#define WIN_B_SIZE   (2 * REG_SPAN + 0x100)
#define NO_VECTOR    0xffu
#define DUMP_ALL     0xfffffffeu
#define DUMP_FULL    1 /* run_word(): "w" line after the word ran */
#define DUMP_BEFORE  2 /* "x" line before it runs */
#define DUMP_SHORT   4 /* "c" line: index, word, vector, ESR, outcome hash */
#define SPR_FIELD(w) ((((w) >> 16) & 0x1f) | (((w) >> 6) & 0x3e0))

/* In and out of one sandbox run (offsets used by the assembly below: keep in step). */
struct sandbox {
	uint32_t gpr[32];            /* 0 */
	uint32_t cr, xer, ctr, lr;   /* 128 */
	uint32_t vec, esr, dear, pc; /* 144: interrupt taken, or vec = NO_VECTOR */
};

static struct sandbox sb_in, sb_out;
uint32_t sandbox_code[1024] __attribute__((aligned(4096)));
uint32_t sandbox_sp; /* r1 inside the sandbox, for the way back */
struct sandbox *sandbox_result = &sb_out;

void sandbox_run(const struct sandbox *in);
extern const char sandbox_back[], sandbox_exit[];

/* sandbox_run(in): save the non-volatile state in a frame, load the registers from *in (r1
 * stays the frame), branch to the code page; "b sandbox_back" there (or an interrupt handler
 * setting SRR0 = sandbox_exit) comes back. Frame: 0 backchain, 8 CR, 12 r2, 16 scratch,
 * 24 .. 95 r14 .. r31; LR in the caller's frame. */
__asm__("	.text\n"
	"	.globl	sandbox_run\n"
	"sandbox_run:\n"
	"	stwu	r1, -96(r1)\n"
	"	mflr	r0\n"
	"	stw	r0, 100(r1)\n"
	"	mfcr	r0\n"
	"	stw	r0, 8(r1)\n"
	"	stw	r2, 12(r1)\n"
	"	stmw	r14, 24(r1)\n"
	"	lis	r4, sandbox_sp@ha\n"
	"	stw	r1, sandbox_sp@l(r4)\n"
	"	lwz	r0, 128(r3)\n"
	"	mtcr	r0\n"
	"	lwz	r0, 132(r3)\n"
	"	mtxer	r0\n"
	"	lwz	r0, 136(r3)\n"
	"	mtctr	r0\n"
	"	lwz	r0, 140(r3)\n"
	"	mtlr	r0\n"
	"	lwz	r0, 0(r3)\n"
	"	lwz	r2, 8(r3)\n"
	"	lmw	r4, 16(r3)\n"
	"	lwz	r3, 12(r3)\n"
	"	b	sandbox_code\n"
	"	.globl	sandbox_back\n"
	"sandbox_back:\n"
	"	stw	r3, 16(r1)\n"
	"	lis	r3, sandbox_result@ha\n"
	"	lwz	r3, sandbox_result@l(r3)\n"
	"	stw	r0, 0(r3)\n"
	"	stw	r2, 8(r3)\n"
	"	stmw	r4, 16(r3)\n"
	"	lwz	r4, 16(r1)\n"
	"	stw	r4, 12(r3)\n"
	"	mfcr	r0\n"
	"	stw	r0, 128(r3)\n"
	"	mfxer	r0\n"
	"	stw	r0, 132(r3)\n"
	"	mfctr	r0\n"
	"	stw	r0, 136(r3)\n"
	"	mflr	r0\n"
	"	stw	r0, 140(r3)\n"
	"	li	r0, 0xff\n"
	"	stw	r0, 144(r3)\n"
	"	.globl	sandbox_exit\n"
	"sandbox_exit:\n"
	"	lwz	r2, 12(r1)\n"
	"	lmw	r14, 24(r1)\n"
	"	lwz	r0, 8(r1)\n"
	"	mtcr	r0\n"
	"	lwz	r0, 100(r1)\n"
	"	mtlr	r0\n"
	"	addi	r1, r1, 96\n"
	"	blr\n");

/* Any interrupt from the sandboxed word: record it and resume at sandbox_exit (r1 is the
 * sandbox frame, unchanged: no word can name r1). */
static void on_interrupt(struct guest_frame *f)
{
	struct sandbox *o = sandbox_result;

	memcpy(o->gpr, f->gpr, sizeof(o->gpr));
	o->cr = f->cr;
	o->xer = f->xer;
	o->ctr = f->ctr;
	o->lr = f->lr;
	o->vec = f->vec;
	o->esr = f->esr;
	o->dear = f->dear;
	o->pc = f->pc - (uint32_t)(uintptr_t)sandbox_code;
	f->pc = (uint32_t)(uintptr_t)sandbox_exit;
	f->gpr[1] = sandbox_sp;
}

/* ---- word generation -------------------------------------------------------------------- */

static uint64_t rng;

static uint32_t rnd32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* SPRs of the Embedded.Hypervisor category: a guest touching one is stopped by design
 * (arch/powerpc/emulate/spr.c hypervisor_spr()). */
static int hypervisor_spr(uint32_t spr)
{
	switch (spr) {
	case 307:
	case 311:
	case 338:
	case 341:
	case 378:
	case 379:
	case 380:
	case 381:
	case 382:
	case 383:
	case 432:
	case 433:
	case 434:
	case 435:
	case 440:
	case 441:
	case 442:
	case 443:
	case 444:
	case 445:
	case 447:
	case 947:
	case 948:
		return 1;
	}
	return 0;
}

/* Excluded classes: the reason is printed with the count (and listed in docs/reliability.md). */
enum excl {
	EX_BRANCH,
	EX_RFI,
	EX_HCALL,
	EX_MSR,
	EX_MTSPR,
	EX_TLBW,
	EX_WAIT,
	EX_MSGSND,
	EX_STRING,
	EX_HVSPR,
	EX_QEMU,
	EX_EPID,
	EX_MFTB,
	EX_NR
};

static const char *const excl_name[EX_NR] = {
	[EX_BRANCH] = "branch (leaves the sandbox)",
	[EX_RFI] = "rfi/rfci/rfmci/rfdi/rfgi (leaves the sandbox)",
	[EX_HCALL] = "sc 1 (the hypercall: hcfuzz's job)",
	[EX_MSR] = "mtmsr/wrtee/wrteei (changes the sandbox's own MSR)",
	[EX_MTSPR] = "mtspr but XER/LR/CTR (IVORs, MMU, timers: changes the sandbox's own state)",
	[EX_TLBW] = "tlbwe/tlbivax/tlbilx (removes the sandbox's own mappings)",
	[EX_WAIT] = "wait (nothing would wake it)",
	[EX_MSGSND] = "msgsnd/msgclr (a doorbell interrupts the sandbox: test_cpu.py covers them)",
	[EX_STRING] = "lswi/lswx (may load r1)",
	[EX_HVSPR] = "mfspr of a hypervisor-only SPR (isolation fault by design)",
	[EX_QEMU] =
		"primary opcodes 4, 60 (QEMU 7.2 aborts: AltiVec/VSX unavailable have no e500mc "
		"vector)",
	[EX_EPID] = "external-PID loads/stores (use EPLC/EPSC, hypervisor-only: not emulated)",
	[EX_MFTB] = "mftb of a TBR other than 268/269 (QEMU bare reads; Bulkhead: ESR[PPR])",
};

static uint32_t excluded[EX_NR];
static int user_mode; /* mode=user: words run in problem state */

/* In problem state these classes are privileged (the guest kernel's program interrupt, bare
 * and under Bulkhead alike) or harmless, so they are run, not excluded. */
static const uint32_t user_runs = 1u << EX_RFI | 1u << EX_HCALL | 1u << EX_MSR | 1u << EX_MTSPR |
				  1u << EX_TLBW | 1u << EX_MSGSND | 1u << EX_HVSPR | 1u << EX_EPID |
				  1u << EX_MFTB;

/* The class a word is excluded for, or -1. */
static int exclusion(uint32_t w)
{
	uint32_t op = w >> 26, xo = (w >> 1) & 0x3ff;

	if (op == 16 || op == 18)
		return EX_BRANCH;
	if (op == 4 || op == 60)
		return EX_QEMU;
	if (op == 17)
		return w == 0x44000022 ? EX_HCALL : -1;
	if (op == 19) {
		if (xo == 16 || xo == 528)
			return EX_BRANCH;
		if (xo == 50 || xo == 51 || xo == 38 || xo == 39 || xo == 102)
			return EX_RFI;
		return -1;
	}
	if (op != 31)
		return -1;
	switch (xo) {
	case 146:
	case 131:
	case 163:
		return EX_MSR;
	case 978:
	case 786:
	case 18:
		return EX_TLBW;
	case 62:
		return EX_WAIT;
	case 206:
	case 238:
		return EX_MSGSND;
	case 31:
	case 95:
	case 287:
	case 159:
	case 223:
	case 415:
	case 127:
	case 63:
	case 319:
	case 255:
	case 991:
	case 1023:
	case 607:
	case 735:
	case 285:
	case 413:
	case 295:
	case 263:
	case 807:
	case 775:
		return EX_EPID;
	case 371: {
		uint32_t tbr = SPR_FIELD(w);

		return tbr == 268 || tbr == 269 ? -1 : EX_MFTB;
	}
	case 597:
	case 533:
		return EX_STRING;
	case 467: {
		uint32_t spr = SPR_FIELD(w);

		return spr == 1 || spr == 8 || spr == 9 ? -1 : EX_MTSPR;
	}
	case 339:
		return hypervisor_spr(SPR_FIELD(w)) ? EX_HVSPR : -1;
	}
	return -1;
}

/* Register fields that name r1 name r2 instead (r1 is the sandbox's stack pointer); lmw from
 * r0 or r1 starts at r2. The SPR field of mfspr/mtspr is left alone. */
static uint32_t sanitise(uint32_t w)
{
	uint32_t op = w >> 26, xo = (w >> 1) & 0x3ff;
	int spr = op == 31 && (xo == 339 || xo == 467 || xo == 371 || xo == 334 || xo == 462 ||
			       xo == 323 || xo == 451);

	if (((w >> 21) & 0x1f) == 1 || (op == 46 && ((w >> 21) & 0x1f) == 0))
		w = (w & ~(0x1fu << 21)) | (2u << 21);
	if (!spr && ((w >> 16) & 0x1f) == 1)
		w = (w & ~(0x1fu << 16)) | (2u << 16);
	if (!spr && ((w >> 11) & 0x1f) == 1)
		w = (w & ~(0x1fu << 11)) | (2u << 11);
	/* D-form loads and stores with rA = 0 address 0 .. 32 KiB absolute: what is there
	 * differs between bare and Bulkhead. Base them on a scratch pointer too. */
	if (op >= 32 && op <= 47 && ((w >> 16) & 0x1f) == 0)
		w |= 2u << 16;
	return w;
}

/* A random word, biased towards the opcode spaces with the most privileged and
 * storage-touching instructions (primary 31 and 19). */
static uint32_t draw(void)
{
	for (;;) {
		uint32_t w = rnd32();
		int ex;

		switch (rnd32() % 4) {
		case 0:
			w = (w & 0x03ffffff) | (31u << 26);
			break;
		case 1:
			if (rnd32() % 4 == 0)
				w = (w & 0x03ffffff) | (19u << 26);
			break;
		}
		/* user state: one word in 64 is the hypercall instruction (r11 a seeded value):
		 * from guest user mode it must do what it does bare (issue 12 finding 5) */
		if (user_mode && rnd32() % 64 == 0)
			w = 0x44000022;
		w = sanitise(w);
		ex = exclusion(w);
		if (ex < 0 || (user_mode && (user_runs & (1u << ex))))
			return w;
		excluded[ex]++;
	}
}

/* ---- outcomes ---------------------------------------------------------------------------- */

/* mfspr values that differ by design between bare and Bulkhead: time, identity of the real
 * CPU, the hypervisor's own copies. Only the interrupt is compared for them; the values of
 * the user SPRs (XER, LR, CTR) and of SPRG0-7 are compared (docs/reliability.md). */
static int spr_value_compared(uint32_t spr)
{
	return spr == 1 || spr == 8 || spr == 9 || (spr >= 272 && spr <= 279) ||
	       (spr >= 260 && spr <= 263);
}

static int rd_masked(uint32_t w)
{
	uint32_t op = w >> 26, xo = (w >> 1) & 0x3ff;

	if (op != 31)
		return 0;
	if (xo == 371) /* mftb: time */
		return 1;
	if (xo == 339)
		return !spr_value_compared(SPR_FIELD(w));
	return 0;
}

static uint32_t fnv(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		h = (h ^ ((v >> (24 - 8 * i)) & 0xff)) * 16777619u;
	return h;
}

static uint32_t outcome_hash(uint32_t w, const struct sandbox *o)
{
	uint32_t h = fnv(2166136261u, w);

	for (int i = 0; i < 32; i++)
		if (i != 1 && !(i == (int)((w >> 21) & 0x1f) && rd_masked(w)))
			h = fnv(h, o->gpr[i]);
	h = fnv(h, o->cr);
	h = fnv(h, o->xer);
	h = fnv(h, o->ctr);
	h = fnv(h, o->lr);
	h = fnv(h, o->vec);
	if (o->vec != NO_VECTOR) {
		/* Finding I1 (docs/reliability.md): QEMU writes no ESR on an alignment
		 * interrupt and Bulkhead passes on its own stale one: not compared. */
		if (o->vec != 5)
			h = fnv(h, o->esr);
		h = fnv(h, o->dear);
		h = fnv(h, o->pc);
	}
	return h;
}

static uint32_t hash_mem(uint32_t h, uint32_t base, uint32_t size)
{
	const uint32_t *p = (const uint32_t *)(uintptr_t)base;

	for (uint32_t i = 0; i < size / 4; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void fill_mem(uint32_t base, uint32_t size)
{
	uint32_t *p = (uint32_t *)(uintptr_t)base;

	for (uint32_t i = 0; i < size / 4; i++)
		p[i] = rnd32();
}

/* Put w in the code page, followed by "b sandbox_back", and make it visible to fetch. */
static void load_word(uint32_t w)
{
	uint32_t back = (uint32_t)(uintptr_t)sandbox_back - (uint32_t)(uintptr_t)&sandbox_code[1];

	sandbox_code[0] = w;
	sandbox_code[1] = 0x48000000u | (back & 0x03fffffcu);
	__asm__ volatile("dcbst 0,%0; sync; icbi 0,%0; isync" : : "r"(sandbox_code) : "memory");
}

/* Problem state: guest_run_user() runs the sandbox; an interrupt ends the run there and its
 * state comes from guest_user_exit(); "sc" (the word itself) also ends it, with return 0. */
static void user_body(void *arg)
{
	sandbox_run(arg);
}

static void run_user(void)
{
	const struct guest_frame *f;
	int vec;

	sb_out.vec = NO_VECTOR - 1; /* still so after a return: the word was sc */
	vec = guest_run_user(user_body, &sb_in);
	if (vec == 0 && sb_out.vec != NO_VECTOR - 1)
		return; /* ran to sandbox_back */
	f = guest_user_exit();
	memcpy(sb_out.gpr, f->gpr, sizeof(sb_out.gpr));
	sb_out.cr = f->cr;
	sb_out.xer = f->xer;
	sb_out.ctr = f->ctr;
	sb_out.lr = f->lr;
	sb_out.vec = vec > 0 ? (uint32_t)vec : 8;
	sb_out.esr = f->esr;
	sb_out.dear = f->dear;
	sb_out.pc = f->pc - (uint32_t)(uintptr_t)sandbox_code;
}

static uint32_t run_word(uint32_t w, int dump, uint32_t idx)
{
	uint32_t h;

	for (int i = 0; i < 32; i++)
		sb_in.gpr[i] = SCRATCH_A + (rnd32() % REG_SPAN);
	sb_in.cr = rnd32();
	sb_in.xer = rnd32() & 0xe000007f;
	sb_in.ctr = rnd32();
	sb_in.lr = rnd32();
	memset(&sb_out, 0, sizeof(sb_out));
	if (dump & DUMP_BEFORE)
		printf("insnfuzz: x %08lx\n", (unsigned long)w); /* before it runs */
	load_word(w);
	mtspr(SPRN_ESR, 0);
	mtspr(SPRN_DEAR, 0);
	if (user_mode)
		run_user();
	else
		sandbox_run(&sb_in);
	h = outcome_hash(w, &sb_out);
	if (dump & DUMP_SHORT)
		printf("insnfuzz: c %lu %08lx %lu %08lx %08lx\n", (unsigned long)idx,
		       (unsigned long)w, (unsigned long)sb_out.vec, (unsigned long)sb_out.esr,
		       (unsigned long)h);
	if (dump & DUMP_FULL)
		printf("insnfuzz: w %lu %08lx vec %lu esr %08lx dear %08lx pc %lx cr %08lx "
		       "xer %08lx ctr %08lx lr %08lx hash %08lx\n",
		       (unsigned long)idx, (unsigned long)w, (unsigned long)sb_out.vec,
		       (unsigned long)sb_out.esr, (unsigned long)sb_out.dear,
		       (unsigned long)sb_out.pc, (unsigned long)sb_out.cr,
		       (unsigned long)sb_out.xer, (unsigned long)sb_out.ctr,
		       (unsigned long)sb_out.lr, (unsigned long)h);
	return h;
}

int main(void)
{
	uint64_t seed = guest_arg_u64("seed", 1);
	uint32_t count = (uint32_t)guest_arg_u64("count", 10000);
	uint32_t block = (uint32_t)guest_arg_u64("block", 256);
	uint32_t dump = (uint32_t)guest_arg_u64("dump", ~0ull), total = 2166136261u;
	int verbose = (int)guest_arg_u64("verbose", 0); /* 1: each word also before it runs */
	char all[8];

	if (guest_arg_str("dump", all, sizeof(all)) && !strcmp(all, "all"))
		dump = DUMP_ALL;
	user_mode = guest_arg_str("mode", all, sizeof(all)) && !strcmp(all, "user");
	static const unsigned int ivors[] = { 0, 1, 2, 3, 5, 6, 7, 8, 9, 13, 14, 15 };

	if (!block)
		block = 256;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	printf("insnfuzz: seed %llu count %lu block %lu %s state\n", (unsigned long long)seed,
	       (unsigned long)count, (unsigned long)block, user_mode ? "user" : "supervisor");
	for (unsigned int i = 0; i < sizeof(ivors) / sizeof(ivors[0]); i++)
		guest_set_handler(ivors[i], on_interrupt);
	fill_mem(WIN_A_LO, WIN_A_SIZE);
	fill_mem(SCRATCH_B, WIN_B_SIZE);
	for (uint32_t b = 0; b * block < count; b++) {
		uint32_t h = 2166136261u, n = count - b * block < block ? count - b * block : block;

		for (uint32_t i = 0; i < n; i++)
			h = fnv(h, run_word(draw(),
					    dump == DUMP_ALL ? DUMP_SHORT
					    : b == dump ? DUMP_FULL | (verbose ? DUMP_BEFORE : 0)
							: 0,
					    b * block + i));
		h = hash_mem(h, WIN_A_LO, WIN_A_SIZE);
		h = hash_mem(h, SCRATCH_B, WIN_B_SIZE);
		printf("insnfuzz: block %lu digest 0x%08lx\n", (unsigned long)b, (unsigned long)h);
		total = fnv(total, h);
	}
	for (int i = 0; i < EX_NR; i++)
		printf("insnfuzz: excluded %s %lu\n", excl_name[i], (unsigned long)excluded[i]);
	printf("insnfuzz: done words %lu digest 0x%08lx\n", (unsigned long)count,
	       (unsigned long)total);
	return 0;
}
