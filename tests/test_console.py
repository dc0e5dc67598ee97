"""The hypervisor shell on one wire with every partition console (issue 7, docs/console.md):
script mode framing, one-line JSON under partition noise, help/log/loglevel/trees/reset, and
"console P" attaching the input to exactly one partition, from a raw socket and through
"bhctl console". QEMU's console is a unix socket (tests/hvsock.py)."""
import json
import re

import pexpect
import pytest

from hvsock import DETACH, PROMPT, QUIT, sockhv, sockhv_module  # noqa: F401
from partcfg import partition

COMMANDS = ["help", "version", "cpus", "list", "info", "start", "stop", "restart", "console",
            "gdb", "stats", "gdt", "hdt", "cdt", "devices", "dma", "mem", "log", "loglevel", "reset"]


@pytest.fixture(scope="module")
def echoes(sockhv_module):  # noqa: F811
    """Two echo partitions and a chatty one (a line every millisecond)."""
    hv = sockhv_module([partition("e1", "echo", 1), partition("e2", "echo", 2),
                        partition("noisy", "hello", 3, bootargs="count=0 interval=1")])
    for name in ("e1", "e2", "noisy"):
        hv.wait_state(name, "running")     # starts are asynchronous
    return hv


def test_help_lists_every_command_with_its_usage(echoes):
    con = echoes.raw()
    con.sync()
    out = con.command("help")
    names = re.findall(r"(?m)^  (\S+)", out)
    assert names == COMMANDS
    assert con.command("help stats") == ("usage: stats [PARTITION] [--clear] [--json]\n"
                                         "  traps by reason, hypercalls by number, faults; "
                                         "--clear zeroes them\n")
    con.close()


def test_script_mode_frames_output_and_status(echoes):
    con = echoes.raw()
    con.sync()
    reply = con.script("stop nosuch")
    # echo and reply are one write: no partition line between them, though "noisy" prints
    # every millisecond (its lines may follow before the prompt)
    assert reply == {"cmd": "stop", "out": "stop: no partition 'nosuch' (see 'list')\n",
                     "rc": -2, "err": "ENOENT"}
    reply = con.script("loglevel")
    assert reply == {"cmd": "loglevel", "out": "loglevel info\n", "rc": 0, "err": None,
                     "loglevel": "info"}
    con.close()


def test_json_stays_one_line_among_partition_lines(echoes):
    con = echoes.raw()
    con.sync()
    for cmd in ["list --json", "info e2 --json", "stats --json", "version --json"] * 5:
        reply = con.script(cmd)                 # whole, though "[noisy] tick" lines abound
        assert reply["rc"] == 0 and reply["out"].count("\n") == 1, reply
        obj = json.loads(reply["out"])          # --json: the human output is one object too
        assert "partitions" in obj or obj["arch"] == "powerpc"
        assert set(obj) <= set(reply)           # and the same fields are the reply's data
    assert re.search(r"\[noisy\] tick \d+\n", echoes.log_text())   # it was chatty meanwhile
    con.close()


def test_console_attach_sends_input_to_one_partition_only(echoes):
    con = echoes.raw()
    con.sync()
    con.send("console e1\r")
    con.expect_exact("console: attached to e1 (running); type Ctrl-] to return to the shell")
    con.send("ping one\r")
    con.expect(r"\[e1\] echo: ping one\r*\n")   # the whole line, not the open one
    con.send(DETACH)
    con.expect_exact("console: detached from e1, back to the shell")
    con.expect_exact(PROMPT)
    con.send("console e2\r")
    con.expect_exact("console: attached to e2 (running)")
    con.send("pong two\r")
    con.expect(r"\[e2\] echo: pong two\r*\n")
    con.send(DETACH)
    con.expect_exact(PROMPT)
    # typed at the shell, not at a partition: a command like any other
    assert con.command("ping") == "unknown command 'ping' (try 'help')\n"
    con.close()
    log = echoes.log_text()
    # each echo partition answered only what was typed while it was attached ("echo: ready"
    # may have been printed while no client was connected); a line shown open and closed
    # by another line ends in a blank and comes again whole (docs/console.md): not counted
    def answers(label):
        return [l for l in re.findall(rf"\[{label}\] (echo: [^\r\n]*?)(?<! )\r*\n", log)
                if l != "echo: ready"]
    assert answers("e1") == ["echo: ping one"]
    assert answers("e2") == ["echo: pong two"]


