/* mmio.h - emulated MMIO for x86 partitions (mmio.c). */
#ifndef X86_MMIO_H
#define X86_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct trap_frame;
struct part_region;

/* The guest state the emulator reads and changes: svm.c copies it out of the VMCB and back. */
struct x86_mmio_state {
	struct trap_frame *f; /* every register but RAX and RSP (in the VMCB) */
	uint64_t rax, rsp;
	uint64_t rip;     /* advanced past the instruction when done */
	uint64_t cs_base; /* linear address of the code = cs_base + rip */
	bool flat32;      /* 32-bit protected mode, paging off: what the emulator decodes */
};

/* The guest's access at guest-physical gpa, inside emulated region r, is the instruction at
 * cs_base + rip: decode it, do it through r's ops, advance rip. 0, or -HV_ENOSYS (not a plain
 * move, or not a flat 32-bit guest), -HV_EFAULT (instruction bytes outside the partition's
 * memory), -HV_EINVAL (beyond the region), -HV_EIO (the region's ops refused). */
int x86_mmio_emulate(struct vcpu *v, struct x86_mmio_state *s, const struct part_region *r,
		     uint64_t gpa);

#endif
