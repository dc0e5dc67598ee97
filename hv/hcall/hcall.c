/* hcall.c - hypercall dispatch: token -> handler; unknown tokens get EV_UNIMPLEMENTED.
 * Byte-channel data travels in registers, packed big-endian (ePAPR 1.1, B.4.2). */
#include <string.h>
#include <hv/byte_chan.h>
#include <hv/console.h>
#include <hv/device_hcall.h> /* issue 5: device ABI and vPIC */
#include <hv/dma_hcall.h>    /* issue 6: DMA enable/disable */
#include <hv/event.h>
#include <hv/hcall.h>
#include <hv/manager.h>
#include <hv/partition.h>
#include <hv/stats.h>
#include <hv/claim.h>
#include <hv/errmgr.h>
#include <hv/watchdog.h>

#define BYTES_PER_REG 4 /* the ABI packs 4 bytes a register (ePAPR), on every arch */
#define BC_DATA_REG   2 /* reg[2..5] carry the bytes */
#define BC_MAX_BYTES  (4 * BYTES_PER_REG)

typedef void (*hcall_fn)(struct vcpu *v, struct hcall_regs *r);

unsigned long hv_err_to_ev(int err, const struct ev_status *map, unsigned int n,
			   unsigned long other)
{
	if (!err)
		return EV_SUCCESS;
	for (unsigned int i = 0; i < n; i++)
		if (map[i].err == err)
			return map[i].ev;
	return other;
}

static void unpack(const struct hcall_regs *r, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(r->reg[BC_DATA_REG + i / BYTES_PER_REG] >>
				   (8 * (BYTES_PER_REG - 1 - i % BYTES_PER_REG)));
}

static void pack(struct hcall_regs *r, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < 4; i++)
		r->reg[BC_DATA_REG + i] = 0;
	for (size_t i = 0; i < n; i++)
		r->reg[BC_DATA_REG + i / BYTES_PER_REG] |=
			(unsigned long)buf[i] << (8 * (BYTES_PER_REG - 1 - i % BYTES_PER_REG));
}

static struct byte_chan *bc_arg(struct vcpu *v, struct hcall_regs *r)
{
	struct handle *h = handle_get(v->part, r->reg[0], HANDLE_BYTE_CHANNEL);

	if (!h)
		r->reg[0] = EV_EINVAL;
	return h ? h->obj : NULL;
}

/* in: handle, count, data; out: status, count sent */
static void hc_bc_send(struct vcpu *v, struct hcall_regs *r)
{
	struct byte_chan *c = bc_arg(v, r);
	uint8_t buf[BC_MAX_BYTES];
	size_t n = r->reg[1], sent;

	if (!c)
		return;
	if (n > BC_MAX_BYTES) {
		r->reg[0] = EV_EINVAL;
		return;
	}
	unpack(r, buf, n);
	sent = byte_chan_send(c, buf, n);
	r->reg[0] = (sent || !n) ? EV_SUCCESS : EV_EAGAIN;
	r->reg[1] = sent;
}

/* in: handle, max count; out: status, count, data */
static void hc_bc_receive(struct vcpu *v, struct hcall_regs *r)
{
	struct byte_chan *c = bc_arg(v, r);
	uint8_t buf[BC_MAX_BYTES];
	size_t n = r->reg[1] < BC_MAX_BYTES ? r->reg[1] : BC_MAX_BYTES;

	if (!c)
		return;
	n = byte_chan_receive(c, buf, n);
	pack(r, buf, n);
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = n;
}

/* in: handle; out: status, bytes waiting to be received, room to send */
static void hc_bc_poll(struct vcpu *v, struct hcall_regs *r)
{
	struct byte_chan *c = bc_arg(v, r);

	if (!c)
		return;
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = byte_chan_rx_count(c);
	r->reg[2] = byte_chan_tx_space(c);
}

static void hc_abi_version(struct vcpu *v, struct hcall_regs *r)
{
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = BULKHEAD_ABI_MAJOR;
	r->reg[2] = BULKHEAD_ABI_MINOR;
}

static void hc_null(struct vcpu *v, struct hcall_regs *r)
{
	r->reg[0] = EV_SUCCESS;
}

/* The guest feeds its partition's watchdog (the first feed arms it; without a
 * watchdog-timeout nothing happens), as a Book E guest does by writing TSR[ENW|WIS]: the way
 * on architectures without that register (x86). */
static void hc_watchdog_feed(struct vcpu *v, struct hcall_regs *r)
{
	watchdog_feed(v->part);
	r->reg[0] = EV_SUCCESS;
}

