/* runtime.h - the x86 test guests' runtime (partitions/lib/x86/runtime.c). */
#ifndef X86_GUEST_RUNTIME_H
#define X86_GUEST_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

void guest_init(const void *fdt);		/* find the console byte channel */
void guest_puts(const char *s);			/* text to the console */
void guest_put_hex(uint32_t v);
void guest_put_dec(uint32_t v);
uint32_t guest_arg(const char *key, uint32_t dflt);	/* key=N in /chosen/bootargs */
size_t strlen(const char *s);

#endif
