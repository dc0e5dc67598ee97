"""bhctl against a running hypervisor (issue 7, docs/console.md): QEMU's console is a unix
socket; bhctl list/status/start/stop/restart/stats/devices/dma/shell talk to the shell in
script mode. Guests from partitions/ (hello, echo, hcallbench), configs from partcfg."""
import os
import pty
import re
import select
import socket
import subprocess

import pytest

from hvsock import BHCTL, sockhv, sockhv_module  # noqa: F401 - fixtures
from partcfg import MEM_BASE, MEM_SIZE, partition

HB_ITERS = 1000


def three(sockhv):  # noqa: F811
    hv = sockhv([partition("p0", "hello", 1, bootargs="count=0 interval=20"),
                 partition("p1", "echo", 2),
                 partition("hb", "hcallbench", 3, bootargs=f"iters={HB_ITERS}",
                           no_auto_start=True)])
    hv.wait_state("p0", "running")      # starts are asynchronous (the partition's own CPU)
    hv.wait_state("p1", "running")
    return hv


@pytest.fixture
def hv(sockhv):  # noqa: F811
    """A hypervisor of its own: for tests that change partition states."""
    return three(sockhv)


@pytest.fixture(scope="module")
def shared(sockhv_module):  # noqa: F811
    """One hypervisor for the tests that leave every partition as it was."""
    return three(sockhv_module)


def test_list_shows_partitions_and_states(shared):
    out = shared.bhctl_ok("list")
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "STATE", "CPUS", "MEMORY", "UPTIME"]
    rows = [l.split() for l in lines[1:]]
    assert [r[:6] for r in rows] == [["1", "p0", "running", "1", "16", "MiB"],
                                     ["2", "p1", "running", "2", "16", "MiB"],
                                     ["3", "hb", "stopped", "3", "16", "MiB"]]
    assert re.fullmatch(r"\d+\.\d{3}", rows[0][6]) and rows[0][7] == "s"
    assert rows[2][6] == "-"


def test_list_json_is_one_object(shared):
    out = shared.bhctl_ok("list", "--json")
    assert out.count("\n") == 1
    parts = shared.bhctl_json("list")["partitions"]
    assert [(p["id"], p["name"], p["state"], p["cpus"]) for p in parts] == [
        (1, "p0", "running", [1]), (2, "p1", "running", [2]), (3, "hb", "stopped", [3])]
    for i, p in enumerate(parts):
        assert p["memory"] == [{"guest": 0, "host": MEM_BASE + i * MEM_SIZE,
                                "size": MEM_SIZE, "shared": False}]
        assert p["byte_channels"] == [{"handle": 0, "name": "console", "mux_channel": i + 1,
                                       "console": True}]
    assert parts[0]["uptime_ms"] > 0 and parts[2]["uptime_ms"] == 0
    assert [p["held_back"] for p in parts] == [None, None, None]


def test_status_of_one_partition(shared):
    out = shared.bhctl_ok("status", "p1")
    assert re.fullmatch(
        r"partition 2 p1: running, up \d+ ms\n"
        r"  cpus      2\n"
        r"  memory    guest 0x000000000-0x000ffffff -> host 0x011000000  16 MiB\n"
        r"  channel   0 console: uart mux 2 \(console\)\n"
        r"  exit code 0, faults 0, bad hypercalls 0\n", out), out
    assert [p["name"] for p in shared.bhctl_json("status", "3")["partitions"]] == ["hb"]


def test_stop_then_start_and_the_console_resumes(hv):
    assert hv.bhctl_ok("stop", "p0") == \
        "partition p0: stopped (stopped from the console)\n"
    assert hv.states() == {"p0": "stopped", "p1": "running", "hb": "stopped"}
    assert hv.bhctl_ok("start", "p0") == "partition p0: started on cpu 1\n"
    assert hv.states()["p0"] == "running"
    con = hv.raw()
    con.expect(r"\[p0\] tick \d+\r\n")     # its console prints again
    con.close()


def test_restart_runs_the_guest_again(hv):
    assert hv.bhctl_ok("restart", "p0") == (
        "partition p0: stopped (restart)\npartition p0: started on cpu 1\n")
    assert hv.states()["p0"] == "running"


def hb_stats(hv):
    return hv.bhctl_json("stats", "hb")["partitions"][0]


def by_name(entries):
    return {e["name"]: e["count"] for e in entries}


def test_stats_count_the_hypercalls_of_a_run(hv):
    s = hb_stats(hv)
    assert (s["traps"], s["hcalls"], s["emulated"]) == (0, 0, 0)   # never started
    assert hv.bhctl_ok("start", "hb") == "partition hb: started on cpu 3\n"
    hv.wait_state("hb", "stopped")                 # hcallbench exits when done
    s = hb_stats(hv)
    hc = by_name(s["hcalls_by_number"])
    # hcallbench: one BH_NULL check, then the timed loop of HB_ITERS, then exit
    assert hc["BH_NULL"] == HB_ITERS + 1
    assert hc["BH_GUEST_EXIT"] == 1
    assert set(hc) == {"BH_NULL", "BH_GUEST_EXIT", "EV_BYTE_CHANNEL_SEND"}
    assert s["hcalls"] == sum(hc.values())
    traps = by_name(s["traps_by_reason"])
    assert traps["system-call"] == s["hcalls"]     # every hypercall is one "sc 1" exit
    assert traps["program"] == s["emulated"] >= HB_ITERS   # the mfmsr loop is emulated
    assert s["traps"] == sum(traps.values())
    assert (s["faults"], s["bad_hcalls"], s["dma_faults"]) == (0, 0, 0)
    # cleared, then one more run counts the same hypercalls again
    assert hv.bhctl_ok("stats", "hb", "--clear") == "stats: cleared hb\n"
    assert hb_stats(hv)["traps"] == 0
    hv.bhctl_ok("start", "hb")
    hv.wait_state("hb", "stopped")
    assert by_name(hb_stats(hv)["hcalls_by_number"])["BH_NULL"] == HB_ITERS + 1


