/* svm.c - x86 vCPUs on AMD SVM with nested paging (AMD64 APM vol. 2, chapter 15). One VMCB
 * per physical CPU, set up for the vCPU placed there at each vcpu_arch_run(): the guest
 * boot protocol's entry state (guest_boot.c), nested page tables mapping exactly the
 * partition's memory (npt.c), and intercepts for what a partition must not touch: every I/O
 * port and MSR (the permission maps are all ones), CPUID (emulated), HLT, VMMCALL (the
 * hypercall), shutdown, INIT, NMI and physical interrupts, and the SVM instructions. A guest
 * access outside its memory (nested page fault), to a port or an MSR, a VMRUN of its own or a
 * triple fault is an isolation fault: that partition stops, the others run on. The CPU has no
 * next-RIP save here (QEMU), so the lengths of the instructions skipped are fixed ones (CPUID,
 * HLT, VMMCALL). */
#include <hv/err.h>
#include <inttypes.h>
#include <setjmp.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/gdb.h>
#include <hv/hcall.h>
#include <hv/mutate.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/vcpu.h>
#include <hv/vpic.h>
#include "../x86.h"
#include "mmio.h"
#include "npt.h"
#include "svm.h"
#include "vlapic.h"

/* Guest entry state of the boot protocol (docs/x86.md): EAX = magic, EBX = device tree. */
#define GUEST_BOOT_MAGIC 0x45504150u /* "EPAP", as ePAPR's r6 */
#define SEG_CODE32       0xc9b       /* VMCB attributes: G, D, P, S, type code exec/read acc. */
#define SEG_DATA32       0xc93       /* G, D/B, P, S, type data read/write accessed */
#define SEG_LDT          0x082
#define SEG_TSS32_BUSY   0x08b
#define CR0_PE           0x01u
#define CR0_ET           0x10u
#define LEN_CPUID        2
#define LEN_HLT          1
#define LEN_VMMCALL      3
#define EVENT_VALID      (1u << 31) /* EVENTINJ (APM 15.20) */
#define EVENT_EXCEPTION  (3u << 8)
#define EVENT_SOFT_INT   (4u << 8)
#define CR0_PG           (1ull << 31)
#define VEC_BP           3
#define OP_INT3          0xcc
#define OP_INTN          0xcd
#define VEC_UD           6
#define VEC_HV_PIC       0x20 /* the virtual PIC's external interrupt (docs/x86.md) */

/* Per physical CPU: its VMCB, host save area, whether SVM is on, where a stop returns to. */
struct svm_cpu {
	uint8_t vmcb[4096];
	uint8_t hsave[4096];
	bool ready;
	const volatile uint64_t *irq_pending; /* the placed vCPU's vpic_pending_word() */
	uint64_t timer_armed; /* TSC deadline the physical local APIC timer is set for, or 0 */
	jmp_buf host_ctx;
} __attribute__((aligned(4096))); /* each element's pages page-aligned */

static struct svm_cpu svm_cpus[HV_NR_CPUS];
/* Every port and every MSR intercepted (APM 15.10, 15.11): one map for all vCPUs. */
static uint8_t iopm[3 * 4096] __attribute__((aligned(4096)));
static uint8_t msrpm[2 * 4096] __attribute__((aligned(4096)));

#define V8(c, o)  (*(volatile uint8_t *)((c)->vmcb + (o)))
#define V16(c, o) (*(volatile uint16_t *)((c)->vmcb + (o)))
#define V32(c, o) (*(volatile uint32_t *)((c)->vmcb + (o)))
#define V64(c, o) (*(volatile uint64_t *)((c)->vmcb + (o)))

void svm_vmrun(uint64_t vmcb_pa, struct trap_frame *g);

/* SVM on for this CPU: EFER.SVME and the host save area. -HV_ENODEV without SVM or NPT. */
static int svm_cpu_init(struct svm_cpu *c)
{
	uint32_t r[4];

	if (c->ready)
		return 0;
	cpuid(0x80000001, 0, r);
	if (!(r[2] & CPUID_SVM_ECX))
		return -HV_ENODEV;
	cpuid(0x8000000a, 0, r);
	if (!(r[3] & CPUID_NPT_EDX))
		return -HV_ENODEV;
	if (iopm[0] != 0xff) {
		memset(iopm, 0xff, sizeof(iopm));
		memset(msrpm, 0xff, sizeof(msrpm));
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uint64_t)(uintptr_t)c->hsave);
	c->ready = true;
	return 0;
}

