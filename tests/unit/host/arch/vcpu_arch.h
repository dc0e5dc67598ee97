/* vcpu_arch.h (host stand-in) - the architecture's vCPU register state, empty for host unit
 * tests: the core only embeds it in struct vcpu. */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

/* No registers on the host. */
struct vcpu_arch {
	int unused;
};

#endif
