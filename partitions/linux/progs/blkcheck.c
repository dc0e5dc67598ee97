// SPDX-License-Identifier: MIT
/*
 * blkcheck: read a block device from start to end with O_DIRECT (every pass is real DMA by
 * the device into this process's buffer, never the page cache) and print its size and FNV-1a
 * 64-bit checksum, once per pass:
 *     blkcheck: pass N: BYTES bytes fnv1a64 HEX
 * Usage: blkcheck DEVICE [PASSES]   (PASSES default 1, at most 1000000). Exit 0, or 1 with
 * "blkcheck: ..." and the error. Used by tests/system/test_linux_pci.py, which computes the
 * same checksum over the disk image it gave QEMU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)

int main(int argc, char **argv)
{
	long passes = argc > 2 ? strtol(argv[2], NULL, 0) : 1;
	unsigned char *buf;
	int fd;

	if (argc < 2 || passes < 1 || passes > 1000000) {
		printf("blkcheck: usage: blkcheck DEVICE [PASSES]\n");
		return 1;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, 4096, BUF_SIZE)) {
		printf("blkcheck: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (long pass = 1; pass <= passes; pass++) {
		uint64_t h = 0xcbf29ce484222325ull, total = 0;
		ssize_t n;

		if (lseek(fd, 0, SEEK_SET) < 0)
			break;
		while ((n = read(fd, buf, BUF_SIZE)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				h = (h ^ buf[i]) * 0x100000001b3ull;
			total += (uint64_t)n;
		}
		if (n < 0) {
			printf("blkcheck: pass %ld: read: %s\n", pass, strerror(errno));
			return 1;
		}
		printf("blkcheck: pass %ld: %llu bytes fnv1a64 %016llx\n", pass,
		       (unsigned long long)total, (unsigned long long)h);
		fflush(stdout);
	}
	close(fd);
	return 0;
}
