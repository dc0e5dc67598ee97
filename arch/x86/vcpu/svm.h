/* svm.h - AMD SVM definitions the x86 vCPU code uses: VMCB layout (AMD64 APM vol. 2,
 * appendix B), intercept bits, exit codes (15.9-15.12), MSRs. */
#ifndef X86_SVM_H
#define X86_SVM_H

#include <stdint.h>

#define MSR_EFER               0xc0000080
#define EFER_SVME              (1u << 12)
#define MSR_VM_HSAVE_PA        0xc0010117
#define CPUID_SVM_ECX          (1u << 2)  /* CPUID 0x80000001 ECX */
#define CPUID_NPT_EDX          (1u << 0)  /* CPUID 0x8000000a EDX */
#define CPUID_X2APIC_ECX       (1u << 21) /* CPUID 1 ECX */
#define CPUID_TSC_DEADLINE_ECX (1u << 24) /* CPUID 1 ECX */

/* Control area offsets. */
#define VMCB_INTERCEPT_MISC1 0x00c
#define VMCB_INTERCEPT_MISC2 0x010
#define VMCB_IOPM_PA         0x040
#define VMCB_MSRPM_PA        0x048
#define VMCB_ASID            0x058
#define VMCB_TLB_CTL         0x05c
#define VMCB_V_INTR          0x060
#define VMCB_INT_STATE       0x068 /* bit 0: interrupt shadow (after STI, MOV SS) */
#define VMCB_EXITCODE        0x070
#define VMCB_EXITINFO1       0x078
#define VMCB_EXITINFO2       0x080
#define VMCB_EXITINTINFO     0x088 /* an event whose delivery the exit interrupted */
#define VMCB_NP_ENABLE       0x090
#define VMCB_EVENTINJ        0x0a8
#define VMCB_N_CR3           0x0b0
#define VMCB_CLEAN           0x0c0
/* State save area offsets. */
#define VMCB_ES              0x400
#define VMCB_CS              0x410
#define VMCB_SS              0x420
#define VMCB_DS              0x430
#define VMCB_FS              0x440
#define VMCB_GS              0x450
#define VMCB_GDTR            0x460
#define VMCB_LDTR            0x470
#define VMCB_IDTR            0x480
#define VMCB_TR              0x490
#define VMCB_CPL             0x4cb
#define VMCB_EFER            0x4d0
#define VMCB_CR4             0x548
#define VMCB_CR3             0x550
#define VMCB_CR0             0x558
#define VMCB_DR7             0x560
#define VMCB_DR6             0x568
#define VMCB_RFLAGS          0x570
#define VMCB_RIP             0x578
#define VMCB_RSP             0x5d8
#define VMCB_RAX             0x5f8
#define VMCB_GPAT            0x668

/* Intercept bits: MISC1 (offset 0x0c), MISC2 (0x10). */
#define INT1_INTR     (1u << 0)
#define INT1_NMI      (1u << 1)
#define INT1_INIT     (1u << 3)
#define INT1_CPUID    (1u << 18)
#define INT1_INTN     (1u << 21) /* INT n and INT3 (QEMU raises INT3 as one, not as #BP) */
#define INT1_HLT      (1u << 24)
#define INT1_IOIO     (1u << 27)
#define INT1_MSR      (1u << 28)
#define INT1_SHUTDOWN (1u << 31)
#define INT2_VMRUN    (1u << 0)
#define INT2_VMMCALL  (1u << 1)
#define INT2_VMLOAD   (1u << 2)
#define INT2_VMSAVE   (1u << 3)
#define INT2_STGI     (1u << 4)
#define INT2_CLGI     (1u << 5)
#define INT2_SKINIT   (1u << 6)

/* VMCB_V_INTR (APM 15.21.4, "Virtual Interrupt Control"): int_ctl at 0x60, vector at 0x64. */
#define V_IRQ          (1ull << 8)
#define V_INTR_PRIO    (0xfull << 16)
#define V_IGN_TPR      (1ull << 20)
#define V_INTR_MASKING (1ull << 24)
#define V_INTR_VECTOR  32 /* shift of the vector within the 64-bit field */
#define TLB_FLUSH_ALL  1u

/* Exit codes. */
#define EXIT_INTR     0x060
#define EXIT_NMI      0x061
#define EXIT_INIT     0x063
#define EXIT_CPUID    0x072
#define EXIT_SWINT    0x075
#define EXIT_HLT      0x078
#define EXIT_IOIO     0x07b
#define EXIT_MSR      0x07c
#define EXIT_SHUTDOWN 0x07f
#define EXIT_VMRUN    0x080
#define EXIT_VMMCALL  0x081
#define EXIT_NPF      0x400
#define EXIT_INVALID  ((uint64_t)-1)

struct vcpu;

/* The VMCB of the CPU v is placed on (the gdb stub reads a held vCPU's segment selectors and
 * CR0 there; svm.c). */
const uint8_t *svm_vmcb_of(const struct vcpu *v);

#endif
