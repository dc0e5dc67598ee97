/* shell.c - the shell's "gdb P [N]": the console input goes to partition P's gdb stub
 * (its N-th gdb-stub node, default the first) until Ctrl-]; bhctl gdb drives it. */
#include <stdlib.h>
#include <hv/err.h>
#include <hv/gdb.h>
#include <hv/partition.h>
#include <hv/shell.h>
#include "../shell/priv.h"

int cmd_gdb(int argc, char **argv)
{
	struct sh_args a;
	struct partition *p;
	struct byte_chan *c;
	unsigned long n = 0;
	unsigned int ch;
	char *end = NULL;
	int err = shell_args(argc, argv, 0, 1, 2, &a);

	if (err)
		return err;
	if (a.npos == 2) {
		n = strtoul(a.pos[1], &end, 10);
		if (*end || n > 255)
			return shell_usage(argv[0]);
	}
	p = shell_find_partition("gdb", a.pos[0]);
	if (!p)
		return -HV_ENOENT;
	if (gdb_attach(p, (unsigned int)n, &c, &ch)) {
		sh_printf("gdb: %s has no gdb-stub %lu (see docs/gdb.md)\n", p->name, n);
		return -HV_ENODEV;
	}
	sh_printf("gdb: attached to the stub of %s on mux channel %u (%s); its lines are "
		  "\"%%gdb:%u ...\"; type Ctrl-] to return to the shell\n",
		  p->name, ch, part_state_name(p->state), ch);
	if (sh_data_begin()) { /* the reply's data (bhctl gdb reads the channel) */
		sh_printf(",\"partition\":\"%s\",\"channel\":%u", p->name, ch);
		sh_data_end();
	}
	shell_attach(p, c);
	return 0;
}
