// SPDX-License-Identifier: MIT
/*
 * fslhv: the Freescale hypervisor management interface as Linux users use it, through the
 * unmodified fsl_hypervisor driver's /dev/fsl-hv ioctls (linux/fsl_hypervisor.h). Run by the
 * Linux tests to drive a neighbour partition from Linux user space. One reply line per call;
 * several calls may follow each other on one command line, all on one open /dev/fsl-hv (the
 * driver queues doorbells per open file, so "stop 3 wait 500" sees the stop's doorbell):
 *
 *   fslhv handles                  "fslhv: handle NODE H label L doorbell D" per partition
 *                                  handle in the tree (D: its state-change doorbell or -1)
 *   fslhv status H                 "fslhv: status H ret R state S" (0 stopped, 1 running, ...)
 *   fslhv stop H | restart H       "fslhv: stop H ret R"
 *   fslhv start H [LOAD]           "fslhv: start H ret R" (entry 0; LOAD 1: hypervisor reloads)
 *   fslhv poke H PADDR VALUE       copies the 32-bit VALUE to guest physical PADDR of H
 *   fslhv doorbell H               "fslhv: doorbell H ret R"
 *   fslhv wait MS                  "fslhv: event DOORBELL" per doorbell the driver queued
 *                                  within MS milliseconds (read(2) of /dev/fsl-hv), then
 *                                  "fslhv: wait done"
 *   fslhv event D MS               waits until doorbell D is read ("fslhv: event D"; others
 *                                  read meanwhile are printed too) or MS milliseconds have
 *                                  passed ("fslhv: no event D within MS ms")
 * Exit status 0, or 1 when /dev/fsl-hv cannot be opened or the arguments are wrong.
 * START's LOAD is taken only when the next word is a number (command names are not).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <linux/fsl_hypervisor.h>

#define TAG         "fslhv: "
#define HANDLES_DIR "/proc/device-tree/hypervisor/handles"

static int dev = -1;

static unsigned long num(const char *s)
{
	return strtoul(s, NULL, 0);
}

/* The first big-endian u32 of a device-tree property file, or -1. */
static long read_u32(const char *path)
{
	uint32_t v;
	FILE *f = fopen(path, "rb");
	long r = -1;

	if (!f)
		return -1;
	if (fread(&v, sizeof(v), 1, f) == 1)
		r = ntohl(v);
	fclose(f);
	return r;
}

/* Each partition handle node under /hypervisor/handles: its reg, label and the handle of its
 * state-change doorbell (the first cell of the doorbell node's interrupts). */
static int cmd_handles(void)
{
	DIR *d = opendir(HANDLES_DIR);
	struct dirent *e;

	if (!d) {
		printf(TAG "no %s\n", HANDLES_DIR);
		return 1;
	}
	while ((e = readdir(d))) {
		char path[512], label[64] = "?";
		long reg;
		FILE *f;

		if (strncmp(e->d_name, "partition@", 10))
			continue;
		snprintf(path, sizeof(path), HANDLES_DIR "/%s/reg", e->d_name);
		reg = read_u32(path);
		if (reg < 0)
			continue;
		snprintf(path, sizeof(path), HANDLES_DIR "/%s/label", e->d_name);
		f = fopen(path, "rb");
		if (f) {
			size_t n = fread(label, 1, sizeof(label) - 1, f);

			label[n] = 0;
			fclose(f);
		}
		snprintf(path, sizeof(path), HANDLES_DIR "/%s/state-change-doorbell/interrupts",
			 e->d_name);
		printf(TAG "handle %s %ld label %s doorbell %ld\n", e->d_name, reg, label,
		       read_u32(path));
	}
	closedir(d);
	return 0;
}

static int cmd_wait(int ms)
{
	struct pollfd p = { .fd = dev, .events = POLLIN };
	uint32_t db[16];

	while (poll(&p, 1, ms) > 0) {
		ssize_t n = read(dev, db, sizeof(db));

		for (ssize_t i = 0; i < n / (ssize_t)sizeof(db[0]); i++)
			printf(TAG "event %u\n", db[i]);
		if (n <= 0)
			break;
	}
	printf(TAG "wait done\n");
	return 0;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Read doorbells until want comes or ms pass (bounded by the clock, not by the events). */
static void cmd_event(uint32_t want, int ms)
{
	long long end = now_ms() + ms, left;
	uint32_t db[16];

	while ((left = end - now_ms()) > 0) {
		struct pollfd p = { .fd = dev, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, (int)left) <= 0)
			break;
		n = read(dev, db, sizeof(db));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(db[0]); i++) {
			printf(TAG "event %u\n", db[i]);
			if (db[i] == want)
				return;
		}
	}
	printf(TAG "no event %u within %d ms\n", want, ms);
}