def test_devices_none_assigned(shared):
    assert shared.bhctl_ok("devices") == "".join(
        f"partition {p}: 0 devices, 0 bad device calls\n" for p in ("p0", "p1", "hb"))
    assert shared.bhctl_ok("devices", "p1") == "partition p1: 0 devices, 0 bad device calls\n"


def test_dma_no_sources(shared):
    assert shared.bhctl_ok("dma", "p1") == "no DMA sources in this partition\n"


def test_stats_text(shared):
    out = shared.bhctl_ok("stats", "p1")
    assert re.match(r"partition 2 p1\n  traps \d+  emulated \d+  hypercalls \d+  "
                    r"tlb-refills \d+  delivered \d+  faults 0  bad-hypercalls 0  "
                    r"dma-faults 0\n", out), out
    assert re.search(r"(?m)^  trap   system-call +\d+$", out)
    assert re.search(r"(?m)^  hcall  0x00010002 EV_BYTE_CHANNEL_RECEIVE +\d+$", out)
    assert shared.bhctl_ok("stats").count("partition ") == 3


@pytest.mark.parametrize("args,code,message", [
    (["start", "zz"], 1, "bhctl: start: no partition 'zz' (see 'list')"),
    (["start", "4"], 1, "bhctl: start: no partition '4' (see 'list')"),
    (["start", "p0"], 1, "bhctl: start p0: not in a state that allows it (see 'list') "
                         "(running)"),
    (["stop", "hb"], 1, "bhctl: stop hb: not in a state that allows it (see 'list') "
                        "(stopped)"),
    (["stop"], 2, "bhctl: usage: stop PARTITION"),
    (["restart", "p0", "p1"], 2, "bhctl: usage: restart PARTITION"),
    (["list", "extra"], 2, "bhctl: usage: list [--json]"),
    (["list", "--clear"], 2, "bhctl: usage: list [--json]"),
    (["status", "zz"], 1, "bhctl: info: no partition 'zz' (see 'list')"),
    (["stats", "p0", "--bogus"], 2, "bhctl: usage: stats [PARTITION] [--clear] [--json]"),
    (["stats", "--clear", "--json"], 2, "bhctl: usage: stats [PARTITION] [--clear] [--json]"),
    (["stats", "zz"], 1, "bhctl: stats: no partition 'zz' (see 'list')"),
    (["devices", "zz"], 1, "bhctl: devices: no partition 'zz' (see 'list')"),
    (["devices", "p0", "p1"], 2, "bhctl: usage: devices [PARTITION]"),
    (["dma", "p0", "--json"], 2, "bhctl: usage: dma [PARTITION]"),
    (["dma", "zz"], 1, "bhctl: dma: no partition 'zz' (see 'list')"),
    (["shell", "bogus"], 1, "bhctl: unknown command 'bogus' (try 'help')"),
    (["shell", "help", "bogus"], 1, "bhctl: help: no command 'bogus' (try 'help')"),
    (["shell", "gdt"], 2, "bhctl: usage: gdt PARTITION"),
    (["shell", "console", "zz"], 1, "bhctl: console: no partition 'zz' (see 'list')"),
    (["shell", "log", "0"], 2, "bhctl: usage: log [N]"),
    (["shell", "loglevel", "loud"], 2, "bhctl: usage: loglevel [err|warn|info|debug]"),
    (["shell", "version", "--clear"], 2, "bhctl: usage: version [--json]"),
])
def test_bad_commands_say_why_and_change_nothing(shared, args, code, message):
    before = shared.states()
    r = shared.bhctl(*args)
    assert (r.returncode, r.stdout, r.stderr) == (code, "", message + "\n")
    assert shared.states() == before


def test_bhctl_usage_errors_before_connecting(tmp_path):
    def run(*args, env=None):
        return subprocess.run([str(BHCTL), *args], capture_output=True, text=True, timeout=30,
                              env=env or {"PATH": "/usr/bin:/bin"})
    r = run("list")
    assert r.returncode == 2
    assert r.stderr.startswith("bhctl: where is the console? give --socket PATH or --tty DEV")
    r = run("start", "a b", "--socket", str(tmp_path / "s"))
    assert r.returncode == 2 and "usage: bhctl start PARTITION" in r.stderr
    r = run("list", "--socket", str(tmp_path / "none.sock"), "--timeout", "1")
    assert r.returncode == 3
    assert r.stderr == (f"bhctl: no hypervisor answering on {tmp_path / 'none.sock'}: "
                        "No such file or directory\n")
    r = run("console", "--timeout")
    assert r.returncode == 2 and r.stderr.startswith("bhctl: --timeout needs a value")


def test_bhctl_over_a_tty(shared):
    """--tty: bhctl on a pseudo-terminal whose other side is relayed to the console socket."""
    master, slave = pty.openpty()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(shared.sock_path))
    proc = subprocess.Popen([str(BHCTL), "list", "--tty", os.ttyname(slave), "--baud", "115200",
                             "--timeout", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        while proc.poll() is None:
            ready, _, _ = select.select([master, sock], [], [], 0.1)
            if master in ready:
                sock.sendall(os.read(master, 4096))
            if sock in ready:
                os.write(master, sock.recv(4096))
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()
        os.close(master)
        os.close(slave)
    assert (proc.returncode, err) == (0, "")
    assert [l.split()[1:3] for l in out.splitlines()[1:]] == [["p0", "running"],
                                                             ["p1", "running"],
                                                             ["hb", "stopped"]]
