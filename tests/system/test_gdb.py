"""The gdb stub of a partition (docs/gdb.md): Debian's gdb-multiarch, in batch mode, debugs
the gdbtarget guest through `bhctl gdb` (TCP on 127.0.0.1 <-> the console wire <-> the stub in
the hypervisor): it breaks at a function, continues, reads a variable, steps, reads registers
and detaches; the guest then goes on ticking as before, and a second partition ticks all
along. Also: the stub's hostile-input bounds (bad checksums, an overlong packet, addresses
outside the partition) answered with NAKs and error replies, and gdb-wait-at-start."""
import re
import shutil
import subprocess

import pytest

from hvsock import BHCTL, SCRIPT, sockhv  # noqa: F401 (fixture)
from partcfg import GUESTS, ROOT, partition

GDB = shutil.which("gdb-multiarch")
ELF = GUESTS / "gdbtarget.elf"
CHANNEL = 9


def stub(wait=False, cpus="debug-cpus = <0 1>;"):
    return f"""
		gdb-stub {{
			compatible = "gdb-stub", "debug-stub";
			endpoint = <&mux>;
			mux-channel = <{CHANNEL}>;
			{cpus}
			{"gdb-wait-at-start;" if wait else ""}
		}};"""


def parts(wait=False):
    return [partition("dbg", "gdbtarget", 1, extra=stub(wait)),
            partition("other", "hello", 2, bootargs="count=0 interval=20")]


def ticks(text, label):
    return [int(k) for k in re.findall(rf"(?m)^\[{label}\] tick (\d+)", text)]


class Bridge:
    """bhctl gdb PARTITION --port 0 against hv; .port once it listens."""

    def __init__(self, hv, label="dbg"):
        self.hv = hv
        cmd = [str(BHCTL), "gdb", label, "--port", "0", "--socket", str(hv.sock_path),
               "--timeout", str(int(hv.timeout))]
        hv.log.write("\n$ " + " ".join(cmd[1:]) + "\n")
        # its stdout (every console line) goes to a file: a pipe nobody reads during the
        # session would fill up and hold the console (and so the stub's replies) back
        self.out_path = hv.log_path.with_suffix(".bhctl-gdb.out")
        self.out = open(self.out_path, "w+", encoding="utf-8", errors="replace")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        assert m, f"bhctl gdb did not listen: {line!r} {self.proc.stderr.read()!r}"
        self.port = int(m.group(1))

    def finish(self):
        _, err = self.proc.communicate(timeout=self.hv.timeout)
        self.out.seek(0)
        out = self.out.read()
        self.out.close()
        self.hv.log.write(out + err + f"(exit {self.proc.returncode})\n")
        self.hv.log.flush()
        assert self.proc.returncode == 0, err
        return out


def run_gdb(hv, port, commands, arch="powerpc:e500", elf=ELF):
    """gdb-multiarch -batch with these commands against the stub: its stdout (its stderr, with
    the protocol trace of "set debug remote 1", goes to the test's log)."""
    # gdb-multiarch 13 does not recognise the bare ELF's architecture by itself
    args = [GDB, "-nx", "-batch", "-ex", f"set architecture {arch}", "-ex", f"file {elf}",
            "-ex", "set pagination off", "-ex", f"set remotetimeout {int(hv.timeout)}",
            "-ex", "set debug remote 1", "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        args += ["-ex", c]
    hv.log.write("\n$ gdb-multiarch " + " ".join(args[1:]) + "\n")
    hv.log.flush()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL)
    try:
        out, err = p.communicate(timeout=hv.timeout * 4)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        hv.log.write(out + err)
        pytest.fail(f"gdb-multiarch did not finish within {hv.timeout * 4:g} s "
                    f"(log: {hv.log_path})")
    hv.log.write(out + err)
    hv.log.flush()
    return out


def wait_ticks(hv, label, beyond):
    """Console lines until partition label prints a tick above beyond; returns that tick."""
    con = hv.raw()
    try:
        while True:
            m = con.expect(rf"\[{label}\] tick (\d+)")
            if int(m.group(1)) > beyond:
                return int(m.group(1))
    finally:
        con.close()


