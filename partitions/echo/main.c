/* echo - reads its console byte channel and answers each line with "echo: <line>"; the line
 * "exit" ends it with code 0. For the console-attach tests (docs/console.md). Prints
 * "echo: ready" first, unless bootargs say quiet=1 (a peer that reads only the answers: the
 * byte channel to Linux's /dev/ttyEHV1, docs/linux.md). */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>

#define LINE_MAX_LEN 120

int main(void)
{
	char line[LINE_MAX_LEN + 1];
	size_t len = 0;
	int c;

	if (!guest_arg_u64("quiet", 0))
		printf("echo: ready\n");
	for (;;) {
		c = guest_console_getc();
		if (c < 0) {
			guest_udelay(1000); /* nothing typed: poll again in a while */
			continue;
		}
		if (c != '\r' && c != '\n') {
			if (len < LINE_MAX_LEN)
				line[len++] = (char)c;
			continue;
		}
		if (!len)
			continue;
		line[len] = '\0';
		len = 0;
		if (!strcmp(line, "exit"))
			return 0;
		printf("echo: %s\n", line);
	}
}
