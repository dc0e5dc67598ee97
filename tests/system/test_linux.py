"""Unmodified Linux 6.1 as a partition (issue 13; docs/linux.md): the test kernel and
initramfs, configured the normal way (tests/linuxcfg.py), beside a hello partition on QEMU
ppce500 -smp 4 (the shell keeps CPU 0). Linux's console is ttyEHV0 on its console byte
channel; the tests type commands to its /init through `console l` and read its replies."""
import re

import pexpect
import pytest

from hvsock import sockhv  # noqa: F401 (fixture)

from guestrun import partition_lines
from linuxcfg import QEMU_MEM, config

TIMEOUT = 360     # a net for hangs only: Linux boots in ~15 s here, 5x that on a loaded host
INIT = r"\[l\] bulkhead-linux: init started \(pid 1\)"
READY = r"\[l\] bulkhead-linux: fp .*"          # the last line /init prints before its prompt
# /init's prompt "linux> " has no newline: while Linux's console is attached, the hypervisor
# console shows it as the open line, the echo of the typed command completes that line in
# place, and each reply is a line of its own.
REPLY = r"\[l\] bulkhead-linux: "


def wait_line(con, regex, since=0, timeout=TIMEOUT):
    return con.wait_line(regex, since, timeout)


def boot(qemu, tmp_path, ncpus=1, launcher=(), qemu_args=(), **kw):
    """Boot the Linux config (linuxcfg.config(**kw)) up to /init's prompt; launcher: more
    tools/run-qemu.sh options, qemu_args: more QEMU options."""
    dts, extra = config(ncpus=ncpus, **kw)
    cfg = tmp_path / "linux.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", "--mem", QEMU_MEM, *launcher, "--config", cfg, "--",
               *extra, *qemu_args, timeout=TIMEOUT)
    con.wait_ready()
    wait_line(con, INIT)
    wait_line(con, READY)
    return con


def attach(con):
    """Attach the shell's input to Linux's console and wait for /init's prompt (shown as the
    console's open line): what is typed then is not typed ahead of the previous command."""
    con.child.send("console l\r")
    con.expect_exact("console: attached to l")
    con.expect_exact("[l] linux> ")


def linux(con, command, reply):
    """Type command to Linux's /init (attached to its console) and wait for its reply line
    (regex after "bulkhead-linux: "); returns the match. Detaches afterwards."""
    start = len(con.output)
    attach(con)
    con.child.send(command + "\r")
    m = wait_line(con, REPLY + reply, since=start)
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    return m


@pytest.mark.parametrize("ncpus", [1, 2])
def test_linux_boots_beside_hello(qemu, tmp_path, ncpus):
    con = boot(qemu, tmp_path, ncpus)
    assert linux(con, "cpus", r"cpus (\d+)").group(1) == str(ncpus)
    assert linux(con, "uname", r"uname (.*)").group(1).startswith("Linux 6.1.")
    # the neighbour ran undisturbed
    assert "hello" in " ".join(partition_lines(con.output, "h")).lower()
    assert "isolation fault" not in con.output and "unexpected" not in con.output


def test_console_input_and_floating_point(qemu, tmp_path):
    con = boot(qemu, tmp_path)
    assert linux(con, "echo typed through the hypervisor", r"echo (.*)").group(1) == \
        "typed through the hypervisor"
    assert linux(con, "fp", r"fp (.*)").group(1) == "sqrt2=1.414213562 pi~3.141583"


def test_user_privileged_instruction_kills_only_the_process(qemu, tmp_path):
    con = boot(qemu, tmp_path)
    assert linux(con, "run /bin/privop", r"run /bin/privop: (.*)").group(1) == \
        "killed by signal 4"                                       # SIGILL, that process only
    assert linux(con, "run /bin/privop spr", r"run /bin/privop: (.*)").group(1) == \
        "killed by signal 4"
    assert linux(con, "echo alive", r"echo (.*)").group(1) == "alive"
    assert "partition l: stopped" not in con.output


def test_reboot_restarts_the_partition_and_halt_stops_it(qemu, tmp_path):
    con = boot(qemu, tmp_path)
    start = len(con.output)
    attach(con)
    con.child.send("reboot\r")
    wait_line(con, REPLY + "reboot", since=start)
    wait_line(con, INIT, since=start)
    wait_line(con, READY, since=start)
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    assert linux(con, "echo again", r"echo (.*)").group(1) == "again"
    start = len(con.output)
    attach(con)
    con.child.send("halt\r")
    wait_line(con, r"partition l: stopped.*", since=start)
    con.child.send("\x1d")
    assert re.search(r"(?m)^\d+\s+l\s+stopped", con.command("list"))


def test_bhctl_console_is_linuxs_terminal(sockhv):
    """`bhctl console l` as a user runs it: Linux's prompt shows before anything is typed (the
    attached partition's unfinished line), a command typed there runs, its echo and reply
    come back, and Ctrl-] returns to the hypervisor's shell."""
    hv = sockhv(None, built=config(), launcher=("--mem", QEMU_MEM))
    child = hv.spawn_bhctl("console", "l")
    try:
        child.expect_exact("console: attached to l", timeout=TIMEOUT)
        child.expect_exact("[l] linux> ", timeout=TIMEOUT)      # the prompt, no newline yet
        child.send("echo typed in bhctl\r")
        child.expect_exact("echo typed in bhctl\r\n", timeout=TIMEOUT)  # Linux's echo...
        assert child.before == ""                           # ...continues the prompt's line
        child.expect_exact("[l] bulkhead-linux: echo typed in bhctl", timeout=TIMEOUT)
        child.send("\x1d")
        child.expect_exact("console: detached from l, back to the shell", timeout=TIMEOUT)
        child.send("\x1c")
        child.expect(pexpect.EOF, timeout=TIMEOUT)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
