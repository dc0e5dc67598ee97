"""Partitions on QEMU ppce500 (issue 4): guests run in problem state under trap-and-emulate,
print through their console byte channels, talk over guest<->guest channels, and an isolation
fault stops only the offender. Configs come from tests/partcfg.py; guests from partitions/.
The tests marked with ARCHES run the same guests (the same sources) on x86 too, with the same
expected lines (issue 16, docs/guests.md "x86 guests")."""
import re

import pytest

from partcfg import config, partition
from qemu_console import parse_cpus_table


@pytest.fixture
def boot(qemu, tmp_path):
    """boot(parts, smp=4, icount=False) -> console of a hypervisor running these partitions
    (direct boot; icount: QEMU's emulated time follows the instructions, for guests that
    measure time: their timers then fire alike on a quiet and on a loaded host)."""
    def start(parts, smp=4, icount=False, arch="powerpc"):
        dts, extra = config(parts, arch)
        cfg = tmp_path / "partitions.dts"
        cfg.write_text(dts)
        con = qemu("--direct", *(["--icount"] if icount else []), "--smp", str(smp),
                   *(["--arch", "x86"] if arch == "x86" else []), "--config", cfg, "--", *extra)
        con.wait_ready()
        return con
    return start


ARCHES = ("powerpc", "x86")
HCALL_INSN = {"powerpc": "0x44000022", "x86": "0xf01d990"}     # sc 1; VMMCALL, NOP


def guest_lines(con, label):
    """What partition label printed on its console, in order (prefix removed)."""
    return re.findall(r"(?m)^\[" + re.escape(label) + r"\] (.*)\n", con.output)


def wait_line(con, regex):
    """A console line matching regex, printed already or still to come."""
    m = re.search(r"(?m)^" + regex + r"\n", con.output)
    return m or con.expect_line(regex)


def wait_count(con, line, n):
    """Until a console line ending in `line` has been printed n times (whatever earlier waits
    consumed already)."""
    pattern = re.escape(line) + r"$"
    while len(re.findall("(?m)" + pattern, con.output)) < n:
        con.expect(pattern.replace("$", r"\r*\n"))


def wait_exit(con, label, code=0):
    wait_line(con, rf"partition {re.escape(label)}: exited with code {code}")


@pytest.mark.parametrize("arch", ARCHES)
def test_two_partitions_print_through_their_consoles(boot, arch):
    con = boot([partition("a", "hello", 1, bootargs="count=3 interval=1"),
                partition("b", "hello", 2, bootargs="count=4 interval=1")], arch=arch)
    wait_exit(con, "a")
    wait_exit(con, "b")
    assert guest_lines(con, "a") == ["hello from a", "tick 1", "tick 2", "tick 3", "exit 0"]
    assert guest_lines(con, "b") == ["hello from b", "tick 1", "tick 2", "tick 3", "tick 4",
                                     "exit 0"]
    assert "partition a: started on cpu 1" in con.output
    assert "partition b: started on cpu 2" in con.output


@pytest.mark.parametrize("arch", ARCHES)
def test_guest_to_guest_byte_channel_both_ways(boot, arch):
    con = boot([partition("a", "chat", 1, bootargs="count=3",
                          channels=[("peer", "b", "peer")]),
                partition("b", "chat", 2, bootargs="count=3",
                          channels=[("peer", "a", "peer")])], arch=arch)
    wait_exit(con, "a")
    wait_exit(con, "b")
    for me, other in (("a", "b"), ("b", "a")):
        got = [l for l in guest_lines(con, me) if l.startswith("recv: ")]
        assert got == [f"recv: msg {k} from {other}" for k in (1, 2, 3)]
        assert "PASS: chat: sent 3 and received 3 lines" in guest_lines(con, me)


# The attacker's first step out of its 16 MiB: PowerPC refuses the TLB entry that would map
# it, x86's nested page tables the access itself.
ATTACK_FAULT = {
    "powerpc": r"tlbwe maps guest physical 0x1000000-0x1000fff outside the partition's memory, "
               r"pc 0x[0-9a-f]{8}",
    "x86": r"access to guest physical 0x1000000 outside its memory \(nested page fault, error "
           r"0x[0-9a-f]+\) at rip 0x[0-9a-f]+",
}


@pytest.mark.parametrize("arch", ARCHES)
def test_attacker_is_stopped_and_neighbour_keeps_running(boot, arch):
    con = boot([partition("victim", "hello", 1, bootargs="count=0 interval=20"),
                partition("attacker", "attacker", 2, bootargs="target=0x1000000")], arch=arch)
    wait_line(con, r"partition attacker: isolation fault on vcpu 0: " + ATTACK_FAULT[arch])
    wait_line(con, r"partition attacker: stopped \(isolation fault\)")
    # the neighbour goes on printing after the fault
    ticks = len([l for l in guest_lines(con, "victim") if l.startswith("tick")])
    con.expect_line(rf"\[victim\] tick {ticks + 3}")
    out = con.output
    assert "[attacker] attacker: reading 0x1000000" in out
    assert "attacker: read 0x" not in out           # the load never happened
    assert "partition victim: stopped" not in out and "victim: isolation" not in out