static void seg(struct svm_cpu *c, unsigned int off, uint16_t sel, uint16_t attr, uint32_t limit)
{
	V16(c, off) = sel;
	V16(c, off + 2) = attr;
	V32(c, off + 4) = limit;
	V64(c, off + 8) = 0;
}

/* The VMCB for v at its entry state: 32-bit protected mode, flat segments, paging off. */
static void vmcb_setup(struct svm_cpu *c, struct vcpu *v, uint64_t ncr3)
{
	memset(c->vmcb, 0, sizeof(c->vmcb));
	V32(c, VMCB_INTERCEPT_MISC1) = INT1_INTR | INT1_NMI | INT1_INIT | INT1_CPUID | INT1_HLT |
				       INT1_IOIO | INT1_MSR | INT1_SHUTDOWN | INT1_INTN;
	V32(c, VMCB_INTERCEPT_MISC2) = INT2_VMRUN | INT2_VMMCALL | INT2_VMLOAD | INT2_VMSAVE |
				       INT2_STGI | INT2_CLGI | INT2_SKINIT;
	V64(c, VMCB_IOPM_PA) = (uint64_t)(uintptr_t)iopm;
	V64(c, VMCB_MSRPM_PA) = (uint64_t)(uintptr_t)msrpm;
	V32(c, VMCB_ASID) = 1;
	V32(c, VMCB_TLB_CTL) = TLB_FLUSH_ALL; /* new tables: no stale guest translations */
	V64(c, VMCB_V_INTR) = V_INTR_MASKING;
	V64(c, VMCB_NP_ENABLE) = 1;
	V64(c, VMCB_N_CR3) = ncr3;
	seg(c, VMCB_CS, 0x08, SEG_CODE32, 0xffffffff);
	seg(c, VMCB_DS, 0x10, SEG_DATA32, 0xffffffff);
	seg(c, VMCB_ES, 0x10, SEG_DATA32, 0xffffffff);
	seg(c, VMCB_SS, 0x10, SEG_DATA32, 0xffffffff);
	seg(c, VMCB_FS, 0x10, SEG_DATA32, 0xffffffff);
	seg(c, VMCB_GS, 0x10, SEG_DATA32, 0xffffffff);
	seg(c, VMCB_GDTR, 0, 0, 0);
	seg(c, VMCB_IDTR, 0, 0, 0);
	seg(c, VMCB_LDTR, 0, SEG_LDT, 0);
	seg(c, VMCB_TR, 0, SEG_TSS32_BUSY, 0x67);
	V8(c, VMCB_CPL) = 0;
	V64(c, VMCB_EFER) = EFER_SVME; /* required in the guest's EFER by VMRUN */
	V64(c, VMCB_CR0) = CR0_PE | CR0_ET;
	V64(c, VMCB_DR6) = 0xffff0ff0;
	V64(c, VMCB_DR7) = 0x400;
	V64(c, VMCB_GPAT) = 0x0007040600070406ull; /* the reset PAT */
	V64(c, VMCB_RFLAGS) = v->arch.frame.rflags;
	V64(c, VMCB_RIP) = v->arch.frame.rip;
	V64(c, VMCB_RSP) = v->arch.frame.rsp;
}

/* ---- exits ---- */

/* An intercepted instruction of len bytes is done: RIP past it, and the interrupt shadow of
 * a STI or MOV SS before it is over (it covered that instruction; left set, a "sti; hlt"
 * would keep a pending interrupt out of the instruction after the HLT as well). */
static void skip(struct svm_cpu *c, unsigned int len)
{
	V64(c, VMCB_RIP) += len;
	V64(c, VMCB_INT_STATE) = 0;
}