def test_bhctl_console_attaches_and_detaches(echoes):
    child = echoes.spawn_bhctl("console", "e2")
    try:
        child.expect_exact("Ctrl-] returns from a partition's console to the shell, "
                           "Ctrl-\\ leaves bhctl.")
        child.expect_exact("console: attached to e2 (running); type Ctrl-] to return to the "
                           "shell")
        child.send("through bhctl\r")
        child.expect_exact("[e2] echo: through bhctl")
        child.send(DETACH)
        child.expect_exact("console: detached from e2, back to the shell")
        child.expect_exact(PROMPT)
        child.send("cpus\r")
        child.expect(r"cpu 0  online")
        child.send(QUIT)
        child.expect_exact("bhctl: left the console")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "[e1] echo: through bhctl" not in echoes.log_text()


def test_bhctl_leaves_a_partition_console_before_a_command(echoes):
    child = echoes.spawn_bhctl("console", "e1")
    try:
        child.expect_exact("console: attached to e1")
        child.send(QUIT)                        # leaves bhctl, e1 stays attached
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "e1" in echoes.bhctl_ok("list")      # Ctrl-] first: the shell answers
    assert "[e1] echo: list" not in echoes.log_text()


def test_log_keeps_hypervisor_messages_not_partition_lines(echoes):
    con = echoes.raw()
    con.sync()
    out = con.command("log 64")
    lines = [l for l in out.splitlines() if not l.startswith("[")]
    assert lines, out
    for l in lines:
        assert re.fullmatch(r" *\d+ +\d+\.\d{3} (err|warn|info|debug) +\S.*", l), l
    seqs = [int(l.split()[0]) for l in lines]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    msgs = [l.split(None, 3)[3] for l in lines]
    assert "partition e1: started on cpu 1" in msgs
    assert "hypervisor ready" in msgs
    assert not any("tick" in m or m.startswith("[") for m in msgs)
    assert con.command("loglevel warn") == "loglevel warn\n"
    assert con.command("loglevel") == "loglevel warn\n"
    # info messages are recorded but not printed now; partition lines still are
    assert con.command("restart e2") == ""
    assert "partition e2: stopped (restart)" in con.command("log 5")
    assert con.command("loglevel info") == "loglevel info\n"
    con.close()
    echoes.wait_state("e2", "running")          # the restart's start is asynchronous
    assert echoes.bhctl_ok("stop", "e2") == \
        "partition e2: stopped (stopped from the console)\n"
    assert echoes.bhctl_ok("start", "e2") == "partition e2: started on cpu 2\n"


def test_trees(echoes):
    con = echoes.raw()
    con.sync()
    hdt = con.command("hdt")
    assert hdt.startswith("/ {\n") and "fsl,has-rstcr;" in hdt
    cdt = con.command("cdt")
    assert '  compatible = "fsl,hv-config", "bulkhead,config-1";' in cdt
    gdt = con.command("gdt e1")
    assert re.search(r'(?m)^\s+guest-name = "e1";$', gdt) or 'guest-name = "e1"' in gdt
    con.close()


def test_reset_restarts_the_system(sockhv):  # noqa: F811
    hv = sockhv([partition("p0", "echo", 1, no_auto_start=True)])
    con = hv.raw()
    con.sync()
    # no partition prints: typed commands are echoed character by character, undisturbed
    assert re.fullmatch(r"cpu 0  online +heartbeat \d+\n(cpu [123]  online +heartbeat \d+\n){3}",
                        con.typed("cpus"))
    con.send("typo\x7f\x7f\x7f\x7fversion\r")      # backspace edits the line
    con.expect_exact("version\r\n")
    con.expect(r"Bulkhead \S+ \(powerpc\)\r\n")
    con.expect_exact(PROMPT)
    con.send("reset\r")
    con.expect_exact("reset: resetting the system")
    con.expect(r"Bulkhead \S+ \(powerpc\) - partitioning hypervisor")
    con.expect_exact("config   ")
    con.expect_exact("hypervisor ready")
    con.expect_exact(PROMPT)
    con.close()
    assert hv.states() == {"p0": "stopped"}
    assert hv.bhctl_ok("start", "p0") == "partition p0: started on cpu 1\n"
