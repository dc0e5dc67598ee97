/* newlib_stubs.c - the system calls newlib needs that mean the same in the hypervisor and in
 * the test guests (both link this file): the heap is the area the linker script puts between
 * __heap_start and __heap_end, and there are no files. Output, input and exit differ and stay
 * with each program (hv/core/libc_glue.c, partitions/lib/libc.c). newlib's PowerPC build uses the
 * plain names (MISSING_SYSCALL_NAMES). */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

extern char __heap_start[], __heap_end[];
static char *heap_top = __heap_start;

void *sbrk(ptrdiff_t incr)
{
	char *old = heap_top;

	if (incr > __heap_end - heap_top || incr < __heap_start - heap_top) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_top += incr;
	return old;
}

int close(int fd)
{
	errno = EBADF;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	st->st_mode = S_IFCHR;
	return 0;
}

int isatty(int fd)
{
	return fd <= 2;
}

int lseek(int fd, int off, int whence)
{
	errno = ESPIPE;
	return -1;
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	errno = EINVAL;
	return -1;
}