/* CPUID as the host answers it, without SVM (a guest must not try to nest) and with the
 * hypervisor-present bit (CPUID 1 ECX[31]); leaf 1 gives the vCPU's number as its initial
 * APIC ID (as PowerPC's PIR) and offers neither x2APIC nor the TSC-deadline timer, which
 * the virtual local APIC does not have (vlapic.c). */
static void do_cpuid(struct svm_cpu *c, const struct vcpu *v, struct trap_frame *f)
{
	uint32_t leaf = (uint32_t)V64(c, VMCB_RAX), r[4];

	cpuid(leaf, (uint32_t)f->rcx, r);
	if (leaf == 1) { /* the vCPU's own APIC ID (its vlapic.c ID), no x2APIC, no TSC deadline */
		r[1] = (r[1] & 0x00ffffffu) | (uint32_t)v->index << 24;
		r[2] = (r[2] & ~(CPUID_X2APIC_ECX | CPUID_TSC_DEADLINE_ECX)) | 1u << 31;
	}
	if (leaf == 0x80000001)
		r[2] &= ~CPUID_SVM_ECX;
	V64(c, VMCB_RAX) = r[0];
	f->rbx = r[1];
	f->rcx = r[2];
	f->rdx = r[3];
	skip(c, LEN_CPUID);
}

/* VMMCALL: the register convention of docs/abi.md (x86): token in EAX, arguments in EBX, ECX,
 * EDX, ESI, EDI, EBP, R8, R9; the results come back in the same registers, the status also
 * in EAX. A long call's slice (hcall_again) leaves RIP on the VMMCALL. */
static void do_vmmcall(struct svm_cpu *c, struct vcpu *v, struct trap_frame *f)
{
	struct hcall_regs r;

	if (V8(c, VMCB_CPL) != 0) { /* from guest user mode: #UD in the guest (security.md) */
		V32(c, VMCB_EVENTINJ) = EVENT_VALID | EVENT_EXCEPTION | VEC_UD;
		return;
	}
	/* Straight-line copies (a loop over an array of register pointers cost ~100 of the null
	 * hypercall's instructions: docs/benchmarks.md). */
	r.token = (uint32_t)V64(c, VMCB_RAX);
	r.reg[0] = (uint32_t)f->rbx;
	r.reg[1] = (uint32_t)f->rcx;
	r.reg[2] = (uint32_t)f->rdx;
	r.reg[3] = (uint32_t)f->rsi;
	r.reg[4] = (uint32_t)f->rdi;
	r.reg[5] = (uint32_t)f->rbp;
	r.reg[6] = (uint32_t)f->r8;
	r.reg[7] = (uint32_t)f->r9;
	hcall_dispatch(v, &r);
	f->rbx = (uint32_t)r.reg[0];
	f->rcx = (uint32_t)r.reg[1];
	f->rdx = (uint32_t)r.reg[2];
	f->rsi = (uint32_t)r.reg[3];
	f->rdi = (uint32_t)r.reg[4];
	f->rbp = (uint32_t)r.reg[5];
	f->r8 = (uint32_t)r.reg[6];
	f->r9 = (uint32_t)r.reg[7];
	V64(c, VMCB_RAX) = (uint32_t)r.reg[0];
	if (v->hcall_again)
		v->hcall_again = false;
	else
		skip(c, LEN_VMMCALL);
}

/* INT3 or INT n (intercepted, RIP on the instruction): an INT3 where the partition's gdb stub
 * put a breakpoint holds the vCPU there (gdb_trap_hit(); docs/gdb.md); any other goes on to
 * the guest's own IDT, RIP past the instruction, as it would without the intercept (#BP a
 * trap, INT n a software interrupt). Paging on or bytes outside its memory: not reflected,
 * an isolation fault. */
