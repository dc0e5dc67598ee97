/* fw_cfg.c - the memory map from QEMU's firmware configuration device (QEMU docs/specs/
 * fw_cfg.rst): the boot loaders that pass no memory map of their own (U-Boot's bootelf) get
 * the "etc/e820" table QEMU gives every firmware. Port I/O only: a 16-bit selector write to
 * 0x510, then the item's bytes from 0x511. */
#include <string.h>
#include "x86.h"
#include <hv/err.h>

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000 /* "QEMU" */
#define FW_CFG_FILE_DIR  0x0019
#define FW_CFG_MAX_FILES 4096 /* a bound on the directory walk */
#define E820_FILE        "etc/e820"

/* One directory entry (all fields big-endian). */
struct fw_cfg_file {
	uint32_t size;
	uint16_t select;
	uint16_t reserved;
	char name[56];
} __attribute__((packed));

/* One "etc/e820" entry (little-endian, as the x86 E820 table). */
struct fw_cfg_e820 {
	uint64_t address, length;
	uint32_t type;
} __attribute__((packed));

static void fw_cfg_select(uint16_t key)
{
	__asm__ volatile("outw %0, %1" : : "a"(key), "Nd"((uint16_t)FW_CFG_PORT_SEL) : "memory");
}

static void fw_cfg_read(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = inb(FW_CFG_PORT_DATA);
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* The selector and size of the named file, or -HV_ENOENT. */
static int fw_cfg_find(const char *name, uint16_t *select, uint32_t *size)
{
	struct fw_cfg_file f;
	uint32_t count;

	fw_cfg_select(FW_CFG_FILE_DIR);
	fw_cfg_read(&count, sizeof(count));
	count = be32(count);
	for (uint32_t i = 0; i < count && i < FW_CFG_MAX_FILES; i++) {
		fw_cfg_read(&f, sizeof(f));
		if (!strncmp(f.name, name, sizeof(f.name))) {
			*select = __builtin_bswap16(f.select);
			*size = be32(f.size);
			return 0;
		}
	}
	return -HV_ENOENT;
}

int fw_cfg_read_e820(struct mb_boot *mb)
{
	char sig[4];
	uint16_t select;
	uint32_t size;

	fw_cfg_select(FW_CFG_SIGNATURE);
	fw_cfg_read(sig, sizeof(sig));
	if (memcmp(sig, "QEMU", sizeof(sig)) || fw_cfg_find(E820_FILE, &select, &size))
		return -HV_ENOENT;
	fw_cfg_select(select);
	for (uint32_t n = size / sizeof(struct fw_cfg_e820); n && mb->nr_mmap < MB_MAX_MMAP; n--) {
		struct fw_cfg_e820 e;

		fw_cfg_read(&e, sizeof(e));
		mb->mmap[mb->nr_mmap++] = (struct mb_range){ e.address, e.length, e.type };
	}
	return (int)mb->nr_mmap;
}
