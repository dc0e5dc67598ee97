/* image.c - copy a guest image from where the boot loader left it (host physical) into a
 * partition's memory: 32-bit ELF in the architecture's byte order (PT_LOAD segments at their
 * physical addresses, the entry point translated from virtual to physical), legacy U-Boot uImage (uncompressed
 * or gzip'd, hv/guest/inflate.c: load address, entry point), or a raw binary at the config's
 * address.
 *
 * The image is untrusted (whoever built it is not the board owner): every header field is
 * bounded against the image's size before it is used, every destination against the
 * partition's memory (guest_write(), gpa_to_hpa()), and arithmetic is done in 64 bits. */
#include <string.h>
#include <hv/arch/boot.h>
#include <hv/err.h>
#include <hv/image.h>
#include <hv/inflate.h>
#include <hv/partition.h>

#define ELF_MAGIC    0x7f454c46u /* "\177ELF" */
#define UIMAGE_MAGIC 0x27051956u
#define UIMAGE_HDR   64
#define PT_LOAD      1
#define EHDR_SIZE    52 /* ELF32 header (System V ABI, ELF32_Ehdr) */
#define PHDR_SIZE    32 /* ELF32 program header */
#define ZERO_CHUNK   256
#define ELFCLASS32   1
#define ELFDATA2MSB  2

/* ELF32 header fields used (ELFCLASS32; the byte order and class the architecture's guests use
 * come from arch_guest_elf, <hv/arch/boot.h>: big-endian on PowerPC): e_entry at 24, e_phoff
 * at 28, e_phentsize at 42, e_phnum at 44; program header: p_type 0, p_offset 4, p_vaddr 8,
 * p_paddr 12, p_filesz 16, p_memsz 20. uImage header (U-Boot include/image.h, legacy
 * format): ih_size at 12, ih_load 16, ih_ep 20, ih_type 30, ih_comp 31. */
#define UIMAGE_TYPE_STANDALONE 1
#define UIMAGE_TYPE_KERNEL     2
#define UIMAGE_COMP_NONE       0
#define UIMAGE_COMP_GZIP       1

static uint32_t be32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)((b[0] << 8) | b[1]);
}

/* ELF fields in the byte order of the architecture's guest images (e_ident[EI_DATA]). */
static uint32_t elf32(const uint8_t *b)
{
	if (arch_guest_elf.data == ELFDATA2MSB)
		return be32(b);
	return ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static uint16_t elf16(const uint8_t *b)
{
	return arch_guest_elf.data == ELFDATA2MSB ? be16(b) : (uint16_t)((b[1] << 8) | b[0]);
}

/* Zero len bytes of guest memory at gpa (a segment's bss), through guest_write(). */
static int guest_zero(const struct partition *p, uint64_t gpa, uint64_t len)
{
	static const uint8_t zeros[ZERO_CHUNK];

	while (len) {
		size_t n = len < ZERO_CHUNK ? (size_t)len : ZERO_CHUNK;

		if (guest_write(p, gpa, zeros, n))
			return -HV_EFAULT;
		gpa += n;
		len -= n;
	}
	return 0;
}

static int load_segment(const struct partition *p, const uint8_t *img, uint64_t img_size,
			const uint8_t *ph, const char **why)
{
	uint64_t off = elf32(ph + 4), paddr = elf32(ph + 12), filesz = elf32(ph + 16);
	uint64_t memsz = elf32(ph + 20), hpa;

	if (off + filesz > img_size || filesz > memsz) {
		*why = "an ELF segment lies outside the image or is larger in the file than in "
		       "memory";
		return -HV_EINVAL;
	}
	if (!memsz)
		return 0; /* nothing to place (its addresses are not looked at) */
	if (gpa_to_hpa(p, paddr, memsz, &hpa)) {
		*why = "an ELF segment's physical addresses (p_paddr) are outside the partition's "
		       "memory";
		return -HV_EFAULT;
	}
	if (guest_write(p, paddr, img + off, (size_t)filesz) ||
	    guest_zero(p, paddr + filesz, memsz - filesz))
		return -HV_EFAULT;
	return 0;
}

/* The entry point: e_entry is a virtual address (Linux's vmlinux: 0xc0000000); the guest
 * starts with translation as its boot loader would leave it, at the physical address of the
 * segment that holds it (e_entry - p_vaddr + p_paddr). */
static int elf_entry(const uint8_t *img, uint32_t phoff, uint16_t phentsize, uint16_t phnum,
		     uint64_t *entry, const char **why)
{
	uint64_t e = elf32(img + 24);

	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = img + phoff + (uint64_t)i * phentsize;
		uint64_t vaddr = elf32(ph + 8), paddr = elf32(ph + 12), memsz = elf32(ph + 20);

		if (elf32(ph) == PT_LOAD && e >= vaddr && e - vaddr < memsz) {
			*entry = e - vaddr + paddr;
			return 0;
		}
	}
	*why = "the ELF entry point is in no loadable segment";
	return -HV_EINVAL;
}

