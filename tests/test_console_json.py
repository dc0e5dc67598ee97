"""The management plane's machine-readable side (issue 14, docs/console.md "Script mode" and
"Events"): in script mode every shell command replies one JSON object on one line with an
integer rc, its error name and the command's data; partition state changes, faults and guest
exits come as JSON event lines, only while the console's lines are script-mode ones. And bhctl
reads nothing else: with the human wording changed (mutation "reword" of the test image) bhctl
start/stop/restart still work. QEMU's console is a unix socket (tests/hvsock.py)."""
import json
import re

import pytest

from hvsock import DETACH, PROMPT, ROOT, SCRIPT, events_in, sockhv, sockhv_module  # noqa: F401
from partcfg import partition

COMMANDS = ["help", "version", "cpus", "list", "info", "start", "stop", "restart", "console",
            "gdb", "stats", "gdt", "hdt", "cdt", "devices", "dma", "mem", "log", "loglevel", "reset"]


def parts():
    return [partition("p0", "hello", 1, bootargs="count=0 interval=50"),
            partition("p1", "echo", 2),
            partition("hb", "hcallbench", 3, bootargs="iters=100", no_auto_start=True)]


@pytest.fixture(scope="module")
def hv(sockhv_module):  # noqa: F811
    hv = sockhv_module(parts())
    hv.wait_state("p0", "running")
    hv.wait_state("p1", "running")
    return hv


@pytest.fixture
def con(hv):
    c = hv.raw()
    c.sync()
    yield c
    c.close()


def ok(con, line):
    r = con.script(line)
    assert (r["rc"], r["err"]) == (0, None), r
    return r


def test_every_reply_is_one_object_with_rc_and_out(con):
    for line in ["help", "help stats", "version", "cpus", "list", "info p1", "stats p1",
                 "gdt p1", "hdt", "cdt", "devices", "dma p1", "mem", "log 3", "loglevel"]:
        r = ok(con, line)
        assert r["cmd"] == line.split()[0] and isinstance(r["out"], str) and r["out"], r


def test_reply_data_of_each_command(con):
    assert [c["name"] for c in ok(con, "help")["commands"]] == COMMANDS
    assert ok(con, "help stats")["commands"] == [{
        "name": "stats", "usage": "stats [PARTITION] [--clear] [--json]",
        "help": "traps by reason, hypercalls by number, faults; --clear zeroes them"}]
    v = ok(con, "version")
    assert v["arch"] == "powerpc" and v["timebase_hz"] > 0 and v["uptime_ms"] > 0
    assert [(c["cpu"], c["state"]) for c in ok(con, "cpus")["cpus"]] == \
        [(i, "online") for i in range(4)]
    assert [(p["name"], p["state"]) for p in ok(con, "list")["partitions"]] == \
        [("p0", "running"), ("p1", "running"), ("hb", "stopped")]
    assert [p["name"] for p in ok(con, "info 2")["partitions"]] == ["p1"]
    s = ok(con, "stats p1")["partitions"]
    assert [p["name"] for p in s] == ["p1"] and s[0]["hcalls"] > 0
    assert ok(con, "stats hb --clear")["cleared"] == ["hb"]
    assert ok(con, "devices p1")["partitions"] == [
        {"id": 2, "name": "p1", "state": "running", "bad_device_calls": 0}]
    m = ok(con, "mem")
    assert m["heap"]["in_use"] > 0 and m["dma_sources"] == 0
    assert [h["name"] for h in m["handles"]] == ["p0", "p1", "hb"]
    log = ok(con, "log 3")["log"]
    assert len(log) == 3 and [e["seq"] for e in log] == list(range(log[0]["seq"],
                                                                    log[0]["seq"] + 3))
    assert all(e["level"] in ("err", "warn", "info", "debug") and e["msg"] for e in log)
    assert ok(con, "loglevel")["loglevel"] == "info"
    assert ok(con, "gdt p1")["out"].startswith("/ {\n")


def test_a_device_tree_is_one_reply(con):
    for line in ["hdt", "cdt", "gdt p0"]:
        r = ok(con, line)
        assert r["out"].startswith("/ {\n") and r["out"].endswith("};\n"), r


@pytest.mark.parametrize("line,rc,err", [
    ("stop nosuch", -2, "ENOENT"),
    ("bogus", -2, "ENOENT"),
    ("list extra", -22, "EINVAL"),
    ("stop hb", -1, "EPERM"),
    ("console", -22, "EINVAL"),
    ("gdt hb", -2, "ENOENT"),
])
def test_errors_have_a_named_code(con, line, rc, err):
    r = con.script(line)
    assert (r["rc"], r["err"]) == (rc, err) and r["out"], r


def test_stop_reply_names_the_partition_and_its_state(hv, con):
    r = con.script("stop hb")
    assert r["partition"] == {"id": 3, "name": "hb", "state": "stopped"}


def test_console_reply_then_detach(con):
    con.send(SCRIPT + "console p1\r")           # attached: no prompt after the reply
    m = con.expect(r'console p1\r\n(\{"cmd":[^\r\n]*)\r\n')
    r = json.loads(m.group(1))
    assert (r["rc"], r["partition"]) == (0, {"id": 2, "name": "p1", "state": "running"})
    con.send(DETACH)
    con.expect_exact("console: detached from p1, back to the shell")
    con.expect_exact(PROMPT)


