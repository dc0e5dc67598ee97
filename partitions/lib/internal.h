/* internal.h - functions shared between the runtime's files, not part of the guest API. */
#ifndef GUEST_INTERNAL_H
#define GUEST_INTERNAL_H

void guest_fdt_init(void);
void guest_arch_init(void); /* <arch>: vectors, mappings of the boot CPU */
void guest_console_init(void);
void guest_poweroff(void) __attribute__((noreturn)); /* <arch>: bare run ends */

#endif
