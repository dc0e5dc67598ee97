/* multiboot.c - copy the multiboot v1 information (Multiboot Specification 0.6.96, 3.3) into
 * the hypervisor's own struct mb_boot before anything else runs: the command line, the BIOS
 * memory map and the modules (the hardware tree, the config). Everything is bounded: strings
 * are cut at their buffer, the map and the module list at their arrays. */
#include <string.h>
#include "x86.h"

#define MB_LOADER_MAGIC 0x2BADB002u
#define MBI_CMDLINE     (1u << 2)
#define MBI_MODS        (1u << 3)
#define MBI_MMAP        (1u << 6)

/* The loader's structures (all addresses 32-bit physical, identity-mapped below 4 GiB). */
struct mbi {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mbi_mod {
	uint32_t start, end, string, rsvd;
};

struct mbi_mmap {
	uint32_t size; /* of the rest of the entry */
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

static void copy_str(char *dst, size_t len, uint32_t src)
{
	const char *s = (const char *)(uintptr_t)src;
	size_t i = 0;

	if (src)
		for (; i + 1 < len && s[i]; i++)
			dst[i] = s[i];
	dst[i] = '\0';
}

static void read_mmap(const struct mbi *mi, struct mb_boot *mb)
{
	uint64_t p = mi->mmap_addr, end = p + mi->mmap_length;

	while (p + sizeof(struct mbi_mmap) <= end && mb->nr_mmap < MB_MAX_MMAP) {
		const struct mbi_mmap *e = (const struct mbi_mmap *)(uintptr_t)p;

		mb->mmap[mb->nr_mmap++] = (struct mb_range){ e->base, e->len, e->type };
		if (e->size < sizeof(*e) - 4)
			break; /* malformed: an entry must hold base, len and type */
		p += e->size + 4;
	}
}

static void read_mods(const struct mbi *mi, struct mb_boot *mb)
{
	const struct mbi_mod *m = (const struct mbi_mod *)(uintptr_t)mi->mods_addr;

	for (uint32_t i = 0; i < mi->mods_count && mb->nr_mods < MB_MAX_MODS; i++) {
		struct mb_module *d = &mb->mod[mb->nr_mods];

		if (m[i].end < m[i].start)
			continue;
		d->start = m[i].start;
		d->end = m[i].end;
		copy_str(d->name, sizeof(d->name), m[i].string);
		mb->nr_mods++;
	}
}

bool multiboot_magic(uint32_t eax)
{
	return eax == MB_LOADER_MAGIC;
}

void multiboot_read(uint32_t magic, uint32_t info, struct mb_boot *mb)
{
	const struct mbi *mi = (const struct mbi *)(uintptr_t)info;

	if (magic != MB_LOADER_MAGIC || !info)
		return;
	mb->valid = true;
	mb->loader = "multiboot";
	if (mi->flags & MBI_CMDLINE)
		copy_str(mb->cmdline, sizeof(mb->cmdline), mi->cmdline);
	if (mi->flags & MBI_MMAP)
		read_mmap(mi, mb);
	if (mi->flags & MBI_MODS)
		read_mods(mi, mb);
}
