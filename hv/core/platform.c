/* platform.c - lookups on the platform model (<hv/platform.h>) that the core shares; the model
 * itself is built by the architecture (arch/<arch>/platform.c). */
#include <hv/platform.h>

const struct platform *hv_platform;

uint64_t platform_ram_room(const struct platform *plat, uint64_t addr)
{
	for (unsigned int i = 0; i < plat->nr_ram; i++) {
		const struct plat_range *r = &plat->ram[i];

		if (addr >= r->base && addr < r->base + r->size)
			return r->base + r->size - addr;
	}
	return 0;
}

const struct plat_pci *platform_pci_by_ref(const struct platform *plat, int hw_ref)
{
	for (unsigned int i = 0; plat && i < plat->nr_pci; i++)
		if (plat->pci[i].hw_ref == hw_ref)
			return &plat->pci[i];
	return NULL;
}

const struct plat_uart *platform_console(const struct platform *plat)
{
	return plat->console < 0 ? NULL : &plat->uart[plat->console];
}
