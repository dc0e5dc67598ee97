/* test_image.c - hv/guest/image.c against hostile images: a vmlinux-like ELF (virtual entry and
 * p_vaddr at 0xc0000000, p_paddr 0) is placed by p_paddr and entered at the translated entry;
 * a legacy uImage loads at its load address; every header field that points outside the
 * image or the partition's memory is refused, never followed. The partition's memory is a
 * host buffer behind this file's gpa_to_hpa()/guest_write(). */
#include <stdint.h>
#include <string.h>
#include <hv/err.h>
#include <hv/image.h>
#include <hv/partition.h>
#include "unit.h"
#include <hv/arch/boot.h>

/* What the architecture says its guest ELF images are (PowerPC: arch/powerpc/vcpu/guest_boot.c). */
const struct arch_elf arch_guest_elf = { .class = 1,
					 .data = 2,
					 .not_this = "not a 32-bit big-endian ELF" };

#define MEM_SIZE 0x10000u /* the partition: guest physical 0..64 KiB */

static uint8_t mem[MEM_SIZE];
static uint8_t img[0x4000];
static struct partition part;

int gpa_to_hpa(const struct partition *p, uint64_t gpa, uint64_t len, uint64_t *hpa)
{
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -HV_EFAULT;
	*hpa = (uint64_t)(uintptr_t)(mem + gpa);
	return 0;
}