static int cmd_poke(uint32_t h, uint64_t paddr, uint32_t value)
{
	struct fsl_hv_ioctl_memcpy m = {
		.source = (uint32_t)-1,
		.target = h,
		.local_vaddr = (uintptr_t)&value,
		.remote_paddr = paddr,
		.count = sizeof(value),
	};

	ioctl(dev, FSL_HV_IOCTL_MEMCPY, &m);
	printf(TAG "poke %u ret %u\n", h, m.ret);
	return 0;
}

/* One call on handle argv[1] (argc words left from argv[0], the command); returns the
 * number of words it used, or -1 when they are wrong. */
static int partition_call(int argc, char **argv)
{
	const char *cmd = argv[0];
	uint32_t h;
	int used = 2;

	if (argc < 2) {
		printf(TAG "%s needs a handle\n", cmd);
		return -1;
	}
	h = num(argv[1]);

	if (!strcmp(cmd, "status")) {
		struct fsl_hv_ioctl_status s = { .partition = h };

		ioctl(dev, FSL_HV_IOCTL_PARTITION_GET_STATUS, &s);
		printf(TAG "status %u ret %u state %u\n", h, s.ret, s.status);
	} else if (!strcmp(cmd, "stop")) {
		struct fsl_hv_ioctl_stop s = { .partition = h };

		ioctl(dev, FSL_HV_IOCTL_PARTITION_STOP, &s);
		printf(TAG "stop %u ret %u\n", h, s.ret);
	} else if (!strcmp(cmd, "restart")) {
		struct fsl_hv_ioctl_restart s = { .partition = h };

		ioctl(dev, FSL_HV_IOCTL_PARTITION_RESTART, &s);
		printf(TAG "restart %u ret %u\n", h, s.ret);
	} else if (!strcmp(cmd, "start")) {
		struct fsl_hv_ioctl_start s = { .partition = h, .load = 1 };

		if (argc > 2 && isdigit((unsigned char)argv[2][0]))
			s.load = num(argv[used++]);

		ioctl(dev, FSL_HV_IOCTL_PARTITION_START, &s);
		printf(TAG "start %u ret %u\n", h, s.ret);
	} else if (!strcmp(cmd, "doorbell")) {
		struct fsl_hv_ioctl_doorbell s = { .doorbell = h };

		ioctl(dev, FSL_HV_IOCTL_DOORBELL, &s);
		printf(TAG "doorbell %u ret %u\n", h, s.ret);
	} else if (!strcmp(cmd, "poke") && argc >= 4) {
		cmd_poke(h, strtoull(argv[2], NULL, 0), num(argv[3]));
		used = 4;
	} else {
		printf(TAG "unknown command %s\n", cmd);
		return -1;
	}
	return used;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc < 2) {
		printf(TAG
		       "usage: fslhv handles|status|stop|restart|start|poke|doorbell|wait|event ...\n");
		return 1;
	}
	if (!strcmp(argv[1], "handles"))
		return cmd_handles();
	dev = open("/dev/fsl-hv", O_RDWR);
	if (dev < 0) {
		printf(TAG "cannot open /dev/fsl-hv\n");
		return 1;
	}
	/* Bounded by argc: every call consumes at least one word. */
	while (i < argc) {
		int used;

		if (!strcmp(argv[i], "event") && i + 2 < argc) {
			cmd_event(num(argv[i + 1]), (int)num(argv[i + 2]));
			used = 3;
		} else if (!strcmp(argv[i], "wait")) {
			cmd_wait(i + 1 < argc ? (int)num(argv[i + 1]) : 1000);
			used = i + 1 < argc ? 2 : 1;
		} else {
			used = partition_call(argc - i, argv + i);
			if (used < 0)
				return 1;
		}
		i += used;
	}
	return 0;
}
