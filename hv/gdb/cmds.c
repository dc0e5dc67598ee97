/* cmds.c - the remote-protocol commands the stub answers (docs/gdb.md lists them): each
 * gets one checksummed packet, copied out of the channel (never parsed where gdb wrote it),
 * checks every number and length against its bounds, and answers "E01" when it cannot. An
 * unknown command gets the empty reply (gdb's "not supported"). */
#include <string.h>
#include <hv/err.h>
#include "priv.h"

#define MEM_MAX ((GDB_OUT_MAX - 8) / 2) /* bytes one 'm' reply carries */

static void reply(struct gdb_stub *s, const char *text)
{
	gdb_out(s, "%s", text);
	gdb_send(s);
}

static void error(struct gdb_stub *s)
{
	reply(s, "E01");
}

/* The vCPU register and memory commands work on: Hg's thread, else the last stop's. */
static struct vcpu *current(struct gdb_stub *s)
{
	return gdb_thread_vcpu(s, s->gthread >= 0 ? s->gthread : s->stop_vcpu);
}

static void cmd_status(struct gdb_stub *s)
{
	if (!s->stopped) {
		gdb_halt_all(s);
		s->running = false;
	}
	gdb_stop_reply(s);
}

static void cmd_read_regs(struct gdb_stub *s)
{
	struct vcpu *v = current(s);
	struct trap_frame *tf = v ? gdb_frame(s, v) : NULL;
	uint8_t regs[GDB_REGS_MAX];

	if (!tf || gdb_arch_regs_size() > sizeof(regs))
		return error(s);
	gdb_arch_read_regs(v, tf, regs);
	gdb_out_hex(s, regs, gdb_arch_regs_size());
	gdb_send(s);
}

static void cmd_write_regs(struct gdb_stub *s, const char *arg, size_t len)
{
	struct vcpu *v = current(s);
	struct trap_frame *tf = v ? gdb_frame(s, v) : NULL;
	uint8_t regs[GDB_REGS_MAX];
	size_t n = gdb_arch_regs_size();

	if (!tf || n > sizeof(regs) || len != 2 * n || gdb_hex_decode(arg, n, regs))
		return error(s);
	gdb_arch_write_regs(v, tf, regs);
	reply(s, "OK");
}

/* p n / P n=value: one register, through the 'g' layout. */
static void cmd_one_reg(struct gdb_stub *s, const char *arg, bool write)
{
	struct vcpu *v = current(s);
	struct trap_frame *tf = v ? gdb_frame(s, v) : NULL;
	uint8_t regs[GDB_REGS_MAX];
	size_t off, size;
	uint64_t n;

	if (!tf || gdb_arch_regs_size() > sizeof(regs) || gdb_parse_hex(&arg, &n) || n > 0xffff ||
	    gdb_arch_reg_slot((unsigned int)n, &off, &size))
		return error(s);
	gdb_arch_read_regs(v, tf, regs);
	if (!write) {
		gdb_out_hex(s, regs + off, size);
		return gdb_send(s);
	}
	if (*arg != '=' || strlen(arg + 1) != 2 * size || gdb_hex_decode(arg + 1, size, regs + off))
		return error(s);
	gdb_arch_write_regs(v, tf, regs);
	reply(s, "OK");
}

/* "addr,len" then what follows (':' for M); lengths bounded by max. */
static int addr_len(const char **arg, uint64_t *addr, uint64_t *len, uint64_t max)
{
	if (gdb_parse_hex(arg, addr) || **arg != ',')
		return -HV_EINVAL;
	(*arg)++;
	if (gdb_parse_hex(arg, len) || *len > max)
		return -HV_EINVAL;
	return 0;
}

static void cmd_read_mem(struct gdb_stub *s, const char *arg)
{
	struct vcpu *v = current(s);
	uint8_t buf[MEM_MAX];
	uint64_t addr, len;

	if (!v || addr_len(&arg, &addr, &len, UINT64_MAX) || *arg)
		return error(s);
	if (len > MEM_MAX)
		len = MEM_MAX; /* a shorter reply is allowed: gdb asks for the rest */
	if (gdb_mem_read(v, addr, buf, (size_t)len))
		return error(s);
	gdb_out_hex(s, buf, (size_t)len);
	gdb_send(s);
}

static void cmd_write_mem(struct gdb_stub *s, const char *arg)
{
	struct vcpu *v = current(s);
	uint8_t buf[GDB_PKT_MAX / 2];
	uint64_t addr, len;

	if (!v || addr_len(&arg, &addr, &len, sizeof(buf)) || *arg++ != ':' ||
	    strlen(arg) != 2 * len || gdb_hex_decode(arg, (size_t)len, buf) ||
	    gdb_mem_write(v, addr, buf, (size_t)len))
		return error(s);
	reply(s, "OK");
}

