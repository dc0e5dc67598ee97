/* libc.c - the system calls newlib needs (newlib's PowerPC build uses the plain names):
 * output to the guest console, a heap after the stacks (guest.ld), exit = guest_exit. */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <guest/guest.h>

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

int write(int fd, const char *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	guest_console_write(buf, len);
	return (int)len;
}

/* Blocks until at least one byte arrives. */
int read(int fd, char *buf, size_t len)
{
	size_t n = 0;
	int c;

	if (fd != 0) {
		errno = EBADF;
		return -1;
	}
	while (n < len) {
		c = guest_console_getc();
		if (c < 0) {
			if (n)
				break;
			continue;
		}
		buf[n++] = (char)c;
	}
	return (int)n;
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

void _exit(int code)
{
	guest_exit(code);
}
