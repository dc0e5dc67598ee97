/* nullcall - x86 only (GUEST_ONLY of arch/x86/arch.mk), bench P2 (docs/benchmarks.md): n=N
 * (default 10000) null hypercalls (BH_NULL through x86_hcall, partitions/lib/x86/hcall.S), then
 * N calls of the same wrapper with NOPs in place of the VMMCALL; prints both totals in TSC
 * ticks. Under QEMU -icount shift=0 a tick is one instruction, so the difference per call is
 * what the hypervisor (and the VMRUN/#VMEXIT pair) executes for one hypercall. */
#include <stdio.h>
#include <guest/guest.h>

uint32_t x86_hcall(uint32_t token, uint32_t regs[6]);
uint32_t x86_hcall_nop(uint32_t token, uint32_t regs[6]);

/* x86_hcall with the VMMCALL replaced by three one-byte NOPs. */
__asm__(".text\n"
	".globl x86_hcall_nop\n"
	"x86_hcall_nop:\n"
	"	pushl %ebx\n	pushl %esi\n	pushl %edi\n	pushl %ebp\n"
	"	movl 20(%esp), %eax\n	pushl 24(%esp)\n	movl (%esp), %ebp\n"
	"	movl 0(%ebp), %ebx\n	movl 4(%ebp), %ecx\n	movl 8(%ebp), %edx\n"
	"	movl 12(%ebp), %esi\n	movl 16(%ebp), %edi\n	movl 20(%ebp), %ebp\n"
	"	nop\n	nop\n	nop\n"
	"	pushl %ebp\n	movl 4(%esp), %ebp\n	movl %ebx, 0(%ebp)\n"
	"	movl %ecx, 4(%ebp)\n	movl %edx, 8(%ebp)\n	movl %esi, 12(%ebp)\n"
	"	movl %edi, 16(%ebp)\n	popl %ecx\n	movl %ecx, 20(%ebp)\n	addl $4, %esp\n"
	"	popl %ebp\n	popl %edi\n	popl %esi\n	popl %ebx\n	ret\n");

static uint32_t run(uint32_t (*call)(uint32_t, uint32_t *), uint32_t n)
{
	uint32_t r[6];
	uint64_t t0 = guest_tb();

	for (uint32_t i = 0; i < n; i++) {
		r[0] = 0;
		call(BH_NULL, r);
	}
	return (uint32_t)(guest_tb() - t0);
}

int main(void)
{
	uint32_t n = (uint32_t)guest_arg_u64("n", 10000), calls, base;

	calls = run(x86_hcall, n);
	base = run(x86_hcall_nop, n);
	printf("nullcall: %lu calls %lu ticks, baseline %lu ticks\n", (unsigned long)n,
	       (unsigned long)calls, (unsigned long)base);
	return 0;
}
