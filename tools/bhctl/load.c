/* load.c - read a device tree: a .dtb as is, a .dts through dtc. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bhctl.h"

static void *read_all(int fd, size_t *size)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb)
				break;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			*size = len;
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

static bool is_dts(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".dts");
}

/* dtc -q -I dts -O dtb path, its output read from a pipe. */
static void *run_dtc(const char *path, size_t *size)
{
	int fds[2], status;
	pid_t pid;
	void *blob;

	if (pipe(fds))
		return NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", path, (char *)NULL);
		perror("bhctl: dtc");
		_exit(127);
	}
	close(fds[1]);
	blob = pid > 0 ? read_all(fds[0], size) : NULL;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "%s: dtc could not compile it\n", path);
		free(blob);
		return NULL;
	}
	return blob;
}

void *bhctl_load_tree(const char *path, size_t *size)
{
	FILE *f;
	void *blob;

	if (is_dts(path))
		return run_dtc(path, size);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	blob = read_all(fileno(f), size);
	fclose(f);
	if (!blob)
		fprintf(stderr, "%s: read failed\n", path);
	return blob;
}