@pytest.mark.parametrize("arch", ARCHES)
def test_attacker_reaching_beyond_its_memory_is_stopped(boot, arch):
    con = boot([partition("attacker", "attacker", 1, bootargs="target=0x01000000")], arch=arch)
    wait_line(con, r"partition attacker: isolation fault on vcpu 0: " + ATTACK_FAULT[arch])
    wait_line(con, r"partition attacker: stopped \(isolation fault\)")
    listing = con.command("list")
    assert re.search(r"(?m)^1\s+attacker\s+stopped\s", listing), listing
    cpus = parse_cpus_table(con.command("cpus"))
    assert [state for state, _ in cpus.values()] == ["online"] * 4, cpus


@pytest.mark.parametrize("guest,checks", [("mmu", 13), ("timer", 6), ("privop", 3)])
def test_guest_self_checks_pass_under_the_hypervisor(boot, guest, checks):
    # privop: an SPR the vCPU does not have (msgclr, its default, is emulated since issue 13)
    con = boot([partition("g", guest, 1, bootargs="op=l1csr2" if guest == "privop" else "")],
               icount=guest == "timer")
    wait_exit(con, "g")
    lines = guest_lines(con, "g")
    assert not [l for l in lines if l.startswith("FAIL")], lines
    assert len([l for l in lines if l.startswith("PASS")]) == checks, lines


def test_privileged_instruction_is_reflected_to_the_guest(boot):
    con = boot([partition("g", "privop", 1, bootargs="op=l1csr2")])
    wait_exit(con, "g")
    lines = guest_lines(con, "g")
    assert "PASS: program interrupt reflected" in lines
    assert any(re.match(r"privop: program interrupt ESR 0x04000000 ", l) for l in lines), lines


@pytest.mark.parametrize("arch", ARCHES)
def test_smp_guest_with_two_vcpus(boot, arch):
    con = boot([partition("s", "smp", 1, ncpus=2)], arch=arch)
    wait_exit(con, "s")
    lines = guest_lines(con, "s")
    assert "partition s: started on cpus 1 2" in con.output
    assert "PASS: cpu 1 released through the spin table" in lines
    assert "PASS: atomic counter is exact on 2 cpus" in lines
    assert not [l for l in lines if l.startswith("FAIL")], lines


# The guest's own trap instruction reaches the guest's own handler (the partition's gdb stub,
# none here, would take only its own breakpoints): PowerPC's program interrupt, x86's #BP
# through the INTn intercept (docs/gdb.md); the default handler reports it, exit 100 + vector.
TRAP_REPORT = {"powerpc": (r"guest: unexpected program exception at PC 0x[0-9a-f]{8} ESR 0x",
                           106),
               "x86": (r"guest: unexpected breakpoint exception \(vector 3\) at EIP 0x[0-9a-f]{8} ",
                       103)}


@pytest.mark.parametrize("arch", ARCHES)
def test_guest_trap_instruction_reaches_the_guests_handler(boot, arch):
    con = boot([partition("a", "hello", 1, bootargs="count=1 interval=1 trap=1")], arch=arch)
    report, code = TRAP_REPORT[arch]
    wait_exit(con, "a", code)
    lines = guest_lines(con, "a")
    assert lines[:3] == ["hello from a", "tick 1", "hello: trap"], lines
    assert re.match(report, lines[3]), lines
    assert "isolation fault" not in con.output


@pytest.mark.parametrize("arch", ARCHES)
def test_guest_tree_describes_the_partition(boot, arch):
    con = boot([partition("a", "hello", 1, bootargs="count=1 interval=1")], arch=arch)
    wait_exit(con, "a")
    tree = con.command("gdt a")
    assert 'compatible = "epapr,hypervisor-1";' in tree
    assert f"hcall-instructions = <{HCALL_INSN[arch]}>;" in tree
    assert 'guest-name = "a";' in tree
    assert 'stdout-path = "/hypervisor/handles/byte-channel@0";' in tree
    assert "reg = <0x0 0x0 0x0 0x1000000>;" in tree
    assert 'bootargs = "count=1 interval=1";' in tree
    assert re.search(r'aliases \{\n\s+stdout = "/hypervisor/handles/byte-channel@0";', tree), tree
    assert "gdt: no partition 'nope' (see 'list')" in con.command("gdt nope")