def test_gdb_breaks_steps_reads_and_detaches(sockhv):
    # scripts/deps.sh installs gdb-multiarch: without it this is a failure, never a skip
    assert GDB, "gdb-multiarch is not installed (make deps installs it)"
    hv = sockhv(parts())
    first = wait_ticks(hv, "dbg", 2)
    bridge = Bridge(hv)
    try:
        out = run_gdb(hv, bridge.port, [
            "break gdb_tick", "continue", "print gdb_counter", "print k", "next", "next",
            "print gdb_counter", "info registers pc r1 lr", "info threads", "detach"])
    finally:
        console = bridge.finish()
    hit = re.search(r"Breakpoint 1, gdb_tick \(k=(?:k@entry=)?(\d+)\)", out)
    assert hit, out
    k = int(hit.group(1))
    assert k > first
    values = [int(v) for v in re.findall(r"(?m)^\$\d+ = (\d+)$", out)]
    assert values == [k - 1, k, k], out    # before the store, the argument, after the step
    assert re.search(r"(?m)^pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <gdb_tick\+\d+>", out), out
    assert re.search(r"(?m)^r1\s+0x[0-9a-f]+", out), out
    assert re.search(r"Thread 1 ", out), out
    assert "[Inferior 1 (Remote target) detached]" in out, out
    # the second partition ticked while gdb held the first
    assert len(ticks(console, "other")) >= 2, console
    # the debugged guest goes on where it was held, unaffected
    assert wait_ticks(hv, "dbg", k + 2) > k + 2
    con = hv.raw()
    con.sync()
    assert re.search(r"(?m)^1\s+dbg\s+running\s", con.command("list"))
    con.close()


def break_twice(hv, command):
    """gdb with `command gdb_tick` (break or hbreak): two hits, a step, then whether the code
    the guest read just before the second hit was its own (gdb_code == gdb_code0)."""
    first = wait_ticks(hv, "dbg", 2)
    bridge = Bridge(hv)
    try:
        out = run_gdb(hv, bridge.port, [
            f"{command} gdb_tick", "continue", "print k", "continue", "next", "print k",
            "print gdb_code == gdb_code0", "delete", "detach"])
    finally:
        console = bridge.finish()
    values = [int(v) for v in re.findall(r"(?m)^\$\d+ = (\d+)$", out)]
    assert len(values) == 3 and values[0] > first and values[1] == values[0] + 1, out
    assert "[Inferior 1 (Remote target) detached]" in out, out
    assert len(ticks(console, "other")) >= 2, console
    # the guest goes on, unaffected, from where it was held
    assert wait_ticks(hv, "dbg", values[1] + 2) > values[1] + 2
    return values[2] == 1


def test_gdb_hardware_breakpoint_stops_without_touching_guest_code(sockhv):
    """hbreak (Z1): the stub emulates an instruction address compare; nothing is written into
    guest memory, so the guest reads its own code while gdb's breakpoint is armed."""
    assert GDB, "gdb-multiarch is not installed (make deps installs it)"
    assert break_twice(sockhv(parts()), "hbreak")


def test_gdb_software_breakpoint_is_seen_by_the_guest(sockhv):
    """Positive control of the test above: the same session with break (Z0) does change the
    code the guest reads, so the comparison can see a breakpoint written into memory."""
    assert not break_twice(sockhv(parts()), "break")


def test_gdb_hardware_breakpoint_negative_control(sockhv, hv_test_elf):
    """Test image with bulkhead.mutate=hwbp-soft (Z1 becomes a software breakpoint): the
    hardware breakpoint test's check must fail."""
    hv = sockhv(parts(), launcher=("--elf", str(hv_test_elf),
                                   "--append", "bulkhead.mutate=hwbp-soft"))
    assert not break_twice(hv, "hbreak")


def test_gdb_wait_at_start_holds_the_first_instruction(sockhv):
    hv = sockhv(parts(wait=True))
    bridge = Bridge(hv)
    try:
        out = run_gdb(hv, bridge.port, ["info registers pc", "print gdb_counter", "detach"])
    finally:
        console = bridge.finish()
    entry = int(subprocess.run(["powerpc-linux-gnu-readelf", "-h", str(ELF)], text=True,
                               capture_output=True).stdout.split("Entry point address:")[1]
                .split()[0], 16)
    assert re.search(rf"(?m)^pc\s+0x{entry:x}\s", out), out
    assert re.search(r"(?m)^\$1 = 0$", out), out
    assert not ticks(console, "dbg"), console     # nothing ran before gdb let it go
    assert wait_ticks(hv, "dbg", 1) > 1


def packet(data):
    return "$%s#%02x" % (data, sum(data.encode()) & 0xff)


def raw_stub(hv, label="dbg"):
    """A raw console connection attached to label's stub."""
    con = hv.raw()
    con.sync()
    con.send(SCRIPT + f"gdb {label}\r")   # attached: no prompt follows, gdb's bytes go to it
    # the script-mode reply: one JSON object, its data names the channel (docs/console.md)
    con.expect(r'\{"cmd":"gdb",[^\r\n]*"rc":0,[^\r\n]*"channel":' + str(CHANNEL) + r'\}\r*\n')
    return con


