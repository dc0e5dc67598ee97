/* vcpu.c - virtual CPUs on x86-64. Running guests (AMD SVM with nested paging) is not
 * implemented yet (docs/x86.md): vcpu_arch_run() says so and stops the partition, so a config
 * with partitions boots, shows them, and none of them runs unnoticed. */
#include <errno.h>
#include <setjmp.h>
#include <string.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/partition.h>
#include <hv/vcpu.h>

/* Where vcpu_arch_stop() returns to, per physical CPU (the vCPU runs on its own CPU). */
static jmp_buf host_ctx[HV_NR_CPUS];

void vcpu_arch_reset(struct vcpu *v, uint64_t entry, uint64_t dtb_gpa, uint64_t ima_size)
{
	memset(&v->arch, 0, sizeof(v->arch));
	v->arch.entry = entry;
	v->arch.arg = dtb_gpa;
	v->arch.frame.rip = entry;
}

int vcpu_arch_run(struct vcpu *v)
{
	unsigned int cpu = arch_cpu_id();

	if (setjmp(host_ctx[cpu]))
		return 0;
	hv_printf("partition %s: vcpu %u: x86 guests (AMD SVM) are not implemented yet\n",
		  v->part->name, v->index);
	partition_stop(v->part, "x86 guests not implemented");
	return -ENOSYS;
}

void vcpu_arch_stop(struct vcpu *v)
{
	longjmp(host_ctx[arch_cpu_id()], 1);
}
