/* usermode - a guest kernel that drops to user mode (MSR[PR] = 1, guest_run_user) and runs
 * one privileged operation per run; each must reach its own program-interrupt vector with
 * ESR[PPR], SRR0 = the instruction and SRR1[PR] = 1, and have no effect, exactly as on bare
 * e500mc (E500MCRM, Interrupts and Exceptions: program interrupt; Power ISA 2.06 III-E).
 * Then the same operations in supervisor mode (positive control: they work).
 * Lines: "user OP: vec V esr 0x... at OFF" (OFF = SRR0 minus the instruction's address) and
 * PASS/FAIL. `sc 1` from user mode: a program interrupt (ESR[PPR]) under a hypervisor that
 * follows the E.HV rules; on bare QEMU (no E.HV) it is a plain system call (vec 8). */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>
#include <guest/user.h>
#include <guest/device.h>
#include <libfdt.h>
#include <bulkhead/hcall.h>

#define SPRG1_MARK 0x12345678u
#define EXIT_MARK  77

/* One user-mode operation: fn runs it at address at; fn returns when it was not trapped. */
struct op {
	const char *name;
	void (*fn)(void *);
	const uint32_t *at;
	int hcall; /* sc 1: bare QEMU has no E.HV, a system call there */
};

volatile uint32_t rfi_escaped; /* set if a user-mode rfi was emulated */

