/* bulkhead/hcall.h - hypercall numbers and calling convention (PowerPC: ePAPR 1.1, B.4).
 *
 * PowerPC: the guest executes the instruction sequence of /hypervisor/hcall-instructions
 * ("sc 1"), with r11 = token, arguments in r3..r10; r3 returns an EV_* status, r4..r10 results.
 * token = (vendor << 16) | number. Vendors: 1 = ePAPR, 2 = Freescale (the numbers Linux
 * uses in epapr_hcalls.h / fsl_hcalls.h), 0x4248 ("BH") = Bulkhead's own calls. */
#ifndef BULKHEAD_HCALL_H
#define BULKHEAD_HCALL_H

#define HC_VENDOR_EPAPR    1
#define HC_VENDOR_FSL      2
#define HC_VENDOR_BULKHEAD 0x4248

#define HC_TOKEN(vendor, num) (((vendor) << 16) | (num))
#define HC_VENDOR(token)      ((token) >> 16)
#define HC_NUMBER(token)      ((token)&0xffff)

/* ePAPR vendor (1). Linux's asm/epapr_hcalls.h defines the same names with the same values
 * (ePAPR 1.1 B.5): a Linux module that includes it first keeps Linux's. */
#ifndef EV_BYTE_CHANNEL_SEND
#define EV_BYTE_CHANNEL_SEND     HC_TOKEN(HC_VENDOR_EPAPR, 1)
#define EV_BYTE_CHANNEL_RECEIVE  HC_TOKEN(HC_VENDOR_EPAPR, 2)
#define EV_BYTE_CHANNEL_POLL     HC_TOKEN(HC_VENDOR_EPAPR, 3)
#define EV_INT_SET_CONFIG        HC_TOKEN(HC_VENDOR_EPAPR, 4)
#define EV_INT_GET_CONFIG        HC_TOKEN(HC_VENDOR_EPAPR, 5)
#define EV_INT_SET_MASK          HC_TOKEN(HC_VENDOR_EPAPR, 6)
#define EV_INT_GET_MASK          HC_TOKEN(HC_VENDOR_EPAPR, 7)
#define EV_INT_IACK              HC_TOKEN(HC_VENDOR_EPAPR, 9)
#define EV_INT_EOI               HC_TOKEN(HC_VENDOR_EPAPR, 10)
#define EV_INT_SEND_IPI          HC_TOKEN(HC_VENDOR_EPAPR, 11)
#define EV_INT_SET_TASK_PRIORITY HC_TOKEN(HC_VENDOR_EPAPR, 12)
#define EV_INT_GET_TASK_PRIORITY HC_TOKEN(HC_VENDOR_EPAPR, 13)
#define EV_DOORBELL_SEND         HC_TOKEN(HC_VENDOR_EPAPR, 14)
#define EV_MSGSND                HC_TOKEN(HC_VENDOR_EPAPR, 15)
#define EV_IDLE                  HC_TOKEN(HC_VENDOR_EPAPR, 16)
#endif

/* Freescale vendor (2) */
#define FH_ERR_GET_INFO         HC_TOKEN(HC_VENDOR_FSL, 1)
#define FH_PARTITION_GET_DTPROP HC_TOKEN(HC_VENDOR_FSL, 2)
#define FH_PARTITION_SET_DTPROP HC_TOKEN(HC_VENDOR_FSL, 3)
#define FH_PARTITION_RESTART    HC_TOKEN(HC_VENDOR_FSL, 4)
#define FH_PARTITION_GET_STATUS HC_TOKEN(HC_VENDOR_FSL, 5)
#define FH_PARTITION_START      HC_TOKEN(HC_VENDOR_FSL, 6)
#define FH_PARTITION_STOP       HC_TOKEN(HC_VENDOR_FSL, 7)
#define FH_PARTITION_MEMCPY     HC_TOKEN(HC_VENDOR_FSL, 8)
#define FH_DMA_ENABLE           HC_TOKEN(HC_VENDOR_FSL, 9)
#define FH_DMA_DISABLE          HC_TOKEN(HC_VENDOR_FSL, 10)
#define FH_SEND_NMI             HC_TOKEN(HC_VENDOR_FSL, 11)
#define FH_VMPIC_GET_MSIR       HC_TOKEN(HC_VENDOR_FSL, 12)
#define FH_SYSTEM_RESET         HC_TOKEN(HC_VENDOR_FSL, 13)
#define FH_GET_CORE_STATE       HC_TOKEN(HC_VENDOR_FSL, 14)
#define FH_ENTER_NAP            HC_TOKEN(HC_VENDOR_FSL, 15)
#define FH_EXIT_NAP             HC_TOKEN(HC_VENDOR_FSL, 16)
#define FH_CLAIM_DEVICE         HC_TOKEN(HC_VENDOR_FSL, 17)
#define FH_PARTITION_STOP_DMA   HC_TOKEN(HC_VENDOR_FSL, 18)
#define FH_DMA_ATTR_SET         HC_TOKEN(HC_VENDOR_FSL, 19)
#define FH_DMA_ATTR_GET         HC_TOKEN(HC_VENDOR_FSL, 20)

/* Bulkhead vendor (0x4248): r3 = EV_* status. */
#define BH_ABI_VERSION            HC_TOKEN(HC_VENDOR_BULKHEAD, 1) /* r4 = major, r5 = minor */
#define BH_GUEST_EXIT             HC_TOKEN(HC_VENDOR_BULKHEAD, 2) /* r3 = code: stop self */
#define BH_NULL                   HC_TOKEN(HC_VENDOR_BULKHEAD, 3) /* does nothing (bench) */
#define BH_WATCHDOG_FEED          HC_TOKEN(HC_VENDOR_BULKHEAD, 4) /* feed (arm) the watchdog */
#define BH_DEVICE_GET_INFO        HC_TOKEN(HC_VENDOR_BULKHEAD, 16)
#define BH_DEVICE_GET_REGION_INFO HC_TOKEN(HC_VENDOR_BULKHEAD, 17)
#define BH_DEVICE_GET_IRQ_INFO    HC_TOKEN(HC_VENDOR_BULKHEAD, 18)
#define BH_DEVICE_GET_DT_PATH     HC_TOKEN(HC_VENDOR_BULKHEAD, 19)
#define BH_DEVICE_RESET           HC_TOKEN(HC_VENDOR_BULKHEAD, 20)

/* Byte channels carry at most this many bytes per SEND/RECEIVE call (4 registers). */
#define EV_BYTE_CHANNEL_MAX_BYTES 16

#endif