static void do_swint(struct svm_cpu *c, struct vcpu *v)
{
	uint64_t rip = V64(c, VMCB_RIP), lin = V64(c, VMCB_CS + 8) + rip;
	uint8_t b[2] = { 0, 0 };

	if ((V64(c, VMCB_CR0) & CR0_PG) || guest_read(v->part, lin, b, 1) ||
	    (b[0] == OP_INTN && guest_read(v->part, lin + 1, b + 1, 1)))
		partition_fault(v, "software interrupt at rip 0x%" PRIx64 " not reflected", rip);
	if (b[0] == OP_INT3) {
		if (gdb_trap_hit(v, rip))
			return;
		V64(c, VMCB_RIP) = rip + 1;
		V32(c, VMCB_EVENTINJ) = EVENT_VALID | EVENT_EXCEPTION | VEC_BP;
		return;
	}
	if (b[0] != OP_INTN)
		partition_fault(v, "software interrupt 0x%02x at rip 0x%" PRIx64 " not reflected",
				b[0], rip);
	V64(c, VMCB_RIP) = rip + 2;
	V32(c, VMCB_EVENTINJ) = EVENT_VALID | EVENT_SOFT_INT | b[1];
}

/* A halted guest: the CPU sleeps until its next interrupt or kick (a stop, or a virtual PIC
 * interrupt raised for it) or its local APIC timer's deadline, unless an interrupt is pending
 * already; at most 10 ms, then the guest halts again. */
static void do_hlt(struct svm_cpu *c, struct vcpu *v)
{
	uint64_t ticks = arch_time_freq() / 100, wake, now;

	skip(c, LEN_HLT);
	vlapic_update(&v->arch.lapic, arch_time_now());
	if (vpic_pending(v) || vlapic_vector(&v->arch.lapic) != VLAPIC_NO_VECTOR)
		return;
	wake = vlapic_wakeup(&v->arch.lapic);
	now = arch_time_now();
	if (wake && (int64_t)(wake - now) <= 0)
		return;
	if (wake && wake - now < ticks)
		ticks = wake - now;
	arch_cpu_idle(ticks);
	c->timer_armed = 0; /* arch_cpu_idle() leaves the physical timer stopped */
}

/* Before each VMRUN: the virtual PIC's external interrupt (the x86 counterpart of PowerPC's
 * external input) is a virtual interrupt, V_IRQ with vector VEC_HV_PIC, while one is pending
 * for v. The CPU delivers it through the guest's IDT as soon as the guest's EFLAGS.IF allows
 * (no exit) and clears V_IRQ (APM 15.21.4); the guest then takes it with EV_INT_IACK. One
 * still pending at the next entry (the guest had IF clear, or has not acknowledged it yet)
 * is presented again. Otherwise the local APIC timer's interrupt, when pending, is V_IRQ with
 * the guest's LVT vector: V_IRQ cleared at the next exit means the guest took it. The virtual
 * PIC goes first because its acknowledgement is a hypercall: the exit it makes presents the
 * timer's interrupt next, with no wait for another exit. */
static void present_interrupt(struct svm_cpu *c, struct vlapic *l)
{
	uint64_t ctl = V_INTR_MASKING;
	int vec;

	l->presented = false;
	if (*c->irq_pending) {
		ctl |= V_IRQ | V_INTR_PRIO | V_IGN_TPR | (uint64_t)VEC_HV_PIC << V_INTR_VECTOR;
	} else if (l->pending && (vec = vlapic_vector(l)) != VLAPIC_NO_VECTOR) {
		ctl |= V_IRQ | V_INTR_PRIO | V_IGN_TPR | (uint64_t)vec << V_INTR_VECTOR;
		l->presented = true;
	}
	V64(c, VMCB_V_INTR) = ctl;
}

/* After an exit: the timer's interrupt presented at the entry was delivered if the CPU
 * cleared V_IRQ. */
static void interrupt_taken(struct svm_cpu *c, struct vlapic *l)
{
	if (l->presented && !(V64(c, VMCB_V_INTR) & V_IRQ))
		l->pending = false;
}

/* The physical local APIC timer, set while the vCPU runs for its virtual timer's next deadline
 * (the interrupt exits, and the next entry presents the guest's): rounded up, never early.
 * Set again at every entry while the guest's timer counts, since an exit's handler may have
 * used the physical timer meanwhile (arch_cpu_idle() in a wait). */
