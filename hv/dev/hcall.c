/* hcall.c - the device descriptor hypercalls (BH_DEVICE_*, docs/abi.md): argument
 * buffers are guest physical, checked against the caller's memory before anything is
 * written; structures follow the argsz rules of include/bulkhead/device.h. */
#include <string.h>
#include <hv/console.h>
#include <hv/device.h>
#include <hv/device_hcall.h>
#include <hv/err.h>
#include <hv/partition.h>
#include <hv/unit.h>

#define BAD_CALL_LOG_MAX 32 /* console lines per partition; the counter goes on */
#define IRQ_HANDLES_MAX  DEV_MAX_IRQS

/* Rejected calls per partition: the device hypercall unit's slot. */
static uint32_t bad_calls[PART_MAX];

DEFINE_UNIT(device_hcall, .order = UNIT_ORDER_DEVICE_HCALL, UNIT_SLOTS(bad_calls));

static uint32_t *bad_calls_of(const struct partition *p)
{
	return unit_slot(p, &device_hcall_unit);
}

static const char *ev_name(unsigned int err)
{
	static const char *const names[] = {
		"EV_SUCCESS",       "EV_EPERM",           "EV_ENOENT", "EV_EIO",
		"EV_EAGAIN",        "EV_ENOMEM",          "EV_EFAULT", "EV_ENODEV",
		"EV_EINVAL",        "EV_INTERNAL",        "EV_CONFIG", "EV_INVALID_STATE",
		"EV_UNIMPLEMENTED", "EV_BUFFER_OVERFLOW",
	};

	return err < sizeof(names) / sizeof(names[0]) ? names[err] : "EV_?";
}

void device_bad_call(struct vcpu *v, struct hcall_regs *r, unsigned int err, const char *why)
{
	uint32_t n = ++*bad_calls_of(v->part);

	if (n <= BAD_CALL_LOG_MAX)
		hv_printf("partition %s: hypercall 0x%lx refused: %s (%s), bad calls %lu\n",
			  v->part->name, r->token, ev_name(err), why, (unsigned long)n);
	r->reg[0] = err;
}

uint32_t device_bad_calls(const struct partition *p)
{
	return *bad_calls_of(p);
}

static struct hv_device *dev_arg(struct vcpu *v, struct hcall_regs *r)
{
	struct hv_device *d = device_get(v->part, r->reg[0]);

	if (!d)
		device_bad_call(v, r, EV_EINVAL, "not a device handle of this partition");
	return d;
}

/* argsz of the caller's structure at gpa: 0 and *argsz, else the call was refused. */
static int read_argsz(struct vcpu *v, struct hcall_regs *r, uint64_t gpa, uint32_t minsz,
		      uint32_t *argsz)
{
	if (guest_read(v->part, gpa, argsz, sizeof(*argsz))) {
		device_bad_call(v, r, EV_EFAULT, "structure outside the partition's memory");
		return -HV_EFAULT;
	}
	if (*argsz < minsz) {
		device_bad_call(v, r, EV_EINVAL, "argsz below the structure's minimum");
		return -HV_EINVAL;
	}
	return 0;
}

/* Write the first min(argsz, size) bytes of the answer, argsz left as the caller set it. */
static void write_answer(struct vcpu *v, struct hcall_regs *r, uint64_t gpa, uint32_t argsz,
			 void *ans, uint32_t size)
{
	memcpy(ans, &argsz, sizeof(argsz));
	if (guest_write(v->part, gpa, ans, argsz < size ? argsz : size)) {
		device_bad_call(v, r, EV_EFAULT, "structure outside the partition's memory");
		return;
	}
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = size;
}

/* in: handle, structure; out: status, size of the hypervisor's structure */
void hc_device_get_info(struct vcpu *v, struct hcall_regs *r)
{
	struct hv_device *d = dev_arg(v, r);
	struct bh_device_info info;
	uint32_t argsz;

	if (!d || read_argsz(v, r, r->reg[1], BH_DEVICE_INFO_MINSZ, &argsz))
		return;
	dev_desc_info(&d->desc, &info);
	write_answer(v, r, r->reg[1], argsz, &info, sizeof(info));
}

/* in: handle, index, structure; out: status, size of the hypervisor's structure */
void hc_device_get_region_info(struct vcpu *v, struct hcall_regs *r)
{
	struct hv_device *d = dev_arg(v, r);
	struct bh_region_info info;
	uint32_t argsz;

	if (!d || read_argsz(v, r, r->reg[2], BH_REGION_INFO_MINSZ, &argsz))
		return;
	if (dev_desc_region(&d->desc, (uint32_t)r->reg[1], &info)) {
		device_bad_call(v, r, EV_ENOENT, "region index out of range");
		return;
	}
	write_answer(v, r, r->reg[2], argsz, &info, sizeof(info));
}

/* in: handle, index, structure; out: status, argsz that holds every handle */
void hc_device_get_irq_info(struct vcpu *v, struct hcall_regs *r)
{
	struct hv_device *d = dev_arg(v, r);
	struct {
		struct bh_irq_info info;
		uint32_t handle[IRQ_HANDLES_MAX];
	} ans;
	uint32_t argsz;

	if (!d || read_argsz(v, r, r->reg[2], BH_IRQ_INFO_MINSZ, &argsz))
		return;
	if (dev_desc_irq(&d->desc, (uint32_t)r->reg[1], &ans.info, ans.handle, IRQ_HANDLES_MAX)) {
		device_bad_call(v, r, EV_ENOENT, "irq index out of range");
		return;
	}
	write_answer(v, r, r->reg[2], argsz, &ans,
		     (uint32_t)(sizeof(ans.info) + ans.info.count * sizeof(uint32_t)));
}

/* in: handle, kind, index, buffer, length; out: status, bytes needed, property, entry */
void hc_device_get_dt_path(struct vcpu *v, struct hcall_regs *r)
{
	struct hv_device *d = dev_arg(v, r);
	char path[256];
	size_t needed = 0, len = r->reg[4];
	uint32_t prop = 0, pidx = 0;
	int err;

	if (!d)
		return;
	err = dev_desc_dt_path(device_hw_tree(), &d->desc, (uint32_t)r->reg[1], (uint32_t)r->reg[2],
			       path, sizeof(path), &needed, &prop, &pidx);
	if (err == -HV_EINVAL) {
		device_bad_call(v, r, EV_EINVAL, "unknown kind");
		return;
	}
	if (err) {
		device_bad_call(v, r, EV_ENOENT, "index out of range");
		return;
	}
	r->reg[1] = needed;
	if (len && len < needed) {
		device_bad_call(v, r, EV_BUFFER_OVERFLOW, "buffer shorter than the path");
		r->reg[1] = needed;
		return;
	}
	if (len && guest_write(v->part, r->reg[3], path, needed)) {
		device_bad_call(v, r, EV_EFAULT, "buffer outside the partition's memory");
		return;
	}
	r->reg[0] = EV_SUCCESS;
	r->reg[1] = needed;
	r->reg[2] = prop;
	r->reg[3] = pidx;
}

/* in: handle, probe. No reset method is known for device-tree devices yet. */
void hc_device_reset(struct vcpu *v, struct hcall_regs *r)
{
	struct hv_device *d = dev_arg(v, r);

	if (!d)
		return;
	/* a legitimate question with a "no" answer: not counted as a bad call */
	r->reg[0] = (d->desc.flags & BH_DEVICE_FLAG_RESET) ? EV_SUCCESS : EV_CONFIG;
}
