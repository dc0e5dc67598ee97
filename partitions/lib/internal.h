/* internal.h - functions shared between the runtime's files, not part of the guest API. */
#ifndef GUEST_INTERNAL_H
#define GUEST_INTERNAL_H

void guest_fdt_init(void);
void guest_tlb_init(void);
void guest_console_init(void);
void guest_poweroff(void) __attribute__((noreturn));

#endif
