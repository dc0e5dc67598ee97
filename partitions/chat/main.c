/* chat - talks to another partition over a byte channel, both ways: sends count lines
 * "msg K from NAME", prints every line it receives as "recv: ...", and passes when it has
 * sent and received count lines. bootargs: chan=LABEL (default "peer"), count=N (default 3). */
#include <stdio.h>
#include <string.h>
#include <guest/guest.h>

#define LINE_MAX_LEN 80

/* Collect received bytes into lines; returns the number of complete lines seen so far. */
static unsigned int receive_lines(uint32_t handle, char *line, size_t *len)
{
	static unsigned int lines;
	uint8_t buf[EV_BYTE_CHANNEL_MAX_BYTES];
	uint32_t got = 0;

	if (bc_receive(handle, buf, sizeof(buf), &got) != EV_SUCCESS)
		return lines;
	for (uint32_t i = 0; i < got; i++) {
		if (buf[i] == '\n') {
			line[*len] = '\0';
			printf("recv: %s\n", line);
			*len = 0;
			lines++;
		} else if (*len < LINE_MAX_LEN - 1) {
			line[(*len)++] = (char)buf[i];
		}
	}
	return lines;
}

int main(void)
{
	char chan[32] = "peer", msg[LINE_MAX_LEN], line[LINE_MAX_LEN];
	uint64_t count = guest_arg_u64("count", 3);
	size_t len = 0;
	unsigned int sent = 0;
	int handle;

	guest_arg_str("chan", chan, sizeof(chan));
	handle = guest_bc_find(chan);
	if (handle < 0) {
		printf("FAIL: chat: no byte channel labelled \"%s\"\n", chan);
		return 1;
	}
	printf("chat: channel \"%s\" is handle %d\n", chan, handle);
	while (sent < count || receive_lines((uint32_t)handle, line, &len) < count) {
		if (sent < count) {
			snprintf(msg, sizeof(msg), "msg %u from %s\n", sent + 1,
				 guest_boot.guest_name);
			if (bc_write_all((uint32_t)handle, msg, strlen(msg)) != EV_SUCCESS) {
				printf("FAIL: chat: send failed\n");
				return 1;
			}
			sent++;
		}
	}
	printf("PASS: chat: sent %u and received %u lines\n", sent, (unsigned)count);
	return 0;
}
