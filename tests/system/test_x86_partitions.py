"""x86-64 port, milestone 2 (issue 16, docs/x86.md): partitions run on AMD SVM with nested
paging. The demo config's two hello guests (partitions/hello, the same source as PowerPC's, on
the shared runtime) print through their console byte channels (VMMCALL hypercalls) and exit
through BH_GUEST_EXIT; a guest access outside its memory is an isolation fault that stops only
its own partition. Negative control: the test image with bulkhead.mutate=npt-extra (the nested tables
map 2 MiB past the partition, onto the next partition's memory) lets the access through, and
the isolation check fails."""
import re
import shutil

import pytest

from qemu_console import ROOT

X86_ELF = ROOT / "build" / "x86" / "bulkhead.elf32"
X86_TEST_ELF = ROOT / "build" / "x86" / "bulkhead-test.elf32"
HELLO = ROOT / "build" / "x86" / "partitions" / "hello.elf"
X86_GUESTS = ROOT / "build" / "x86" / "partitions"   # the x86-only guests (partitions/fpu, irq)
DEMO = ROOT / "dts" / "qemu-q35" / "demo.dts"
OUTSIDE = 0x4000000     # the first guest-physical byte past p0's 64 MiB

pytestmark = pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None,
                                reason="qemu-system-x86_64 is not installed "
                                       "(scripts/deps.sh installs qemu-system-x86)")


@pytest.fixture
def x86(qemu):
    for f in (X86_ELF, X86_TEST_ELF, HELLO):
        if not f.is_file():
            pytest.fail(f"{f} is missing: run 'make ARCH=x86 all build/x86/bulkhead-test.elf32' "
                        "(make check builds them)")

    def start(*args):
        return qemu("--arch", "x86", "--direct", *args)
    return start


def test_x86_demo_partitions_print_through_byte_channels(x86):
    con = x86()
    out = con.wait_ready()
    assert re.search(r"(?m)^config   \d+ bytes  2 partitions: p0 p1$", out)
    for part, count in (("p0", 3), ("p1", 5)):
        hello = con.wait_line(rf"\[{part}\] hello from {part}")
        for k in range(1, count + 1):
            con.wait_line(rf"\[{part}\] tick {k}", since=hello.start())
        con.wait_line(rf"\[{part}\] exit 0", since=hello.start())
        con.wait_line(rf"partition {part}: exited with code 0", since=hello.start())
    listing = con.command("list")
    assert re.search(r"(?m)^1\s+p0\s+stopped\s+1\s+64 MiB", listing)
    assert re.search(r"(?m)^2\s+p1\s+stopped\s+2\s+64 MiB", listing)
    assert "isolation fault" not in con.output


def images():
    """The demo's guest images (the launcher preloads them only for the demo config itself)."""
    return ("--image", f"{HELLO}@0x18000000", "--image", f"{HELLO}@0x18800000")


def fault_config(tmp_path):
    """The demo with p0 reading guest-physical OUTSIDE after one tick, p1 ticking forever."""
    text = DEMO.read_text()
    text = text.replace('bootargs = "count=3";', f'bootargs = "count=1 fault={OUTSIDE:#x}";')
    text = text.replace('bootargs = "count=5";', 'bootargs = "count=0 interval=100";')
    cfg = tmp_path / "x86-fault.dts"
    cfg.write_text(text)
    return cfg


def check_isolation(con):
    """p0's access outside its memory stops p0 with an isolation fault; p1 runs on."""
    fault = con.wait_line(rf"partition p0: isolation fault on vcpu 0: access to guest physical "
                          rf"{OUTSIDE:#x} outside its memory \(nested page fault, error "
                          r"0x[0-9a-f]+\) at rip 0x[0-9a-f]+", timeout=10)
    con.wait_line(r"partition p0: stopped \(isolation fault\)", since=fault.start())
    # p1 still prints after p0's fault: two more ticks from after that line.
    tick = con.wait_line(r"\[p1\] tick \d+", since=fault.end())
    con.wait_line(r"\[p1\] tick \d+", since=tick.end())
    assert not re.search(r"(?m)^\[p0\] hello: read 0x[0-9a-f]+", con.output), "p0's read went through"
    listing = con.command("list")
    assert re.search(r"(?m)^1\s+p0\s+stopped", listing), listing
    assert re.search(r"(?m)^2\s+p1\s+running", listing), listing


def test_x86_access_outside_memory_stops_only_that_partition(x86, tmp_path):
    con = x86("--config", fault_config(tmp_path), *images())
    con.wait_ready()
    con.wait_line(rf"\[p0\] hello: loading from {OUTSIDE:#010x}")
    check_isolation(con)


def test_negative_control_npt_extra(x86, tmp_path):
    con = x86("--elf", X86_TEST_ELF, "--config", fault_config(tmp_path), *images(),
              "--append", "bulkhead.mutate=npt-extra")
    con.expect_line(r"TEST IMAGE: protections broken on purpose: npt-extra")
    con.wait_ready()
    # p0 reads p1's memory through the extra mapping and carries on.
    con.wait_line(r"\[p0\] hello: read 0x[0-9a-f]+")
    con.wait_line(r"\[p0\] exit 0")
    with pytest.raises(AssertionError):
        check_isolation(con)