/* The guest asks to stop; the console shows the code once it is stopped. */
static void hc_guest_exit(struct vcpu *v, struct hcall_regs *r)
{
	event_exit(v->part, (int)r->reg[0]);
	partition_exit(v->part, (int)r->reg[0]);
	r->reg[0] = EV_SUCCESS;
}

/* Handlers indexed by hypercall number, one table per vendor (direct lookup: this is on the
 * path of every hypercall). */
static const hcall_fn epapr_calls[] = {
	[HC_NUMBER(EV_BYTE_CHANNEL_SEND)] = hc_bc_send,
	[HC_NUMBER(EV_BYTE_CHANNEL_RECEIVE)] = hc_bc_receive,
	[HC_NUMBER(EV_BYTE_CHANNEL_POLL)] = hc_bc_poll,
	/* issue 5: virtual PIC (hv/dev/vpic.c) */
	[HC_NUMBER(EV_INT_SET_CONFIG)] = hc_int_set_config,
	[HC_NUMBER(EV_INT_GET_CONFIG)] = hc_int_get_config,
	[HC_NUMBER(EV_INT_SET_MASK)] = hc_int_set_mask,
	[HC_NUMBER(EV_INT_GET_MASK)] = hc_int_get_mask,
	[HC_NUMBER(EV_INT_IACK)] = hc_int_iack,
	[HC_NUMBER(EV_INT_EOI)] = hc_int_eoi,
};

static const hcall_fn fsl_calls[] = {
	/* issue 7: partition managers (hv/partition/manager.c) */
	[HC_NUMBER(FH_PARTITION_GET_STATUS)] = hc_partition_get_status,
	[HC_NUMBER(FH_PARTITION_START)] = hc_partition_start,
	[HC_NUMBER(FH_PARTITION_STOP)] = hc_partition_stop,
	[HC_NUMBER(FH_PARTITION_RESTART)] = hc_partition_restart,
	[HC_NUMBER(FH_PARTITION_STOP_DMA)] = hc_partition_stop_dma,
	[HC_NUMBER(FH_PARTITION_MEMCPY)] = hc_partition_memcpy,
	/* issue 6: DMA of assigned devices (hv/dma/hcall.c) */
	[HC_NUMBER(FH_DMA_ENABLE)] = hc_dma_enable,
	[HC_NUMBER(FH_DMA_DISABLE)] = hc_dma_disable,
	/* issue 15: failover and the error manager (hv/dev/claim.c, hv/partition/errmgr.c) */
	[HC_NUMBER(FH_CLAIM_DEVICE)] = hc_claim_device,
	[HC_NUMBER(FH_ERR_GET_INFO)] = hc_err_get_info,
};

static const hcall_fn bulkhead_calls[] = {
	[HC_NUMBER(BH_ABI_VERSION)] = hc_abi_version,
	[HC_NUMBER(BH_NULL)] = hc_null,
	[HC_NUMBER(BH_GUEST_EXIT)] = hc_guest_exit,
	[HC_NUMBER(BH_WATCHDOG_FEED)] = hc_watchdog_feed,
	/* issue 5: device descriptors (hv/dev/hcall.c) */
	[HC_NUMBER(BH_DEVICE_GET_INFO)] = hc_device_get_info,
	[HC_NUMBER(BH_DEVICE_GET_REGION_INFO)] = hc_device_get_region_info,
	[HC_NUMBER(BH_DEVICE_GET_IRQ_INFO)] = hc_device_get_irq_info,
	[HC_NUMBER(BH_DEVICE_GET_DT_PATH)] = hc_device_get_dt_path,
	[HC_NUMBER(BH_DEVICE_RESET)] = hc_device_reset,
};

#define N(t) (sizeof(t) / sizeof((t)[0]))

static hcall_fn lookup(unsigned long token)
{
	unsigned long n = HC_NUMBER(token);

	switch (HC_VENDOR(token)) {
	case HC_VENDOR_EPAPR:
		return n < N(epapr_calls) ? epapr_calls[n] : NULL;
	case HC_VENDOR_FSL:
		return n < N(fsl_calls) ? fsl_calls[n] : NULL;
	case HC_VENDOR_BULKHEAD:
		return n < N(bulkhead_calls) ? bulkhead_calls[n] : NULL;
	}
	return NULL;
}

void hcall_dispatch(struct vcpu *v, struct hcall_regs *r)
{
	hcall_fn fn = lookup(r->token);

	stats_count_hcall(v, r->token);
	if (fn) {
		fn(v, r);
		return;
	}
	part_stats(v->part)->bad_hcalls++;
	r->reg[0] = EV_UNIMPLEMENTED;
}
