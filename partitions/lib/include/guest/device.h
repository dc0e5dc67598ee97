/* guest/device.h - guest-side wrappers of the device descriptor ABI (include/bulkhead/
 * device.h, docs/abi.md) and of the ePAPR virtual PIC hypercalls, plus the printer both
 * lsdev and the tests use. Header only: structures are passed by guest-physical address,
 * which is their virtual address in the initial mapping the test guests run in. */
#ifndef GUEST_DEVICE_H
#define GUEST_DEVICE_H

#include <stdint.h>
#include <bulkhead/device.h>
#include <guest/guest.h>

static inline uint32_t bh_device_get_info(uint32_t h, struct bh_device_info *i)
{
	uint32_t r[8] = { h, (uint32_t)(uintptr_t)i };

	return hcall(BH_DEVICE_GET_INFO, r);
}

static inline uint32_t bh_device_get_region_info(uint32_t h, uint32_t idx, struct bh_region_info *i)
{
	uint32_t r[8] = { h, idx, (uint32_t)(uintptr_t)i };

	return hcall(BH_DEVICE_GET_REGION_INFO, r);
}

/* i points at a struct bh_irq_info followed by room for handles; *needed (if not NULL)
 * gets the argsz that holds every handle. */
static inline uint32_t bh_device_get_irq_info(uint32_t h, uint32_t idx, struct bh_irq_info *i,
					      uint32_t *needed)
{
	uint32_t r[8] = { h, idx, (uint32_t)(uintptr_t)i };
	uint32_t st = hcall(BH_DEVICE_GET_IRQ_INFO, r);

	if (needed)
		*needed = r[1];
	return st;
}

/* out[0] = bytes needed, out[1] = BH_DT_PROP_*, out[2] = entry index */
static inline uint32_t bh_device_get_dt_path(uint32_t h, uint32_t kind, uint32_t idx, char *buf,
					     uint32_t len, uint32_t out[3])
{
	uint32_t r[8] = { h, kind, idx, (uint32_t)(uintptr_t)buf, len };
	uint32_t st = hcall(BH_DEVICE_GET_DT_PATH, r);

	out[0] = r[1];
	out[1] = r[2];
	out[2] = r[3];
	return st;
}

/* PCI configuration space is little-endian (PCI Local Bus 3.0, 6.1): a register of the
 * function's configuration region (BH_PCI_CONFIG_REGION_INDEX), read or written with a
 * plain load or store of its size, as the CPU's byte order needs it. */
static inline uint32_t guest_cfg_le(uint32_t v, unsigned int size)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return size == 4 ? __builtin_bswap32(v) : __builtin_bswap16((uint16_t)v);
#else
	return v;
#endif
}

static inline uint32_t guest_cfg_rd32(const volatile uint8_t *cfg, unsigned int off)
{
	return guest_cfg_le(*(const volatile uint32_t *)(cfg + off), 4);
}

static inline void guest_cfg_wr32(volatile uint8_t *cfg, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(cfg + off) = guest_cfg_le(v, 4);
}

static inline uint16_t guest_cfg_rd16(const volatile uint8_t *cfg, unsigned int off)
{
	return (uint16_t)guest_cfg_le(*(const volatile uint16_t *)(cfg + off), 2);
}

static inline void guest_cfg_wr16(volatile uint8_t *cfg, unsigned int off, uint16_t v)
{
	*(volatile uint16_t *)(cfg + off) = (uint16_t)guest_cfg_le(v, 2);
}

static inline uint32_t bh_device_reset(uint32_t h, uint32_t probe)
{
	uint32_t r[8] = { h, probe };

	return hcall(BH_DEVICE_RESET, r);
}

/* ePAPR virtual PIC (EV_INT_*, Linux numbering) */
static inline uint32_t ev_int_set_config(uint32_t h, uint32_t config, uint32_t prio, uint32_t dest)
{
	uint32_t r[8] = { h, config, prio, dest };

	return hcall(EV_INT_SET_CONFIG, r);
}

static inline uint32_t ev_int_get_config(uint32_t h, uint32_t out[3])
{
	uint32_t r[8] = { h };
	uint32_t st = hcall(EV_INT_GET_CONFIG, r);

	out[0] = r[1];
	out[1] = r[2];
	out[2] = r[3];
	return st;
}

static inline uint32_t ev_int_set_mask(uint32_t h, uint32_t mask)
{
	uint32_t r[8] = { h, mask };

	return hcall(EV_INT_SET_MASK, r);
}

static inline uint32_t ev_int_iack(uint32_t *vector)
{
	uint32_t r[8] = { 0 };
	uint32_t st = hcall(EV_INT_IACK, r);

	*vector = r[1];
	return st;
}

static inline uint32_t ev_int_eoi(uint32_t h)
{
	uint32_t r[8] = { h };

	return hcall(EV_INT_EOI, r);
}

/* FH_CLAIM_DEVICE on handle, again every 10 ms while the holder runs; prints "<who>: claim
 * refused with status N" at the first refusal and "<who>: claimed after N refusals". 0, or -1
 * when the claim is refused for another reason (partitions/lib/claim.c). */
int guest_claim(uint32_t handle, const char *who);

/* The first PCI function given to the partition: its device handle, BAR0 (the first 4 KiB,
 * mapped uncached) and its INTx handle. 0, or -1 when any of them is missing
 * (partitions/lib/pcifn.c). */
struct guest_pci_fn {
	uint32_t handle;
	volatile uint32_t *bar0;
	uint32_t intx;
};

int guest_pci_function(struct guest_pci_fn *fn);

#endif
