/* libc.c - the guest's own part of the system calls newlib needs: output to and input from
 * the guest console, exit = guest_exit. The heap (after the stacks, guest.ld) and the
 * file-less rest are shared with the hypervisor: lib/newlib_stubs.c. */
#include <errno.h>
#include <stddef.h>
#include <guest/guest.h>

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

void _exit(int code)
{
	guest_exit(code);
}
