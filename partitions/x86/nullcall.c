/* nullcall (x86) - bench P2: n=N (default 10000) null hypercalls (BH_NULL through x86_hcall),
 * then N calls of the same wrapper with NOPs in place of the VMMCALL; prints both totals in
 * TSC ticks. Under QEMU -icount shift=0 a tick is one instruction, so the difference per
 * call is what the hypervisor (and the VMRUN/#VMEXIT pair) executes for one hypercall. */
#include <stdint.h>
#include <bulkhead/hcall.h>
#include "lib/runtime.h"

uint32_t x86_hcall(uint32_t token, uint32_t regs[6]);
uint32_t x86_hcall_nop(uint32_t token, uint32_t regs[6]);

/* x86_hcall (lib/x86/start.S) with the VMMCALL replaced by three one-byte NOPs. */
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

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint32_t run(uint32_t (*call)(uint32_t, uint32_t *), uint32_t n)
{
	uint32_t r[6];
	uint64_t t0 = rdtsc();

	for (uint32_t i = 0; i < n; i++) {
		r[0] = 0;
		call(BH_NULL, r);
	}
	return (uint32_t)(rdtsc() - t0);
}

void guest_main(const void *fdt)
{
	uint32_t n, calls, base;

	guest_init(fdt);
	n = guest_arg("n", 10000);
	calls = run(x86_hcall, n);
	base = run(x86_hcall_nop, n);
	guest_puts("nullcall: ");
	guest_put_dec(n);
	guest_puts(" calls ");
	guest_put_dec(calls);
	guest_puts(" ticks, baseline ");
	guest_put_dec(base);
	guest_puts(" ticks\n");
}