def test_x86_stop_start_and_restart_from_the_shell(x86, tmp_path):
    """A partition spinning in guest context leaves it on a stop (the kick IPI is a physical
    interrupt: #VMEXIT(INTR)), starts again from its image, and a restart does both."""
    cfg = tmp_path / "x86-forever.dts"
    cfg.write_text(DEMO.read_text().replace('bootargs = "count=5";', 'bootargs = "count=0 interval=100";'))
    con = x86("--config", cfg, *images())
    con.wait_ready()
    con.wait_line(r"\[p1\] tick 2")
    assert "partition p1: stopped (stopped from the console)" in con.command("stop p1")
    assert re.search(r"(?m)^2\s+p1\s+stopped", con.command("list"))
    mark = len(con.output)
    con.command("start p1")
    con.wait_line(r"partition p1: started on cpu 2", since=mark)
    con.wait_line(r"\[p1\] hello from p1", since=mark)
    con.wait_line(r"\[p1\] tick 1", since=mark)
    mark = len(con.output)
    con.command("restart p1")
    con.wait_line(r"partition p1: stopped \(restart\)", since=mark)
    con.wait_line(r"\[p1\] hello from p1", since=mark)
    assert re.search(r"(?m)^2\s+p1\s+running", con.command("list"))


def test_x86_virtual_pic_interrupt_reaches_the_guest(x86, tmp_path):
    """The virtual PIC on x86: p0 (the irq guest) unmasks its console channel's receive
    interrupt and halts; each line typed into its console comes back through an interrupt at
    vector 0x20 (IACK, receive, EOI), and only then: the guest does nothing else. p1 ticks on."""
    irq = X86_GUESTS / "irq.elf"
    cfg = tmp_path / "x86-irq.dts"
    cfg.write_text(DEMO.read_text().replace('bootargs = "count=5";', 'bootargs = "count=0 interval=100";'))
    con = x86("--config", cfg, "--image", f"{irq}@0x18000000", "--image", f"{HELLO}@0x18800000")
    con.wait_ready()
    con.wait_line(r"\[p0\] irq: ready, receive interrupt \d+")
    assert "irq: got" not in con.output       # no line before one is typed
    con.child.send("console p0\r")
    con.expect_exact("console: attached to p0")
    con.child.send("first\r")
    con.expect_line(r"\[p0\] irq: got first \(\d+ interrupts\)")
    con.child.send("second line\r")
    m = con.expect_line(r"\[p0\] irq: got second line \((\d+) interrupts\)")
    assert int(m.group(1)) >= 2
    con.child.send("\x1d")
    con.expect_exact("bulkhead> ")
    con.wait_line(r"\[p1\] tick 3")
    assert "isolation fault" not in con.output


def fpu_runs(x86, tmp_path, *launcher):
    """Boot the fpu guest as p0, let it run, restart it; the two "fpu: start" reports
    (xmm0, x87 control word) and the first run's "after N hypercalls" report."""
    fpu = X86_GUESTS / "fpu.elf"
    cfg = tmp_path / "x86-fpu.dts"
    cfg.write_text(DEMO.read_text().replace('bootargs = "count=5";', 'bootargs = "count=0 interval=100";'))
    con = x86("--config", cfg, "--image", f"{fpu}@0x18000000", "--image",
              f"{HELLO}@0x18800000", *launcher)
    con.wait_ready()
    first = con.wait_line(r"\[p0\] fpu: start xmm0 (0x[0-9a-f]+) fcw (0x[0-9a-f]+)")
    kept = con.wait_line(r"\[p0\] fpu: after 1000 hypercalls xmm0 (0x[0-9a-f]+) fcw (0x[0-9a-f]+)")
    mark = len(con.output)
    con.command("restart p0")         # the guest halts after its report
    con.wait_line(r"partition p0: stopped \(restart\)", since=mark)
    again = con.wait_line(r"\[p0\] fpu: start xmm0 (0x[0-9a-f]+) fcw (0x[0-9a-f]+)", since=mark)
    return con, first.groups(), kept.groups(), again.groups()


INITIAL_FPU = ("0x00000000", "0x0000037f")     # xmm0, FCW after FNINIT (reset gives 0x0040)
PATTERN_FPU = ("0x5eed0001", "0x0000027f")     # what partitions/fpu leaves


def test_x86_partition_starts_with_clean_fpu_state(x86, tmp_path):
    """x87/SSE registers are not in the VMCB: a partition's values stay in its CPU across
    exits (positive control: 1000 hypercalls later they are unchanged) and a new run of the
    partition finds the initial state, not the previous run's pattern."""
    con, first, kept, again = fpu_runs(x86, tmp_path)
    assert first == INITIAL_FPU
    assert kept == PATTERN_FPU
    assert again == INITIAL_FPU
    assert "isolation fault" not in con.output


def test_negative_control_fpu_keep(x86, tmp_path):
    """bulkhead.mutate=fpu-keep (no FXRSTOR of the initial state at a vCPU's start): the second
    run finds the first run's pattern, so the test above would fail."""
    con, first, kept, again = fpu_runs(x86, tmp_path, "--elf", X86_TEST_ELF,
                                       "--append", "bulkhead.mutate=fpu-keep")
    assert kept == PATTERN_FPU
    assert again == PATTERN_FPU
