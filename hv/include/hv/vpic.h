/* vpic.h - the ePAPR virtual PIC (epapr,hv-pic): each interrupt of an assigned device is a
 * handle of its partition; the guest configures, masks, acknowledges and ends it with the
 * EV_INT_* hypercalls (ePAPR 1.1, B.5; Linux numbering). Delivery: the physical interrupt is
 * routed to the CPU of the vCPU it targets, acknowledged there when it arrives in guest
 * context, and presented to the guest as an external input interrupt. */
#ifndef HV_VPIC_H
#define HV_VPIC_H

#include <stdbool.h>
#include <stdint.h>
#include <hv/device_desc.h>
#include <hv/handle.h>

#define VPIC_SPURIOUS 0xffffu /* EV_INT_IACK vector when nothing is pending */

/* EV_INT_SET_CONFIG config word (Linux asm/ehv_pic.h EHV_PIC_VECPRI_*) */
#define VPIC_CONFIG_POSITIVE 0x1u /* active high / rising edge */
#define VPIC_CONFIG_LEVEL    0x2u /* level sensitive */

struct partition;
struct vcpu;

/* One interrupt source given to a partition. */
struct vpic_irq {
	struct handle handle; /* HANDLE_IRQ, obj = this */
	struct partition *part;
	uint32_t handle_nr; /* its number in the partition's table */
	uint32_t src;       /* source number at the physical controller */
	uint32_t sense;     /* device-tree sense cell (kept at the controller) */
	uint32_t config;    /* VPIC_CONFIG_* as the guest last set it */
	uint32_t priority;  /* 0 (never delivered) .. 15 */
	uint32_t dest;      /* target vCPU index */
	bool guest_masked;  /* EV_INT_SET_MASK state (starts masked) */
	bool routed;        /* the physical controller accepted it */
	bool level;         /* software source with a line level (byte channels) */
	bool asserted;      /* its line: set by vpic_soft_level(), kept at resets */
	bool dormant;       /* a standby owner's copy of a claimable device's
					 * source: never routed here until a claim moves it */
};

/* Give interrupt q of a device to p: a handle (returned, or negative hv code (hv/err.h)). */
int vpic_irq_create(struct partition *p, const struct dev_irq *q);

/* The same for a claimable device p holds on standby: the handle exists (the guest may
 * configure and mask it), the source is not routed to p until vpic_irq_move(). */
int vpic_irq_create_dormant(struct partition *p, const struct dev_irq *q);

/* FH_CLAIM_DEVICE: the controller source of from (its partition stopped) goes to to's
 * partition, with to's guest configuration (destination, priority, mask); from becomes
 * dormant. */
void vpic_irq_move(struct vpic_irq *from, struct vpic_irq *to);

/* A software interrupt source of p (no controller source): its handle number (or a negative hv
 * code) and, in *q, the source. An edge source (level false, e.g. a doorbell) is raised by
 * vpic_soft_raise(); a level source (a byte channel's rx or tx) follows the line set by
 * vpic_soft_level(), its handle taken from the top of the table (handle_add_top()): it is presented
 * while the line is asserted, again after each EOI, and withdrawn when the guest masks it (as a
 * level source at an MPIC, E500MCRM / ePAPR 1.1 B.5). */
int vpic_soft_create(struct partition *p, struct vpic_irq **q, bool level);
void vpic_soft_raise(struct vpic_irq *q);
void vpic_soft_level(struct vpic_irq *q, bool asserted);

/* The EV_INT interrupt specifier sense cell for a source (ehv_pic's map: 0 edge, 2 level). */
#define VPIC_SENSE_EDGE  0u
#define VPIC_SENSE_LEVEL 2u

/* The vpic interrupt behind handle n of p, or NULL. */
struct vpic_irq *vpic_irq_get(struct partition *p, unsigned long n);

/* An external interrupt arrived while v ran: acknowledge it at the controller and make it
 * pending for v. */
void vpic_external(struct vcpu *v);

/* v leaves guest context because its partition is stopping: mask the partition's sources
 * now (an idle CPU takes no device interrupt; the handles' prereset masks them too). */
void vpic_vcpu_stop(struct vcpu *v);

/* Does v have an interrupt to present (the caller checks the guest's MSR[EE])? */
bool vpic_pending(const struct vcpu *v);

/* The word vpic_pending() tests (non-zero: pending), for an entry path that checks it at
 * every guest entry without the lookup; it stays v's for as long as v's partition exists. */
const volatile uint64_t *vpic_pending_word(const struct vcpu *v);

/* Ensure the ePAPR hv-pic node exists in fdt (at /hv-pic); its phandle, or a
 * -HV_EFDT_* code. */
int vpic_tree_node(void *fdt);

#endif