def test_gdb_stub_refuses_damaged_overlong_and_outside_requests(sockhv):
    hv = sockhv(parts())
    con = raw_stub(hv)
    pre = rf"%gdb:{CHANNEL} "
    con.send("$?#00")                                   # bad checksum: NAK, nothing run
    con.expect(pre + r"-\r\n")
    con.send(packet("?"))
    con.expect(pre + r"\+\$T05thread:1;#")
    con.send(packet("m" + "40000000,4"))                # beyond the partition's memory
    con.expect(pre + r"\+\$E01#")
    con.send(packet("mffffffffffffffffff,4"))           # a number too long
    con.expect(pre + r"\+\$E01#")
    con.send(packet("M100000,4:zzzzzzzz"))              # bad hex
    con.expect(pre + r"\+\$E01#")
    con.send(packet("Hg63"))                            # no such thread
    con.expect(pre + r"\+\$E01#")
    con.send(packet("Z1,100000,4"))                     # hardware breakpoints: two
    con.expect(pre + r"\+\$OK#")
    con.send(packet("Z1,100004,4"))
    con.expect(pre + r"\+\$OK#")
    con.send(packet("Z1,100008,4"))                     # a third: no comparator left
    con.expect(pre + r"\+\$E01#")
    con.send(packet("z1,100000,4"))
    con.expect(pre + r"\+\$OK#")
    con.send(packet("z1,100004,4"))
    con.expect(pre + r"\+\$OK#")
    con.send(packet("z1,100004,4"))                     # not there any more
    con.expect(pre + r"\+\$E01#")
    con.send(packet("Z2,100000,4"))                     # watchpoints: unsupported
    con.expect(pre + r"\+\$#00")
    con.send(packet("qfThreadInfo"))                    # one thread per debug-cpus vCPU
    con.expect(pre + r"\+\$m1#")
    con.send(packet("c"))                               # running: only the ack
    con.expect(pre + r"\+\r\n")
    con.send("\x03")                                    # Ctrl-C: every vCPU held, SIGINT
    con.expect(pre + r"\$T02thread:1;#")
    con.send(packet("D"))
    con.expect(pre + r"\+\$OK#")
    con.sync()
    assert re.search(r"(?m)^1\s+dbg\s+running\s", con.command("list"))
    con.close()
    assert wait_ticks(hv, "dbg", 3) > 3
    r = hv.bhctl("gdb", "other", "--port", "0")     # a partition without a stub
    assert r.returncode == 1
    assert "gdb: other has no gdb-stub 0 (see docs/gdb.md)" in r.stderr, r.stderr


def test_gdb_threads_are_the_vcpus(sockhv):
    """A stub without debug-cpus shows every vCPU of a two-vCPU partition as a thread."""
    hv = sockhv([partition("two", "smp", 1, ncpus=2, extra=stub(cpus=""))])
    con = raw_stub(hv, "two")
    pre = rf"%gdb:{CHANNEL} "
    con.send(packet("?"))
    con.expect(pre + r"\+\$T05thread:1;#")
    con.send(packet("qfThreadInfo"))
    con.expect(pre + r"\+\$m1,2#")
    con.send(packet("qsThreadInfo"))
    con.expect(pre + r"\+\$l#")
    for tid in (1, 2):
        con.send(packet(f"Hg{tid}"))
        con.expect(pre + r"\+\$OK#")
        con.send(packet("g"))                           # r0..r31, SPE halves, pc..xer, acc...
        con.expect(pre + r"\+\$([0-9a-f]{584})#")
        con.send(packet("T%x" % tid))
        con.expect(pre + r"\+\$OK#")
    con.send(packet("Hg3"))
    con.expect(pre + r"\+\$E01#")
    con.send(packet("D"))
    con.expect(pre + r"\+\$OK#")
    con.close()


def test_gdb_stub_naks_an_overlong_packet(sockhv):
    """A packet longer than the stub's bound is drained and NAKed, and the stub still answers
    (docs/reliability.md L7: the console takes input through the UART's FIFO, 14 characters
    per poll; one per poll made this packet take longer than the test's wait)."""
    hv = sockhv(parts())
    con = raw_stub(hv)
    con.send("$" + "m0,4" * 200 + "#00")                # longer than the packet bound
    con.expect(rf"%gdb:{CHANNEL} " + r"-\r\n")
    con.send(packet("?"))                               # the stub still answers
    con.expect(rf"%gdb:{CHANNEL} " + r"\+\$T05thread:1;#")
    con.send(packet("D"))
    con.expect(rf"%gdb:{CHANNEL} " + r"\+\$OK#")
    con.close()


X86_HELLO = ROOT / "build" / "x86" / "partitions" / "hello.elf"
X86_DEMO = ROOT / "dts" / "qemu-q35" / "demo.dts"