@pytest.mark.parametrize("arch", ARCHES)
def test_stop_start_restart_from_the_shell(boot, arch):
    con = boot([partition("a", "hello", 1, bootargs="count=0 interval=50")], arch=arch)
    wait_count(con, "[a] tick 1", 1)                         # (may come before the prompt)
    out = con.command("stop a")
    assert "partition a: stopped (stopped from the console)" in out
    assert re.search(r"(?m)^1\s+a\s+stopped\s", con.command("list"))
    assert "stop a: not in a state that allows it" in con.command("stop a")
    con.command("start 1")
    wait_count(con, "[a] hello from a", 2)
    wait_count(con, "[a] tick 1", 2)
    out = con.command("restart a")
    assert "partition a: stopped (restart)" in out
    wait_count(con, "partition a: started on cpu 1", 3)      # a start completes asynchronously
    wait_count(con, "[a] hello from a", 3)
    assert "stop: no partition 'nope'" in con.command("stop nope")
    assert "usage: start PARTITION" in con.command("start")


@pytest.mark.parametrize("arch", ARCHES)
def test_manager_partition_drives_only_what_it_manages(boot, arch):
    con = boot([partition("mgr", "partman", 1, manages=["worker"]),
                partition("worker", "hello", 2, bootargs="count=0 interval=300"),
                partition("other", "hello", 3, bootargs="count=0 interval=300")], arch=arch)
    wait_exit(con, "mgr")
    lines = guest_lines(con, "mgr")
    assert not [l for l in lines if l.startswith("FAIL")], lines
    for check in ("the state-change doorbell is in the tree and enabled",
                  "the state-change doorbell rang at stop, start and restart",
                  "PARTITION_STOP", "PARTITION_START (reload)", "PARTITION_RESTART",
                  "PARTITION_MEMCPY to the worker and back",
                  "PARTITION_MEMCPY outside the worker's memory is refused",
                  "a handle that is not a managed partition is refused",
                  "an unknown handle is refused"):
        assert f"PASS: {check}" in lines, (check, lines)
    out = con.output
    assert "partition worker: stopped (stopped by its manager)" in out
    assert "partition worker: stopped (restart)" in out
    assert "partition other: stopped" not in out     # the unmanaged partition is untouched
    tree = con.command("gdt mgr")
    assert 'compatible = "fsl,hv-partition-handle";' in tree and 'label = "worker";' in tree
    assert 'compatible = "fsl,hv-state-change-doorbell", "epapr,hv-receive-doorbell";' in tree
    assert 'label = "other";' not in tree


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("action,outcome", [
    ("reset", "restarting it"), ("stop", "stopping it"), ("notify", "reported only")])
def test_watchdog_catches_a_hung_guest(boot, action, outcome, arch):
    # feeds every 10 ms, expires after 100 ms without one. Under --icount emulated time
    # follows the instructions: a host that stops QEMU for a while (a loaded machine) cannot
    # make a feed late, so the margin need not be wide. PowerPC feeds through TSR, x86 with
    # BH_WATCHDOG_FEED (guest_watchdog_feed()).
    extra = f'watchdog-timeout = <100>; bulkhead,watchdog-action = "{action}";'
    con = boot([partition("w", "wdog", 1, bootargs="feeds=3 interval=10", extra=extra)],
               icount=True, arch=arch)
    wait_line(con, rf"partition w: watchdog expired \(no feed for 100 ms\): {outcome}")
    out = con.output
    fed = out.index("[w] wdog: fed 3")
    hang = out.index("[w] wdog: hanging")
    assert fed < hang < out.index("partition w: watchdog expired")
    if action == "reset":
        con.expect_line(r"\[w\] wdog: fed 1")     # it boots again
    elif action == "stop":
        wait_line(con, r"partition w: stopped \(watchdog\)")
        assert re.search(r"(?m)^1\s+w\s+stopped\s", con.command("list"))
    else:
        assert re.search(r"(?m)^1\s+w\s+running\s", con.command("list"))


def test_hypervisor_only_spr_is_an_isolation_fault(boot):
    con = boot([partition("g", "privop", 1, bootargs="op=lpidr"),
                partition("n", "hello", 2, bootargs="count=0 interval=20")])
    wait_line(con, r"partition g: isolation fault on vcpu 0: instruction 0x7[cd][0-9a-f]{6} at pc "
              r"0x[0-9a-f]{8} touches a hypervisor-only SPR \(338\)")
    assert "PASS: program interrupt reflected" not in con.output
    ticks = len([l for l in guest_lines(con, "n") if l.startswith("tick")])
    con.expect_line(rf"\[n\] tick {ticks + 2}")                # the neighbour runs on


def test_uimage_guest_and_no_auto_start(boot):
    con = boot([partition("u", "hello", 1, bootargs="count=2 interval=1", image="hello.uimg"),
                partition("later", "hello", 2, bootargs="count=1 interval=1",
                          no_auto_start=True)])
    wait_exit(con, "u")                     # a U-Boot legacy image boots like the ELF
    assert guest_lines(con, "u") == ["hello from u", "tick 1", "tick 2", "exit 0"]
    assert "partition later: started" not in con.output
    assert re.search(r"(?m)^2\s+later\s+stopped\s", con.command("list"))
    con.command("start later")
    wait_exit(con, "later")
    assert guest_lines(con, "later") == ["hello from later", "tick 1", "exit 0"]
