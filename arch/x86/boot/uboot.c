/* uboot.c - boot information from U-Boot's bootelf (cmd/elf.c): the 32-bit qemu-x86 U-Boot
 * calls the ELF entry as a C function, entry(argc, argv), compiled with -mregparm=3, so
 * head.S receives EAX = argc and EDX = argv: the words after the image address on the
 * bootelf line. tools/run-qemu.sh's boot script passes
 *     bootelf -p ADDR module=TREE,SIZE module=CONFIG,SIZE [boot arguments...]
 * (hex, as U-Boot's ${filesize}). U-Boot passes no memory map: it comes from QEMU's fw_cfg
 * (fw_cfg.c) and is cross-checked with the hardware tree as a multiboot map is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "x86.h"

#define UBOOT_MAX_ARGS 64 /* more is not a bootelf line we wrote */
#define MODULE_ARG     "module="

/* Copy at most len - 1 characters of a loader string (32-bit physical, identity-mapped). */
static size_t copy_arg(char *dst, size_t len, uint32_t src)
{
	const char *s = (const char *)(uintptr_t)src;
	size_t i = 0;

	for (; src && i + 1 < len && s[i]; i++)
		dst[i] = s[i];
	dst[i] = '\0';
	return i;
}

/* module=ADDR,SIZE: the next module, or false when the value is not two hex numbers. */
static bool add_module(struct mb_boot *mb, const char *arg)
{
	const char *val = arg;
	char *end;
	uint64_t addr = strtoull(val, &end, 16), size;

	if (end == val || *end != ',')
		return false;
	val = end + 1;
	size = strtoull(val, &end, 16);
	if (end == val || *end || addr + size < addr || mb->nr_mods == MB_MAX_MODS)
		return false;
	mb->mod[mb->nr_mods].start = addr;
	mb->mod[mb->nr_mods].end = addr + size;
	snprintf(mb->mod[mb->nr_mods].name, sizeof(mb->mod[0].name), "module=%s", arg);
	mb->nr_mods++;
	return true;
}

void uboot_read(uint32_t argc, uint32_t argv, struct mb_boot *mb)
{
	const uint32_t *av = (const uint32_t *)(uintptr_t)argv;
	size_t n = 0;

	if (!argv || argc > UBOOT_MAX_ARGS)
		return; /* neither loader: platform.c reports the missing tree */
	mb->valid = true;
	mb->loader = "U-Boot";
	for (uint32_t i = 0; i < argc; i++) {
		char arg[MB_CMDLINE_MAX];

		copy_arg(arg, sizeof(arg), av[i]);
		if (!strncmp(arg, MODULE_ARG, strlen(MODULE_ARG)) &&
		    add_module(mb, arg + strlen(MODULE_ARG)))
			continue;
		if (n + (n != 0) + strlen(arg) + 1 > sizeof(mb->cmdline))
			break; /* cut at the buffer, as multiboot.c does */
		if (n)
			mb->cmdline[n++] = ' ';
		strcpy(mb->cmdline + n, arg);
		n += strlen(arg);
	}
	fw_cfg_read_e820(mb);
}
