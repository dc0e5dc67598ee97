/* device_hcall.h - hypercall handlers of the device ABI (BH_DEVICE_*, hv/dev/hcall.c) and
 * of the virtual PIC (EV_INT_*, hv/dev/vpic.c), for hv/hcall/hcall.c's table. */
#ifndef HV_DEVICE_HCALL_H
#define HV_DEVICE_HCALL_H

#include <stdint.h>
#include <hv/hcall.h>

struct vcpu;
struct partition;

void hc_device_get_info(struct vcpu *v, struct hcall_regs *r);
void hc_device_get_region_info(struct vcpu *v, struct hcall_regs *r);
void hc_device_get_irq_info(struct vcpu *v, struct hcall_regs *r);
void hc_device_get_dt_path(struct vcpu *v, struct hcall_regs *r);
void hc_device_reset(struct vcpu *v, struct hcall_regs *r);

void hc_int_set_config(struct vcpu *v, struct hcall_regs *r);
void hc_int_get_config(struct vcpu *v, struct hcall_regs *r);
void hc_int_set_mask(struct vcpu *v, struct hcall_regs *r);
void hc_int_get_mask(struct vcpu *v, struct hcall_regs *r);
void hc_int_iack(struct vcpu *v, struct hcall_regs *r);
void hc_int_eoi(struct vcpu *v, struct hcall_regs *r);

/* A rejected device/vPIC call: status err in r3, the partition's counter bumped, and (for
 * the first few per partition) one console line saying why. Nothing else changes. */
void device_bad_call(struct vcpu *v, struct hcall_regs *r, unsigned int err, const char *why);

/* Rejected device/vPIC calls of p since the hypervisor started. */
uint32_t device_bad_calls(const struct partition *p);

#endif
