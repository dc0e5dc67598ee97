/* libc_glue.c - the hypervisor's own part of what newlib needs: output goes to the console,
 * malloc is serialised across CPUs, exit parks the CPU. The heap (the arena link.ld reserves)
 * and the file-less rest are shared with the test guests: lib/newlib_stubs.c. */
#include <errno.h>
#include <stddef.h>
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/heap.h>

extern char __heap_start[], __heap_end[];

size_t heap_reserved(void)
{
	return (size_t)(__heap_end - __heap_start);
}

/* newlib's malloc calls these around every change of its arena; they must nest (realloc
 * calls malloc), and any CPU may allocate (each starts its partitions: hv/partition/partition.c). */
static arch_spinlock_t malloc_spin;
static volatile int malloc_owner = -1;
static unsigned int malloc_depth;

void __malloc_lock(struct _reent *r)
{
	int me = (int)arch_cpu_id();

	if (malloc_owner == me) {
		malloc_depth++;
		return;
	}
	while (!arch_spin_trylock(&malloc_spin))
		arch_cpu_relax();
	malloc_owner = me;
	malloc_depth = 1;
}

void __malloc_unlock(struct _reent *r)
{
	if (--malloc_depth)
		return;
	malloc_owner = -1;
	arch_spin_unlock(&malloc_spin);
}

int write(int fd, const char *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, len);
	return (int)len;
}

int read(int fd, char *buf, size_t len)
{
	errno = EBADF;
	return -1;
}

void _exit(int code)
{
	hv_printf("hypervisor: exit(%d) called\n", code);
	cpu_fatal_park();
}
