/* image.h - guest image loading (ELF32 big-endian, U-Boot uImage, raw). */
#ifndef HV_IMAGE_H
#define HV_IMAGE_H

#include <stdint.h>

struct partition;

/* Load the image found at hypervisor address src (size bytes; RAM at VA = PA, or the boot-time
 * mapping of a flash source, hv/partition/build.c) into p's memory; raw images go to
 * guest_addr. Sets *entry (guest physical). -HV_EINVAL for a malformed image, -HV_EFAULT when it
 * does not fit; *why then says what is wrong, for the console. */
int image_load(const struct partition *p, uint64_t src, uint64_t size, uint64_t guest_addr,
	       uint64_t *entry, const char **why);

#endif