static void arm_timer(struct svm_cpu *c, const struct vlapic *l)
{
	uint64_t wake, now, delta, count;

	if (!l->deadline && !c->timer_armed)
		return; /* no timer counting, none set: the common case, nothing to read */
	wake = vlapic_wakeup(l);
	if (!wake && !c->timer_armed)
		return;
	c->timer_armed = wake;
	if (!wake) {
		lapic_timer_oneshot(0);
		return;
	}
	now = arch_time_now();
	delta = (int64_t)(wake - now) > 0 ? wake - now : 0;
	if (delta > x86_tsc_hz()) /* at most 1 s ahead: the product below stays in 64 bits */
		delta = x86_tsc_hz();
	count = x86_tsc_hz() ? (delta * x86_lapic_timer_hz() + x86_tsc_hz() - 1) / x86_tsc_hz() : 1;
	lapic_timer_oneshot(count > 0xffffffffu ? 0xffffffffu : count ? (uint32_t)count : 1);
}

/* Physical interrupts pending at the exit are taken by the hypervisor's own handlers. */
static void take_interrupts(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

#define NPF_FETCH (1ull << 4) /* EXITINFO1 of a nested page fault: an instruction fetch */
#define CS_ATTR_D (1u << 10)  /* VMCB segment attributes: default operand size 32 */

/* A nested page fault on one of the partition's regions: a device region turned on after the
 * tables were built (a claim) is mapped now and the access runs again; an emulated region's
 * load or store is done by mmio.c. 0 when handled; else the fault's reason for the console. */
static const char *handle_npf(struct svm_cpu *c, struct vcpu *v, struct trap_frame *f, uint64_t gpa,
			      uint64_t err)
{
	const struct part_region *r = partition_region(v->part, gpa);
	struct part_region lapic = { .gpa = VLAPIC_GPA,
				     .size = VLAPIC_SIZE,
				     .kind = REGION_EMULATED,
				     .ops = &vlapic_ops,
				     .ctx = &v->arch.lapic };
	struct x86_mmio_state s;

	if (!r && gpa - VLAPIC_GPA < VLAPIC_SIZE)
		r = &lapic;
	if (!r || r->off)
		return "outside its memory";
	if (r->kind == REGION_DEVICE) {
		if (npt_map_region(arch_cpu_id(), V64(c, VMCB_N_CR3), r))
			return "in a device region the nested tables cannot map";
		V32(c, VMCB_TLB_CTL) = TLB_FLUSH_ALL;
		return NULL;
	}
	if (err & NPF_FETCH)
		return "(instruction fetch from an emulated region)";
	if (V64(c, VMCB_EXITINTINFO) & EVENT_VALID) /* an IDT or stack access of a delivery */
		return "(an emulated region's access by an interrupt's delivery)";
	s = (struct x86_mmio_state){
		.f = f,
		.rax = V64(c, VMCB_RAX),
		.rsp = V64(c, VMCB_RSP),
		.rip = V64(c, VMCB_RIP),
		.cs_base = V64(c, VMCB_CS + 8),
		.flat32 = !(V64(c, VMCB_CR0) & CR0_PG) && (V16(c, VMCB_CS + 2) & CS_ATTR_D),
	};
	switch (x86_mmio_emulate(v, &s, r, gpa)) {
	case 0:
		break;
	case -HV_EIO:
		return r == &lapic
			       ? "(a local APIC register not emulated, or a read-only one written)"
			       : "(refused by the emulated region)";
	default:
		return "(an emulated region's access by an instruction not emulated)";
	}
	V64(c, VMCB_RAX) = s.rax;
	V64(c, VMCB_RSP) = s.rsp;
	V64(c, VMCB_RIP) = s.rip;
	V64(c, VMCB_INT_STATE) = 0;
	return NULL;
}

static void handle_exit(struct svm_cpu *c, struct vcpu *v, uint64_t code)
{
	struct trap_frame *f = &v->arch.frame;
	uint64_t info1 = V64(c, VMCB_EXITINFO1), info2 = V64(c, VMCB_EXITINFO2);

	switch (code) {
	case EXIT_INTR:
	case EXIT_NMI:
	case EXIT_INIT:
		take_interrupts();
		return;
	case EXIT_VMMCALL:
		do_vmmcall(c, v, f);
		return;
	case EXIT_CPUID:
		do_cpuid(c, v, f);
		return;
	case EXIT_HLT:
		do_hlt(c, v);
		return;
	case EXIT_SWINT:
		do_swint(c, v);
		return;
	case EXIT_NPF: {
		const char *why = handle_npf(c, v, f, info2, info1);

		if (!why)
			return;
		partition_fault(v,
				"access to guest physical 0x%" PRIx64 " %s "
				"(nested page fault, error 0x%" PRIx64 ") at rip 0x%" PRIx64,
				info2, why, info1, V64(c, VMCB_RIP));
	}
	case EXIT_IOIO:
		partition_fault(v, "%s of port 0x%" PRIx64 " at rip 0x%" PRIx64,
				info1 & 1 ? "read" : "write", info1 >> 16 & 0xffff,
				V64(c, VMCB_RIP));
	case EXIT_MSR:
		partition_fault(v, "%s of MSR 0x%" PRIx64 " at rip 0x%" PRIx64,
				info1 ? "write" : "read", f->rcx & 0xffffffff, V64(c, VMCB_RIP));
	case EXIT_SHUTDOWN:
		partition_fault(v, "shutdown (triple fault) at rip 0x%" PRIx64, V64(c, VMCB_RIP));
	case EXIT_INVALID:
		partition_fault(v, "VMRUN refused the guest state");
	default:
		partition_fault(v, "%s (SVM exit 0x%" PRIx64 ") at rip 0x%" PRIx64,
				code >= EXIT_VMRUN && code <= EXIT_VMRUN + 6 ? "SVM instruction"
									     : "unexpected exit",
				code, V64(c, VMCB_RIP));
	}
}

/* Small exit-reason numbers for the statistics (arch_exit_name()). */
static const struct {
	uint64_t code;
	const char *name;
} exit_names[] = {
	{ EXIT_INTR, "intr" },       { EXIT_NMI, "nmi" },           { EXIT_INIT, "init" },
	{ EXIT_CPUID, "cpuid" },     { EXIT_HLT, "hlt" },           { EXIT_IOIO, "ioio" },
	{ EXIT_MSR, "msr" },         { EXIT_SHUTDOWN, "shutdown" }, { EXIT_VMRUN, "vmrun" },
	{ EXIT_VMMCALL, "vmmcall" }, { EXIT_NPF, "npf" },           { EXIT_INVALID, "invalid" },
};
#define NR_EXIT_NAMES (sizeof(exit_names) / sizeof(exit_names[0]))

/* The statistics slot of an exit code: exit_names[] order, NR_EXIT_NAMES for any other. A
 * switch (a compare tree), not a search of exit_names[]: it runs at every exit. */
static unsigned int exit_index(uint64_t code)
{
	switch (code) {
	case EXIT_INTR:
		return 0;
	case EXIT_NMI:
		return 1;
	case EXIT_INIT:
		return 2;
	case EXIT_CPUID:
		return 3;
	case EXIT_HLT:
		return 4;
	case EXIT_IOIO:
		return 5;
	case EXIT_MSR:
		return 6;
	case EXIT_SHUTDOWN:
		return 7;
	case EXIT_VMRUN:
		return 8;
	case EXIT_VMMCALL:
		return 9;
	case EXIT_NPF:
		return 10;
	case EXIT_INVALID:
		return 11;
	default:
		return NR_EXIT_NAMES;
	}
}
_Static_assert(NR_EXIT_NAMES == 12, "exit_index() lists exit_names[] in its order");

const char *arch_exit_name(unsigned int n)
{
	return n < NR_EXIT_NAMES ? exit_names[n].name : n == NR_EXIT_NAMES ? "other" : NULL;
}

/* ---- x87/SSE state ---- */

/* The x87, MMX and SSE registers are not in the VMCB: VMRUN and #VMEXIT leave them as they
 * are, so the guest's values stay in the CPU across exits (the hypervisor's own code never
 * touches them: -mgeneral-regs-only, arch.mk's sse-check). A vCPU that starts must not find
 * what ran on its CPU before (the previous run of its partition, or another partition), so
 * each run begins with FXRSTOR of the initial state: FCW 0x037f and MXCSR 0x1f80 as after
 * FNINIT and reset, every tag empty, every register 0 (FXSAVE layout: AMD APM vol. 5,
 * FXRSTOR; Intel SDM vol. 1, 10.5.1). */
static const uint8_t fpu_initial[512] __attribute__((aligned(16))) = {
	[0] = 0x7f,
	[1] = 0x03, /* FCW */
	[24] = 0x80,
	[25] = 0x1f, /* MXCSR */
};

static __attribute__((noinline)) void fpu_reset(void) /* arch.mk's sse-check names it */
{
	if (hv_mutated("fpu-keep"))
		return; /* test image: the previous run's registers stay (docs/security.md) */
	__asm__ volatile("fxrstor %0" : : "m"(*(const uint8_t(*)[512])fpu_initial));
}

/* ---- the vCPU interface ---- */

const uint8_t *svm_vmcb_of(const struct vcpu *v)
{
	return svm_cpus[v->pcpu < HV_NR_CPUS ? v->pcpu : 0].vmcb;
}

void vcpu_arch_reset(struct vcpu *v, uint64_t entry, uint64_t dtb_gpa, uint64_t ima_size)
{
	memset(&v->arch, 0, sizeof(v->arch));
	v->arch.entry = entry;
	v->arch.arg = dtb_gpa;
	v->arch.frame.rip = entry;
	v->arch.frame.rflags = 0x2;
	v->arch.frame.rax = GUEST_BOOT_MAGIC;
	v->arch.frame.rbx = dtb_gpa;
	vlapic_reset(&v->arch.lapic, v->index);
}

int vcpu_arch_run(struct vcpu *v)
{
	unsigned int cpu = arch_cpu_id();
	struct svm_cpu *c = &svm_cpus[cpu];
	struct trap_frame *f = &v->arch.frame;
	uint64_t ncr3;
	int err;

	if (setjmp(c->host_ctx)) { /* vcpu_arch_stop() */
		vpic_vcpu_stop(v);
		return 0;
	}
	if (svm_cpu_init(c))
		partition_fault(v, "this CPU has no SVM with nested paging");
	err = npt_build(cpu, v->part, &ncr3);
	if (err)
		partition_fault(v, "its memory does not fit the nested page tables (%d)", err);
	vmcb_setup(c, v, ncr3);
	fpu_reset();
	c->irq_pending = vpic_pending_word(v);
	c->timer_armed = 0;
	for (;;) {
		uint64_t code;

		V64(c, VMCB_RAX) = f->rax;
		if (v->arch.lapic.deadline)
			vlapic_update(&v->arch.lapic, arch_time_now());
		present_interrupt(c, &v->arch.lapic);
		arm_timer(c, &v->arch.lapic);
		__asm__ volatile("clgi; sti" ::: "memory");
		svm_vmrun((uint64_t)(uintptr_t)c->vmcb, f);
		__asm__ volatile("cli; stgi" ::: "memory");
		f->rax = V64(c, VMCB_RAX);
		interrupt_taken(c, &v->arch.lapic);
		code = V64(c, VMCB_EXITCODE);
		V32(c, VMCB_TLB_CTL) = 0;
		V32(c, VMCB_EVENTINJ) = 0;
		stats_count_exit(v, exit_index(code));
		handle_exit(c, v, code);
		f->rax = V64(c, VMCB_RAX); /* as the exit left them */
		f->rip = V64(c, VMCB_RIP);
		f->rsp = V64(c, VMCB_RSP);
		f->rflags = V64(c, VMCB_RFLAGS);
		gdb_vcpu_exit(v, f);
		if (v->part->state != PART_RUNNING) {
			vpic_vcpu_stop(v); /* its device interrupts masked before this CPU idles */
			return 0;
		}
		V64(c, VMCB_RIP) = f->rip; /* as the gdb stub may have left them (rax: */
		V64(c, VMCB_RSP) = f->rsp;
		V64(c, VMCB_RFLAGS) = f->rflags; /* at the top of the loop) */
	}
}

void vcpu_arch_stop(struct vcpu *v)
{
	longjmp(svm_cpus[arch_cpu_id()].host_ctx, 1);
}