def hb_events(con):
    """Events of hb up to its stop (it exits by itself when its loop is done)."""
    evs = [e for e in con.events if e["name"] == "hb"]
    while not any(e["event"] == "state" and e["state"] == "stopped" for e in evs):
        m = con.expect(r'\{"event":[^\r\n]*\r\n')
        evs += [e for e in events_in(m.group(0)) if e["name"] == "hb"]
    return evs


def test_state_events_of_a_start_and_exit(con):
    ok(con, "start hb")
    evs = hb_events(con)
    states = [(e["state"], e["why"]) for e in evs if e["event"] == "state"]
    assert states == [("starting", None), ("running", None), ("stopping", None),
                      ("stopped", None)]
    assert [e for e in evs if e["event"] == "exit"] == [
        {"event": "exit", "id": 3, "name": "hb", "code": 0}]
    assert evs[1]["cpus"] == [3]


def test_state_events_of_a_stop_and_restart(hv, con):
    ok(con, "restart p1")
    evs = [e for e in con.events if e["name"] == "p1"]
    while not any(e["state"] == "running" for e in evs):
        m = con.expect(r'\{"event":[^\r\n]*\r\n')
        evs += [e for e in events_in(m.group(0)) if e["name"] == "p1"]
    assert [(e["state"], e["why"]) for e in evs] == [
        ("stopping", "restart"), ("stopped", "restart"), ("starting", None), ("running", None)]


def test_fault_events_of_an_isolation_fault_and_a_watchdog(sockhv):  # noqa: F811
    """A guest that reads outside its memory: a fault event names it, its vCPU and the access,
    then its state events; a watchdog that expires: a fault event of kind "watchdog" with the
    action (the positive control is the state events each fault brings)."""
    hv = sockhv([partition("at", "attacker", 1, no_auto_start=True),
                 partition("wd", "wdog", 2, no_auto_start=True, bootargs="feeds=1",
                           extra="watchdog-timeout = <1000>; bulkhead,watchdog-action = \"stop\";")])
    con = hv.raw()
    con.sync()
    for name, kind in (("at", "isolation"), ("wd", "watchdog")):
        ok(con, "start " + name)
        evs = [e for e in con.events if e["name"] == name]
        while not any(e["event"] == "state" and e["state"] == "stopped" for e in evs):
            m = con.expect(r'\{"event":[^\r\n]*\r\n')
            evs += [e for e in events_in(m.group(0)) if e["name"] == name]
        faults = [e for e in evs if e["event"] == "fault"]
        assert [f["kind"] for f in faults] == [kind], evs
        assert [e["state"] for e in evs if e["event"] == "state"][-2:] == ["stopping", "stopped"]
        if kind == "isolation":
            assert faults[0]["vcpu"] == 0 and "0x" in faults[0]["msg"], faults
        else:
            assert faults[0]["vcpu"] is None and faults[0]["msg"] == "stop", faults
    con.close()


def test_no_events_for_typed_commands(hv, con):
    con.send("start hb\r")
    con.expect(r"partition hb: exited with code 0\r\n")
    before = con.child.before
    con.expect_exact(PROMPT)
    assert "partition hb: started on cpu 3" in before
    assert '{"event"' not in before + con.child.before


def test_bhctl_reads_no_human_text():
    """The files that talk to the hypervisor parse nothing with sscanf or strstr."""
    for name in ["cmd_ops.c", "cmd_console.c", "hv_conn.c", "hv_session.c", "start_wait.c"]:
        src = (ROOT / "tools" / "bhctl" / name).read_text()
        assert not re.search(r"\b(sscanf|strstr|atoi)\s*\(", src), name


@pytest.fixture
def reworded(sockhv, hv_test_elf):  # noqa: F811
    hv = sockhv(parts(), launcher=["--elf", str(hv_test_elf),
                                   "--append", "bulkhead.mutate=reword"])
    hv.wait_state("p0", "running")
    hv.wait_state("p1", "running")
    return hv


def test_bhctl_works_when_the_human_wording_changes(reworded):
    hv = reworded
    log = hv.bhctl_ok("shell", "log", "64")
    assert "PARTITION P0: STARTED ON CPU 1" in log and "partition p0: started" not in log
    assert hv.bhctl_ok("stop", "p0") == "PARTITION P0: STOPPED (STOPPED FROM THE CONSOLE)\n"
    assert hv.states()["p0"] == "stopped"
    assert hv.bhctl_ok("start", "p0") == "partition p0: started on cpu 1\n"
    assert hv.states()["p0"] == "running"
    assert hv.bhctl_ok("restart", "p1") == (
        "PARTITION P1: STOPPED (RESTART)\npartition p1: started on cpu 2\n")
    r = hv.bhctl("start", "p0")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == ("bhctl: START P0: NOT IN A STATE THAT ALLOWS IT (SEE 'LIST') "
                        "(RUNNING)\n")
    assert hv.bhctl_ok("start", "hb") == "partition hb: started on cpu 3\n"
    hv.wait_state("hb", "stopped")
    assert hv.bhctl_json("status", "hb")["partitions"][0]["exit_code"] == 0