static int load_elf(const struct partition *p, const uint8_t *img, uint64_t size, uint64_t *entry,
		    const char **why)
{
	uint32_t phoff;
	uint16_t phentsize, phnum;

	if (size < EHDR_SIZE || img[4] != arch_guest_elf.class || img[5] != arch_guest_elf.data ||
	    arch_guest_elf.class != ELFCLASS32) {
		*why = arch_guest_elf.not_this;
		return -HV_EINVAL;
	}
	phoff = elf32(img + 28);
	phentsize = elf16(img + 42);
	phnum = elf16(img + 44);
	if (phentsize < PHDR_SIZE || (uint64_t)phoff + (uint64_t)phnum * phentsize > size) {
		*why = "the ELF program headers lie outside the image";
		return -HV_EINVAL;
	}
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = img + phoff + (uint64_t)i * phentsize;
		int err = elf32(ph) == PT_LOAD ? load_segment(p, img, size, ph, why) : 0;

		if (err)
			return err;
	}
	return elf_entry(img, phoff, phentsize, phnum, entry, why);
}

/* A gzip'd uImage (Linux's `make uImage`) is inflated straight into the partition's memory:
 * from the load address to the end of the memory area that holds it, at most. */
static int inflate_to(const struct partition *p, uint64_t load, const uint8_t *data, uint64_t len,
		      uint64_t *out_len, const char **why)
{
	for (unsigned int i = 0; i < p->nr_mem; i++) {
		const struct part_mem *m = &p->mem[i];
		size_t n;

		if (load < m->gpa || load - m->gpa >= m->size)
			continue;
		if (inflate_gzip(data, (size_t)len, (uint8_t *)(uintptr_t)(m->hpa + load - m->gpa),
				 (size_t)(m->size - (load - m->gpa)), &n, why))
			return -HV_EINVAL;
		*out_len = n;
		return 0;
	}
	*why = "a uImage load address outside the partition's memory";
	return -HV_EFAULT;
}

static int load_uimage(const struct partition *p, const uint8_t *img, uint64_t size,
		       uint64_t *entry, const char **why)
{
	uint64_t len, load, ep;
	int err;

	if (size < UIMAGE_HDR) {
		*why = "a uImage shorter than its header";
		return -HV_EINVAL;
	}
	len = be32(img + 12);
	load = be32(img + 16);
	ep = be32(img + 20);
	if (img[31] != UIMAGE_COMP_NONE && img[31] != UIMAGE_COMP_GZIP) {
		*why = "a uImage compressed other than with gzip (use gzip, none, or the vmlinux "
		       "ELF)";
		return -HV_EINVAL;
	}
	if (img[30] != UIMAGE_TYPE_KERNEL && img[30] != UIMAGE_TYPE_STANDALONE) {
		*why = "a uImage that is not a kernel or standalone program";
		return -HV_EINVAL;
	}
	if (len + UIMAGE_HDR > size) {
		*why = "a uImage whose data size goes past the end of the image";
		return -HV_EINVAL;
	}
	if (img[31] == UIMAGE_COMP_GZIP) {
		err = inflate_to(p, load, img + UIMAGE_HDR, len, &len, why);
		if (err)
			return err;
	} else if (guest_write(p, load, img + UIMAGE_HDR, (size_t)len)) {
		*why = "a uImage load address outside the partition's memory";
		return -HV_EFAULT;
	}
	if (ep < load || ep - load >= len) {
		*why = "a uImage entry point outside its data";
		return -HV_EINVAL;
	}
	*entry = ep;
	return 0;
}

int image_load(const struct partition *p, uint64_t src, uint64_t size, uint64_t guest_addr,
	       uint64_t *entry, const char **why)
{
	const uint8_t *img = (const uint8_t *)(uintptr_t)src;

	*why = "does not fit in the partition's memory";
	if (size >= 4 && be32(img) == ELF_MAGIC)
		return load_elf(p, img, size, entry, why);
	if (size >= 4 && be32(img) == UIMAGE_MAGIC)
		return load_uimage(p, img, size, entry, why);
	if (guest_write(p, guest_addr, img, (size_t)size))
		return -HV_EFAULT;
	*entry = guest_addr;
	return 0;
}