def elf32_bytes(path, addr, n):
    """n bytes at virtual address addr of a little-endian ELF32 file (its PT_LOAD segments)."""
    import struct
    data = path.read_bytes()
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    for i in range(phnum):
        typ, off, vaddr, _, filesz = struct.unpack_from("<5I", data, phoff + i * phentsize)
        if typ == 1 and vaddr <= addr < vaddr + filesz:
            return data[off + addr - vaddr:off + addr - vaddr + n]
    raise AssertionError(f"0x{addr:x} is in no segment of {path}")


def x86_hello_with_stub(sockhv):
    """The x86 demo with p0's hello ticking for ever and a gdb stub on p0's vCPU; (hv, the
    first tick seen, a bridge to the stub)."""
    assert GDB, "gdb-multiarch is not installed (make deps installs it)"
    dts = X86_DEMO.read_text().replace('bootargs = "count=3";', 'bootargs = "count=0 interval=100";')
    dts = dts.replace("""			mux-channel = <1>;
		};""", """			mux-channel = <1>;
		};
		gdb-stub {
			compatible = "gdb-stub", "debug-stub";
			endpoint = <&mux>;
			mux-channel = <3>;
			debug-cpus = <0 1>;
		};""", 1)
    hv = sockhv(None, built=(dts, []),
                launcher=("--arch", "x86", "--image", f"{X86_HELLO}@0x18000000",
                          "--image", f"{X86_HELLO}@0x18800000"))
    first = wait_ticks(hv, "p0", 1)
    return hv, first, Bridge(hv, "p0")


def x86_symbols():
    return dict((l.split()[2], int(l.split()[0], 16)) for l in subprocess.run(
        ["nm", str(X86_HELLO)], capture_output=True, text=True, check=True).stdout.splitlines()
        if len(l.split()) == 3)


def test_x86_gdb_reads_registers_and_memory_and_detaches(sockhv):
    """The stub on x86 (gdb's i386 target): gdb attaches to an x86 partition (held at once),
    reads eip, eflags and cs (eip inside the guest's code, cs the boot protocol's 0x08) and
    memory (main's first bytes equal the ELF's: the shared hello, partitions/hello), and detaches; the guest ticks on.
    Steps are refused on x86 for now (docs/gdb.md); breakpoints: the test below."""
    hv, first, bridge = x86_hello_with_stub(sockhv)
    try:
        out = run_gdb(hv, bridge.port, ["info registers eip eflags cs", "x/4xb main",
                                        "detach"], arch="i386", elf=X86_HELLO)
    finally:
        bridge.finish()
    syms = x86_symbols()
    eip = re.search(r"(?m)^eip\s+0x([0-9a-f]+)\s+0x[0-9a-f]+ <(\w+)", out)
    assert eip and int(eip.group(1), 16) >= syms["_start"] and eip.group(2) in syms, out
    assert re.search(r"(?m)^cs\s+0x8\s", out), out
    main = syms["main"]
    want = r"\s+".join(f"0x{b:02x}" for b in elf32_bytes(X86_HELLO, main, 4))
    assert re.search(rf"(?m)^0x{main:x} <main>:\s+{want}$", out), (want, out)
    assert "[Inferior 1 (Remote target) detached]" in out, out
    assert wait_ticks(hv, "p0", first + 2) > first + 2


def test_x86_gdb_breakpoint_stops_the_vcpu_there(sockhv):
    """A software breakpoint (Z0: INT3, taken through the INTn intercept, docs/gdb.md) on
    guest_console_write, which hello calls at every tick: the vCPU stops there (gdb reports
    breakpoint 1 with eip at the function), the breakpoint is removed (the original byte is
    back in guest memory: the positive control of the INT3 written there) and after the detach
    the guest ticks on."""
    hv, first, bridge = x86_hello_with_stub(sockhv)
    try:
        out = run_gdb(hv, bridge.port, ["break guest_console_write", "continue",
                                        "info registers eip", "delete", "x/1xb guest_console_write",
                                        "detach"], arch="i386", elf=X86_HELLO)
    finally:
        bridge.finish()
    syms = x86_symbols()
    fn = syms["guest_console_write"]
    assert re.search(r"Breakpoint 1(?:\.\d+)?, guest_console_write \(buf=", out), out
    assert re.search(rf"(?m)^eip\s+0x{fn:x}\s+0x{fn:x} <guest_console_write>", out), out
    byte = elf32_bytes(X86_HELLO, fn, 1)[0]
    assert byte != 0xcc and re.search(rf"(?m)^0x{fn:x} <guest_console_write>:\s+0x{byte:02x}$",
                                      out), out
    assert "[Inferior 1 (Remote target) detached]" in out, out
    assert wait_ticks(hv, "p0", first + 2) > first + 2

