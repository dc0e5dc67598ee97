/* acpi.c - the few ACPI facts the x86 platform cross-checks its hardware tree against: the
 * RSDP (found in the BIOS area, ACPI 6.4, 5.2.5.1), the RSDT/XSDT and the MADT's enabled
 * processor local APICs (5.2.12.2). Tables are read in place (firmware memory, identity-
 * mapped) with every length checked against its table. */
#include <string.h>
#include <hv/err.h>
#include "x86.h"

/* Common header of every system description table (ACPI 6.4, 5.2.6). */
struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
} __attribute__((packed));

#define MADT_ENTRIES  44 /* header, local APIC address, flags */
#define MADT_LAPIC    0
#define MADT_X2APIC   9
#define LAPIC_ENABLED 0x1
#define MAX_TABLE     (1u << 20)

static bool sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += b[i];
	return s == 0;
}

static const struct rsdp *scan(uintptr_t start, uintptr_t end)
{
	for (uintptr_t p = start; p + 20 <= end; p += 16)
		if (!memcmp((const void *)p, "RSD PTR ", 8) && sum_ok((const void *)p, 20))
			return (const struct rsdp *)p;
	return NULL;
}

/* The EBDA's first KiB, then the BIOS ROM area 0xe0000-0xfffff. */
static const struct rsdp *find_rsdp(void)
{
	uintptr_t bda = 0x40e, ebda; /* BIOS data area: the EBDA's segment */
	const struct rsdp *r;

	__asm__("" : "+r"(bda)); /* a physical address, not a null pointer's offset */
	ebda = (uintptr_t) * (const volatile uint16_t *)bda << 4;
	r = ebda ? scan(ebda, ebda + 1024) : NULL;

	return r ? r : scan(0xe0000, 0x100000);
}

static const struct sdt_header *table(uint64_t pa)
{
	const struct sdt_header *h = (const struct sdt_header *)(uintptr_t)pa;

	if (!pa || pa >= (1ull << 32) || h->length < sizeof(*h) || h->length > MAX_TABLE ||
	    !sum_ok(h, h->length))
		return NULL;
	return h;
}

/* The table with signature sig from the XSDT (8-byte entries) or the RSDT (4-byte ones). */
static const struct sdt_header *find_table(const char *sig)
{
	const struct rsdp *r = find_rsdp();
	const struct sdt_header *root;
	size_t entry;

	if (!r)
		return NULL;
	root = r->revision >= 2 ? table(r->xsdt) : NULL;
	entry = root ? 8 : 4;
	if (!root)
		root = table(r->rsdt);
	if (!root)
		return NULL;
	for (size_t off = sizeof(*root); off + entry <= root->length; off += entry) {
		uint64_t pa = 0;
		const struct sdt_header *t;

		memcpy(&pa, (const uint8_t *)root + off, entry);
		t = table(pa);
		if (t && !memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

int acpi_madt_cpus(void)
{
	const struct sdt_header *madt = find_table("APIC");
	const uint8_t *p, *end;
	int n = 0;

	if (!madt)
		return -HV_ENOENT;
	p = (const uint8_t *)madt + MADT_ENTRIES;
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		uint32_t flags = 0;

		if (p[0] == MADT_LAPIC && p[1] >= 8)
			memcpy(&flags, p + 4, 4);
		else if (p[0] == MADT_X2APIC && p[1] >= 16)
			memcpy(&flags, p + 8, 4);
		if (flags & LAPIC_ENABLED)
			n++;
		p += p[1];
	}
	return n;
}

/* MCFG (PCI Firmware Specification 3.0, 4.1.2): after the header and 8 reserved bytes, one
 * 16-byte entry per ECAM window: base (u64), segment (u16), start bus, end bus, reserved. */
#define MCFG_ENTRIES 44
#define MCFG_ENTRY   16

int acpi_mcfg_base(uint16_t segment, uint64_t *base)
{
	const struct sdt_header *mcfg = find_table("MCFG");

	if (!mcfg)
		return -HV_ENOENT;
	for (uint32_t off = MCFG_ENTRIES; off + MCFG_ENTRY <= mcfg->length; off += MCFG_ENTRY) {
		const uint8_t *e = (const uint8_t *)mcfg + off;
		uint16_t seg;

		memcpy(&seg, e + 8, sizeof(seg));
		if (seg == segment) {
			memcpy(base, e, sizeof(*base));
			return 0;
		}
	}
	return -HV_ENOENT;
}