int guest_write(const struct partition *p, uint64_t gpa, const void *src, size_t len)
{
	uint64_t hpa;

	if (gpa_to_hpa(p, gpa, len, &hpa))
		return -HV_EFAULT;
	memcpy((void *)(uintptr_t)hpa, src, len);
	return 0;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* An ELF32 BE with one PT_LOAD: file bytes at 0x100 (filesz), loaded at paddr (vaddr given),
 * memsz, entry. Program header at 52. */
static void elf(uint32_t vaddr, uint32_t paddr, uint32_t filesz, uint32_t memsz, uint32_t entry)
{
	memset(img, 0, sizeof(img));
	put32(img, 0x7f454c46);
	img[4] = 1; /* ELFCLASS32 */
	img[5] = 2; /* ELFDATA2MSB */
	put32(img + 24, entry);
	put32(img + 28, 52); /* e_phoff */
	put16(img + 42, 32); /* e_phentsize */
	put16(img + 44, 1);  /* e_phnum */
	put32(img + 52, 1);  /* PT_LOAD */
	put32(img + 56, 0x100);
	put32(img + 60, vaddr);
	put32(img + 64, paddr);
	put32(img + 68, filesz);
	put32(img + 72, memsz);
	memset(img + 0x100, 0xab, filesz < sizeof(img) - 0x100 ? filesz : 0);
}

static void uimage(uint32_t size, uint32_t load, uint32_t ep, uint8_t comp)
{
	memset(img, 0, sizeof(img));
	put32(img, 0x27051956);
	put32(img + 12, size);
	put32(img + 16, load);
	put32(img + 20, ep);
	img[30] = 2; /* IH_TYPE_KERNEL */
	img[31] = comp;
	memset(img + 64, 0xcd, size < sizeof(img) - 64 ? size : 0);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void le32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* A gzip'd uImage: n bytes of 0xcd in one stored deflate block (RFC 1951 3.2.4). */
static void gzip_uimage(uint16_t n, uint32_t load_at)
{
	uint8_t data[0x200], *g = img + 64;

	memset(data, 0xcd, n);
	uimage(0, load_at, load_at, 1);
	memset(img + 64, 0, sizeof(img) - 64);
	g[0] = 0x1f;
	g[1] = 0x8b;
	g[2] = 8;
	g[9] = 3;
	g[10] = 1; /* BFINAL, stored */
	g[11] = (uint8_t)n;
	g[12] = (uint8_t)(n >> 8);
	g[13] = (uint8_t)~n;
	g[14] = (uint8_t)(~n >> 8);
	memcpy(g + 15, data, n);
	le32(g + 15 + n, crc32(data, n));
	le32(g + 19 + n, n);
	put32(img + 12, 23u + n);
}

static int load(uint64_t size, uint64_t *entry, const char **why)
{
	*entry = 0xdead;
	memset(mem, 0x55, sizeof(mem));
	return image_load(&part, (uint64_t)(uintptr_t)img, size, 0x8000, entry, why);
}

int main(void)
{
	uint64_t entry;
	const char *why;

	part.nr_mem = 1;
	part.mem[0] =
		(struct part_mem){ .gpa = 0, .hpa = (uint64_t)(uintptr_t)mem, .size = MEM_SIZE };

	/* vmlinux: linked at 0xc0000000, physical 0x1000, entry 0xc0000010 */
	elf(0xc0000000, 0x1000, 0x200, 0x300, 0xc0000010);
	CHECK_EQ(load(sizeof(img), &entry, &why), 0);
	CHECK_EQ(entry, 0x1010);
	CHECK_EQ(mem[0x1000], 0xab);
	CHECK_EQ(mem[0x11ff], 0xab);
	CHECK_EQ(mem[0x1200], 0); /* bss zeroed */
	CHECK_EQ(mem[0x12ff], 0);
	CHECK_EQ(mem[0x1300], 0x55); /* nothing past memsz */
	CHECK_EQ(mem[0xfff], 0x55);

	/* the entry in no segment */
	elf(0xc0000000, 0x1000, 0x200, 0x300, 0xc0000300);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	CHECK(strstr(why, "entry point"));
	CHECK_EQ(entry, 0xdead);

	/* p_paddr outside the partition, and a segment that wraps the 32-bit space */
	elf(0xc0000000, 0x20000, 0x10, 0x10, 0xc0000000);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EFAULT);
	CHECK(strstr(why, "p_paddr"));
	elf(0xc0000000, 0xfffff000, 0x10, 0x2000, 0xc0000000);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EFAULT);
	elf(0xc0000000, 0xf000, 0x10, 0x2000, 0xc0000000); /* runs past the end */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EFAULT);
	CHECK_EQ(mem[0xf000], 0x55); /* refused before any write */

	/* file bytes outside the image; filesz > memsz; offset + filesz wrapping */
	elf(0xc0000000, 0x1000, 0x4000, 0x4000, 0xc0000000);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	elf(0xc0000000, 0x1000, 0x20, 0x10, 0xc0000000);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	elf(0xc0000000, 0x1000, 0x10, 0x10, 0xc0000000);
	put32(img + 56, 0xfffffff0);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);

	/* program headers outside the image: e_phoff, e_phnum * e_phentsize; a short header */
	elf(0xc0000000, 0x1000, 0x10, 0x10, 0xc0000000);
	put32(img + 28, 0xffffffe0);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	elf(0xc0000000, 0x1000, 0x10, 0x10, 0xc0000000);
	put16(img + 44, 0xffff);
	put16(img + 42, 0xffff);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	elf(0xc0000000, 0x1000, 0x10, 0x10, 0xc0000000);
	put16(img + 42, 8); /* smaller than a program header */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	CHECK_EQ(load(40, &entry, &why), -HV_EINVAL);
	img[4] = 2; /* ELFCLASS64 */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);

	/* uImage, uncompressed, loaded at 0x2000, entered at 0x2000 */
	uimage(0x100, 0x2000, 0x2000, 0);
	CHECK_EQ(load(sizeof(img), &entry, &why), 0);
	CHECK_EQ(entry, 0x2000);
	CHECK_EQ(mem[0x2000], 0xcd);
	CHECK_EQ(mem[0x20ff], 0xcd);
	CHECK_EQ(mem[0x2100], 0x55);
	/* gzip'd (one stored block), inflated at the load address; bzip2 refused */
	gzip_uimage(0x180, 0x3000);
	CHECK_EQ(load(sizeof(img), &entry, &why), 0);
	CHECK_EQ(entry, 0x3000);
	CHECK_EQ(mem[0x3000], 0xcd);
	CHECK_EQ(mem[0x317f], 0xcd);
	CHECK_EQ(mem[0x3180], 0x55);
	gzip_uimage(0x180, 0xff00); /* inflates past the end of the memory */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	CHECK(strstr(why, "does not fit"));
	gzip_uimage(0x180, 0x3000);
	img[64 + 20] ^= 1; /* a data byte: the CRC catches it */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	CHECK(strstr(why, "CRC"));
	gzip_uimage(0x180, 0x20000); /* load address outside */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EFAULT);
	uimage(0x100, 0x2000, 0x2000, 2);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	CHECK(strstr(why, "compressed other than with gzip"));
	/* data past the image; load or entry outside */
	uimage(0x4000, 0x2000, 0x2000, 0);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	uimage(0xffffffff, 0x2000, 0x2000, 0);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	uimage(0x100, 0xffffff80, 0xffffff80, 0);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EFAULT);
	uimage(0x100, 0x2000, 0x3000, 0);
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	uimage(0x100, 0x2000, 0x2000, 0);
	img[30] = 5; /* IH_TYPE_RAMDISK */
	CHECK_EQ(load(sizeof(img), &entry, &why), -HV_EINVAL);
	CHECK_EQ(load(63, &entry, &why), -HV_EINVAL);

	/* raw: at the config's address, entered there; too big for the memory */
	memset(img, 0x11, sizeof(img));
	CHECK_EQ(load(0x100, &entry, &why), 0);
	CHECK_EQ(entry, 0x8000);
	CHECK_EQ(mem[0x80ff], 0x11);
	CHECK_EQ(image_load(&part, (uint64_t)(uintptr_t)img, sizeof(img), 0xe000, &entry, &why),
		 -HV_EFAULT);
	return unit_done("test_image");
}
