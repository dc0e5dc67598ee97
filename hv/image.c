/* image.c - copy a guest image from where the boot loader left it (host physical) into a
 * partition's memory: 32-bit big-endian ELF (PT_LOAD segments at their physical addresses),
 * legacy U-Boot uImage (load address, entry point), or a raw binary at the config's address. */
#include <errno.h>
#include <string.h>
#include <hv/console.h>
#include <hv/image.h>
#include <hv/partition.h>

#define ELF_MAGIC	0x7f454c46u	/* "\177ELF" */
#define UIMAGE_MAGIC	0x27051956u
#define UIMAGE_HDR	64
#define PT_LOAD		1

/* ELF32 headers, fields read big-endian (e_ident[EI_DATA] = 2 is required). */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint16_t be16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)((b[0] << 8) | b[1]);
}

static int load_segment(const struct partition *p, const uint8_t *img, uint64_t img_size,
			const uint8_t *ph)
{
	uint32_t off = be32(ph + 4), paddr = be32(ph + 12), filesz = be32(ph + 16);
	uint32_t memsz = be32(ph + 20);
	uint64_t hpa;

	if ((uint64_t)off + filesz > img_size || filesz > memsz)
		return -EINVAL;
	if (gpa_to_hpa(p, paddr, memsz, &hpa))
		return -EFAULT;
	memcpy((void *)(uintptr_t)hpa, img + off, filesz);
	memset((void *)(uintptr_t)(hpa + filesz), 0, memsz - filesz);
	return 0;
}

static int load_elf(const struct partition *p, const uint8_t *img, uint64_t size,
		    uint64_t *entry)
{
	uint32_t phoff = be32(img + 28);
	uint16_t phentsize = be16(img + 42), phnum = be16(img + 44);

	if (size < sizeof(struct elf32_ehdr) || img[4] != 1 || img[5] != 2 ||
	    phentsize < sizeof(struct elf32_phdr) || (uint64_t)phoff + phnum * phentsize > size)
		return -EINVAL;	/* only ELFCLASS32, big-endian */
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = img + phoff + i * phentsize;
		int err = be32(ph) == PT_LOAD ? load_segment(p, img, size, ph) : 0;

		if (err)
			return err;
	}
	*entry = be32(img + 24);
	return 0;
}

static int load_uimage(const struct partition *p, const uint8_t *img, uint64_t size,
		       uint64_t *entry)
{
	uint32_t len = be32(img + 12), load = be32(img + 16);

	if (size < UIMAGE_HDR || (uint64_t)len + UIMAGE_HDR > size)
		return -EINVAL;
	if (guest_write(p, load, img + UIMAGE_HDR, len))
		return -EFAULT;
	*entry = be32(img + 20);
	return 0;
}

int image_load(const struct partition *p, uint64_t src, uint64_t size, uint64_t guest_addr,
	       uint64_t *entry)
{
	const uint8_t *img = (const uint8_t *)(uintptr_t)src;

	if (size >= 4 && be32(img) == ELF_MAGIC)
		return load_elf(p, img, size, entry);
	if (size >= 4 && be32(img) == UIMAGE_MAGIC)
		return load_uimage(p, img, size, entry);
	if (guest_write(p, guest_addr, img, (size_t)size))
		return -EFAULT;
	*entry = guest_addr;
	return 0;
}