/* c [addr] / s [addr]: resume at addr if given (the thread of Hc, else the current one). */
static int resume_at(struct gdb_stub *s, struct vcpu *v, const char *arg)
{
	struct trap_frame *tf = v ? gdb_frame(s, v) : NULL;
	uint64_t addr;

	if (!*arg)
		return 0;
	if (!tf || gdb_parse_hex(&arg, &addr) || *arg)
		return -HV_EINVAL;
	gdb_arch_set_pc(tf, addr);
	return 0;
}

static void cmd_continue(struct gdb_stub *s, const char *arg)
{
	if (resume_at(s, current(s), arg))
		return error(s);
	gdb_resume(s, -1);
}

/* Single step in software: a breakpoint on each place the instruction may go next, then only
 * that vCPU runs until it reaches one (docs/gdb.md, limits). */
static void cmd_step(struct gdb_stub *s, const char *arg)
{
	int idx = s->cthread >= 0 ? s->cthread : (s->gthread >= 0 ? s->gthread : s->stop_vcpu);
	struct vcpu *v = gdb_thread_vcpu(s, idx);
	struct trap_frame *tf = v ? gdb_frame(s, v) : NULL;
	uint64_t pcs[2];
	int n, planted = 0;

	if (!tf || resume_at(s, v, arg))
		return error(s);
	n = gdb_arch_next_pcs(v, tf, pcs);
	for (int i = 0; i < n; i++)
		planted += !gdb_bp_insert(s, v, pcs[i], BP_STEP);
	if (!planted)
		return error(s);
	s->stop_vcpu = idx;
	gdb_resume(s, idx);
}

/* Z0/z0 addr,kind: software breakpoints; Z1/z1 hardware ones (gdb/hwbp.c); watchpoints
 * (types 2-4) are not supported (empty reply). */
static void cmd_breakpoint(struct gdb_stub *s, const char *arg, bool insert)
{
	uint64_t addr, kind;
	char type = arg[0];
	int err;

	if ((type != '0' && (type != '1' || !gdb_arch_hw_breakpoints())) || arg[1] != ',')
		return reply(s, "");
	arg += 2;
	if (addr_len(&arg, &addr, &kind, 8) || (*arg && *arg != ';'))
		return error(s);
	if (type == '1')
		err = insert ? gdb_hw_insert(s, current(s), addr)
			     : gdb_hw_remove(s, current(s), addr);
	else
		err = insert ? gdb_bp_insert(s, current(s), addr, BP_USER)
			     : gdb_bp_remove(s, addr, BP_USER);
	if (err)
		return error(s);
	reply(s, "OK");
}

/* Thread ids are vCPU index + 1; 0 is "any", -1 "all". */
static int thread_arg(struct gdb_stub *s, const char *arg, int *idx)
{
	uint64_t tid;

	if (!strcmp(arg, "-1") || !strcmp(arg, "0")) {
		*idx = -1;
		return 0;
	}
	if (gdb_parse_hex(&arg, &tid) || *arg || !tid || !gdb_thread_vcpu(s, (int)(tid - 1)) ||
	    tid > PART_MAX_VCPUS)
		return -HV_EINVAL;
	*idx = (int)(tid - 1);
	return 0;
}

static void cmd_set_thread(struct gdb_stub *s, const char *arg)
{
	int idx;

	if ((arg[0] != 'g' && arg[0] != 'c') || thread_arg(s, arg + 1, &idx))
		return error(s);
	if (arg[0] == 'g')
		s->gthread = idx;
	else
		s->cthread = idx;
	reply(s, "OK");
}

static void cmd_thread_alive(struct gdb_stub *s, const char *arg)
{
	int idx;

	if (thread_arg(s, arg, &idx) || idx < 0)
		return error(s);
	reply(s, "OK");
}

static void cmd_detach(struct gdb_stub *s)
{
	gdb_detach(s);
	reply(s, "OK");
}

void gdb_handle(struct gdb_stub *s, char *pkt, size_t len)
{
	const char *arg = pkt + 1;

	switch (len ? pkt[0] : 0) {
	case '?':
		return cmd_status(s);
	case 'g':
		return cmd_read_regs(s);
	case 'G':
		return cmd_write_regs(s, arg, len - 1);
	case 'p':
		return cmd_one_reg(s, arg, false);
	case 'P':
		return cmd_one_reg(s, arg, true);
	case 'm':
		return cmd_read_mem(s, arg);
	case 'M':
		return cmd_write_mem(s, arg);
	case 'c':
		return cmd_continue(s, arg);
	case 's':
		return cmd_step(s, arg);
	case 'Z':
		return cmd_breakpoint(s, arg, true);
	case 'z':
		return cmd_breakpoint(s, arg, false);
	case 'H':
		return cmd_set_thread(s, arg);
	case 'T':
		return cmd_thread_alive(s, arg);
	case 'D':
		return cmd_detach(s);
	case 'k':
		gdb_detach(s);
		return; /* kill: the partition is left running, no reply */
	case 'q':
		return gdb_query(s, arg);
	default:
		return reply(s, "");
	}
}
