/* runtime.h - the x86 test guests' runtime (partitions/lib/x86/runtime.c). */
#ifndef X86_GUEST_RUNTIME_H
#define X86_GUEST_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

void guest_init(const void *fdt); /* find the console byte channel */
void guest_puts(const char *s);   /* text to the console */
void guest_put_hex(uint32_t v);
void guest_put_dec(uint32_t v);
uint32_t guest_arg(const char *key, uint32_t dflt); /* key=N in /chosen/bootargs */
size_t strlen(const char *s);
/* Property name of the device-tree node at path ("/cpus/cpu@1"), its length; NULL if none. */
const void *guest_prop(const char *path, const char *name, uint32_t *len);
uint32_t be32(const void *p); /* a big-endian device-tree cell */
/* Interrupts (docs/x86.md): x86_irq_init() loads the guest's GDT and an IDT whose vector
 * 0x20 (the virtual PIC's) calls guest_irq() (a guest's own; the runtime's does nothing);
 * then sti. x86_hcall: VMMCALL, token and six registers (EBX, ECX, EDX, ESI, EDI, EBP) in
 * and out; returns EAX. */
void x86_irq_init(void);
void guest_irq(void);
uint32_t x86_hcall(uint32_t token, uint32_t regs[6]);
/* Serialise console lines between the partition's CPUs. */
void guest_lock(volatile uint32_t *l);
void guest_unlock(volatile uint32_t *l);

#endif