#define UOP(name, body)                        \
	void u_##name(void *);                 \
	extern const uint32_t u_##name##_at[]; \
	__asm__(".text\n.globl u_" #name "\nu_" #name ":\n" body "\nblr\n")

UOP(mfmsr, "u_mfmsr_at: mfmsr 0");
UOP(mtmsr, "li 0,0\nu_mtmsr_at: mtmsr 0");
UOP(tlbwe, "u_tlbwe_at: tlbwe");
UOP(tlbivax, "lis 5,0x4000\nu_tlbivax_at: tlbivax 0,5");
UOP(mtsprg1, "lis 5,0x1234\nori 5,5,0x5678\nu_mtsprg1_at: mtspr 273,5");
UOP(mfsprg0, "u_mfsprg0_at: mfspr 5,272");
UOP(wrtee, "li 5,0\nori 5,5,0x8000\nu_wrtee_at: wrtee 5");
UOP(wrteei, "u_wrteei_at: wrteei 1");
/* if emulated, rfi goes to the virtual SRR0 (the user trampoline), which calls r4 */
UOP(rfi, "lis 4,u_rfi_escape@ha\naddi 4,4,u_rfi_escape@l\nu_rfi_at: rfi");
/* r3 = console handle: 12 bytes "USER-HCALL!\n" in r5..r7 */
UOP(hcall_console,
    "lis 11,0x1\nori 11,11,0x1\nli 4,12\n"
    "lis 5,0x5553\nori 5,5,0x4552\nlis 6,0x2d48\nori 6,6,0x4341\nlis 7,0x4c4c\nori 7,7,0x210a\n"
    "u_hcall_console_at: .long 0x44000022");
UOP(hcall_exit, "lis 11,0x4248\nori 11,11,0x2\nli 3,77\nu_hcall_exit_at: .long 0x44000022");

void u_rfi_escape(void *arg)
{
	rfi_escaped = 1;
}

static const struct op ops[] = {
	{ "mfmsr", u_mfmsr, u_mfmsr_at, 0 },
	{ "mtmsr", u_mtmsr, u_mtmsr_at, 0 },
	{ "tlbwe", u_tlbwe, u_tlbwe_at, 0 },
	{ "tlbivax", u_tlbivax, u_tlbivax_at, 0 },
	{ "mtspr-sprg1", u_mtsprg1, u_mtsprg1_at, 0 },
	{ "mfspr-sprg0", u_mfsprg0, u_mfsprg0_at, 0 },
	{ "wrtee", u_wrtee, u_wrtee_at, 0 },
	{ "wrteei", u_wrteei, u_wrteei_at, 0 },
	{ "rfi", u_rfi, u_rfi_at, 0 },
	{ "sc1-console", u_hcall_console, u_hcall_console_at, 1 },
	{ "sc1-exit", u_hcall_exit, u_hcall_exit_at, 1 },
};

/* r3 = a supervisor-only mapping of an emulated MMIO page (PCI configuration space) */
UOP(mmio, "u_mmio_at: lwz 5,0(3)");

/* sc 0 from user mode: the guest's own system-call vector, SRR0 after the sc */
static void u_syscall(void *arg)
{
	guest_user_return();
}

static void run_user_op(const struct op *o, void *arg)
{
	int r = guest_run_user(o->fn, arg);
	const struct guest_frame *f = guest_user_exit();
	int off = (int)(f->pc - (uint32_t)o->at);
	int want_prog = !o->hcall || guest_boot.hv;

	printf("user %s: vec %d esr 0x%08lx at %d pr %d\n", o->name, r, (unsigned long)f->esr, off,
	       !!(f->msr & MSR_PR));
	if (want_prog)
		guest_check(r == IVOR_PROGRAM && (f->esr & ESR_PPR) && off == 0 &&
				    (f->msr & MSR_PR),
			    o->name, "vec %d esr 0x%08lx srr0 %+d", r, (unsigned long)f->esr, off);
	else
		guest_check(r == 0 && off == 4, o->name, "vec %d srr0 %+d", r, off);
}

/* The configuration space of the PCI function given to this partition (an emulated region),
 * mapped supervisor read/write only; NULL if there is none (bare, or no function). */
static volatile uint32_t *pci_config(void)
{
	const void *fdt = guest_boot.fdt;
	int node = fdt_node_offset_by_compatible(fdt, -1, "bulkhead,pci-function"), len;
	const fdt32_t *h = node < 0 ? NULL : fdt_getprop(fdt, node, "fsl,hv-device-handle", &len);
	struct bh_region_info ri = { .argsz = sizeof(ri) };

	if (!guest_boot.hv || !h || len != 4 ||
	    bh_device_get_region_info(fdt32_to_cpu(*h), BH_PCI_CONFIG_REGION_INDEX, &ri) ||
	    !ri.size)
		return NULL;
	return guest_ioremap(ri.guest_addr, 0x1000, 0);
}

/* A user-mode load through a supervisor-only mapping of an emulated region: a data storage
 * interrupt in the guest kernel (DEAR = the address), nothing read. Positive control: the
 * same load in supervisor mode reads the vendor/device ID. */
static void user_mmio(void)
{
	volatile uint32_t *cfg = pci_config();
	const struct op o = { "mmio-user", u_mmio, u_mmio_at, 0 };
	const struct guest_frame *f;
	int r;

	if (!cfg)
		return;
	printf("usermode: config space id 0x%08lx from supervisor mode\n", (unsigned long)cfg[0]);
	guest_check(cfg[0] != 0xffffffffu && cfg[0] != 0, "supervisor reads emulated MMIO",
		    "0x%08lx", (unsigned long)cfg[0]);
	r = guest_run_user(o.fn, (void *)cfg);
	f = guest_user_exit();
	printf("user %s: vec %d dear-off %ld pr %d\n", o.name, r, (long)(f->dear - (uint32_t)cfg),
	       !!(f->msr & MSR_PR));
	guest_check(r == IVOR_DATA_STORAGE && f->dear == (uint32_t)cfg && f->pc == (uint32_t)o.at,
		    "user load from supervisor-only MMIO faults", "vec %d dear 0x%08lx", r,
		    (unsigned long)f->dear);
}

/* What the program handler saw in supervisor mode (positive control: nothing). */
static volatile uint32_t kprog;

static void kernel_program(struct guest_frame *f)
{
	kprog++;
	f->pc += 4;
}

/* Supervisor mode: the same operations are executed (emulated under a hypervisor). */
static void kernel_ops(int handle)
{
	uint32_t msr, v = 0;
	struct tlb_entry e;

	guest_set_handler(IVOR_PROGRAM, kernel_program);
	msr = mfmsr();
	mtmsr(msr);
	tlb_search(0x00100000u, 0, 0, &e);
	tlb_write(&e);
	tlb_ivax(0x40000000u, 0);
	mtspr(SPRN_SPRG1, SPRG1_MARK);
	v = mfspr(SPRN_SPRG1);
	guest_irq_enable();
	guest_irq_disable();
	guest_check(kprog == 0 && v == SPRG1_MARK && !(msr & MSR_PR), "supervisor ops work",
		    "%lu program interrupts, sprg1 0x%08lx msr 0x%08lx", (unsigned long)kprog,
		    (unsigned long)v, (unsigned long)msr);
	mtspr(SPRN_SPRG1, 0);
	if (handle >= 0) {
		uint32_t r[8] = { (uint32_t)handle, 12, 0x4b45524e, 0x2d484341, 0x4c4c210a };

		guest_check(hcall(EV_BYTE_CHANNEL_SEND, r) == 0, "supervisor console hcall",
			    "status %lu", (unsigned long)r[0]);
	}
	guest_set_handler(IVOR_PROGRAM, NULL);
}

int main(void)
{
	int handle = guest_console_handle();
	const struct op sc0 = { "sc0", u_syscall, NULL, 0 };
	int r;

	printf("usermode: %s\n", guest_boot.hv ? "under a hypervisor" : "bare");
	mtspr(SPRN_SPRG1, 0);
	r = guest_run_user(u_syscall, NULL);
	printf("user %s: vec %d at pr %d\n", sc0.name, r, !!(guest_user_exit()->msr & MSR_PR));
	guest_check(r == 0 && (guest_user_exit()->msr & MSR_PR), "sc 0 from user mode",
		    "returned %d", r);
	user_mmio();
	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		run_user_op(&ops[i], (void *)handle);
	guest_check(mfspr(SPRN_SPRG1) != SPRG1_MARK && !rfi_escaped && !(mfmsr() & MSR_PR),
		    "user mode changed nothing", "sprg1 0x%08lx rfi %lu msr 0x%08lx",
		    (unsigned long)mfspr(SPRN_SPRG1), (unsigned long)rfi_escaped,
		    (unsigned long)mfmsr());
	kernel_ops(handle);
	guest_finish("usermode");
}
