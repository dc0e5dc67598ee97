/* dma_hcall.h - FH_DMA_ENABLE / FH_DMA_DISABLE (Freescale hypercalls 9 and 10, the numbers
 * Linux's fsl_hcalls.h uses), hv/dma/hcall.c, for hv/hcall/hcall.c's table. */
#ifndef HV_DMA_HCALL_H
#define HV_DMA_HCALL_H

#include <hv/hcall.h>

struct vcpu;

/* in: r3 = DMA handle (the device node's fsl,hv-dma-handle); out: r3 = EV_* status. */
void hc_dma_enable(struct vcpu *v, struct hcall_regs *r);
void hc_dma_disable(struct vcpu *v, struct hcall_regs *r);

#endif
