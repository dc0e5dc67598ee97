"""Hostile console users (issue 12, findings 1, 4 and 10): partitions/conspam hammers the console
and byte-channel hypercalls from two vCPUs at once (--mttcg: really in parallel), sends control
bytes, and forges its device tree before the operator types `gdt`. Each check is a function that
returns what it found wrong; the protection's test wants nothing, and the same check run on the
test image with the protection broken (bulkhead.mutate=...) must find something. Every test
runs on both architectures with the same guest (partitions/conspam)."""
import re

import pytest

from guestrun import ARCHES, X86_TEST_ELF, arch_args
from partcfg import config, partition

DONE = r"\[att\] conspam: done"
LINES = 400         # whole lines per vCPU
FLOOD = 400         # 16-byte sends without a newline per vCPU


pytestmark = pytest.mark.parametrize("arch", ARCHES)


def boot(qemu, tmp_path, parts, elf=None, mutate=None, timeout=None, arch="powerpc"):
    dts, extra = config(parts, arch)
    cfg = tmp_path / "conspam.dts"
    cfg.write_text(dts)
    args = ["--direct", "--mttcg", "--smp", "4", *arch_args(arch), "--config", cfg]
    if elf:
        args += ["--elf", X86_TEST_ELF if arch == "x86" else elf]
    if mutate:
        args += ["--append", f"bulkhead.mutate={mutate}"]
    con = qemu(*args, "--", *extra, timeout=timeout)
    con.wait_ready()
    return con


def lines_of(out):
    """Whole console lines, without the shell's prompt lines (closed and shown again around
    every line another CPU prints). A last line still arriving (no newline yet) is left out:
    `[v] victim 65` read before its ` ok` is not a changed line (docs/reliability.md L12)."""
    whole = out[:out.rfind("\n") + 1]
    return [l for l in whole.splitlines() if l.strip() != "bulkhead>"]


# --- finding 1: two vCPUs of one partition on one console channel ---------------------------
def race_parts():
    return [partition("att", "conspam", 1, ncpus=2,
                      bootargs=f"mode=race lines={LINES} flood={FLOOD}"),
            partition("v", "conspam", 3, bootargs="mode=victim us=5000")]


def race_problems(con):
    """Run the race; what went wrong: lines mixed or cut, a line under the wrong label, a
    victim line lost or changed, a CPU parked, the shell or the victim no longer answering."""
    problems = []
    try:
        con.expect_line(DONE)
    except AssertionError as e:
        problems.append(f"the attacker did not finish: {str(e).splitlines()[0]}")
    if not problems and not re.search(r"(?m)^\[v\] victim", con.output):
        try:    # the victim may start after the attacker is done (host scheduling)
            con.expect_line(r"\[v\] victim \d+ ok")
        except AssertionError as e:
            problems.append(f"no victim line: {str(e).splitlines()[0]}")
    out = lines_of(con.output.split("hypervisor ready", 1)[-1])
    a_lines, b_lines, victim = [], [], []
    for line in out:
        m = re.fullmatch(r"\[(\w+)\] (.*)", line)
        if not m:
            if re.match(r"cpu \d+: unexpected|cpu \d+ parked|partition \w+: .*fault", line):
                problems.append(f"hypervisor: {line!r}")
            continue
        label, text = m.groups()
        if label == "v":
            if not re.fullmatch(r"victim \d+ ok", text):
                problems.append(f"victim line changed: {line!r}")
            else:
                victim.append(int(text.split()[1]))
        elif label == "att":
            if re.fullmatch(r"a\d{5}:01234567", text):
                a_lines.append(int(text[1:6]))
            elif re.fullmatch(r"b\d{5}:89abcdef", text):
                b_lines.append(int(text[1:6]))
            elif re.fullmatch(r"[xy]{1,160}", text) or text in ("conspam: done", "exit 0", ""):
                pass
            else:
                problems.append(f"attacker line not whole: {line!r}")
        else:
            problems.append(f"line under a label nobody has: {line!r}")
    if a_lines != list(range(LINES)) or b_lines != list(range(LINES)):
        problems.append(f"attacker lines: {len(a_lines)} from vCPU 0, {len(b_lines)} from "
                        f"vCPU 1, {LINES} each expected in order")
    if not victim or victim != list(range(victim[0], victim[0] + len(victim))):
        problems.append(f"victim lines not consecutive: {victim[:5]}...")
    if problems:
        return problems
    # Both keep going: the shell answers and the victim prints its next lines.
    try:
        listing = con.command("list")
        if not re.search(r"(?m)^2\s+v\s+running", listing):
            problems.append(f"list: {listing!r}")
        later = con.expect_line(r"\[v\] victim (\d+) ok")   # printed after the list
        if int(later.group(1)) <= victim[-1]:
            problems.append(f"victim line {later.group(1)} after {victim[-1]}")
    except AssertionError as e:
        problems.append(f"after the attack: {str(e).splitlines()[0]}")
    return problems


def test_two_vcpus_hammering_the_console_keep_every_line_whole(qemu, tmp_path, arch):
    con = boot(qemu, tmp_path, race_parts(), arch=arch)
    assert race_problems(con) == []


# Negative control: without the bound (console-unbounded) the attacker's line runs past line[]
# into the next channel (the victim's console): over-long lines, then the victim goes quiet.
# The other mutation, console-unlocked (no channel lock), shows as mixed attacker lines
# ("a00055:01234567b00051:89abcdef") only when the two vCPU threads really overlap in the
# hypervisor, which a loaded host does not guarantee: it is not part of the suite.
def test_console_race_check_fails_without_the_bound(qemu, tmp_path, hv_test_elf, arch):
    con = boot(qemu, tmp_path, race_parts(), elf=hv_test_elf, mutate="console-unbounded",
               timeout=20, arch=arch)
    problems = race_problems(con)
    # a line of the flood longer than the line buffer (both vCPUs' floods may mix in it)
    assert any(re.match(r"attacker line not whole: '\[att\] [xy]{161}", p)
               for p in problems), problems


# --- finding 10: several vCPUs sending on one byte channel ----------------------------------
def ring_parts():
    return [partition("att", "conspam", 1, ncpus=2, bootargs="mode=ring calls=3000",
                      channels=[("ra", "att", "rb"), ("rb", "att", "ra")])]


def ring_result(con):
    con.expect_line(DONE)
    m = re.search(r"(?m)^\[att\] ring: max count (\d+) sent a=(\d+) b=(\d+) received "
                  r"a=(\d+) b=(\d+) other=(\d+)\r*\n", con.output)
    assert m, con.output[-2000:]
    return [int(v) for v in m.groups()]


def test_two_vcpus_sending_on_one_channel_never_overfill_its_ring(qemu, tmp_path, arch):
    con = boot(qemu, tmp_path, ring_parts(), arch=arch)
    top, sent_a, sent_b, got_a, got_b, other = ring_result(con)
    assert top == 1024, "the ring never got full: the test did not reach the boundary"
    assert sent_a > 0 and sent_b > 0
    assert (got_a, got_b, other) == (sent_a, sent_b, 0)
    assert re.search(r"(?m)^\[att\] ring: ok\r*\n", con.output)


# Negative control: a ring that takes bytes past its size (bc-ring-unbounded) is seen: the
# count passes 1024 and bytes are overwritten before they are read. (Without the lock,
# console-unlocked, two senders pass the size only when they really overlap: not in the suite.)
def test_ring_check_fails_when_the_ring_overfills(qemu, tmp_path, hv_test_elf, arch):
    con = boot(qemu, tmp_path, ring_parts(), elf=hv_test_elf, mutate="bc-ring-unbounded",
               arch=arch)
    top, sent_a, sent_b, got_a, got_b, other = ring_result(con)
    assert top > 1024 or (got_a, got_b, other) != (sent_a, sent_b, 0)
    assert re.search(r"(?m)^\[att\] ring: bad\r*\n", con.output)


# --- finding 10: control bytes from a guest -------------------------------------------------
CTRL_SHOWN = [
    r"ctrl: \x1b[31mred\x1b[0m and \x1b]0;title\x07 bell\x07",
    "ctrl: tab\there, crpartition v: exited with code 0",
    r"ctrl: csi \x9b2J del \x7f nul-free",
    "printable: ABC xyz 0123 ~!@#$%^&*()_+{}|:\"<>?[]\\;',./` end",
]


def ctrl_problems(con):
    con.expect_line(DONE)
    raw = con.output.split("partitioning hypervisor", 1)[-1]    # (SeaBIOS clears the screen)
    problems = [f"raw byte {b!r} reached the terminal" for b in ("\x1b", "\x07", "\x7f",
                                                                   "\ufffd") if b in raw]
    got = re.findall(r"(?m)^\[att\] ((?:ctrl|printable): .*?)\r*\n", raw)
    if got != CTRL_SHOWN:
        problems.append(f"lines shown: {got!r}")
    if re.search(r"(?m)^partition v: exited", raw):
        problems.append("a guest forged a hypervisor message at column 0")
    return problems


def test_guest_control_bytes_are_shown_not_sent(qemu, tmp_path, arch):
    con = boot(qemu, tmp_path, [partition("att", "conspam", 1, bootargs="mode=ctrl")],
               arch=arch)
    assert ctrl_problems(con) == []


def test_control_byte_check_fails_when_passed_raw(qemu, tmp_path, hv_test_elf, arch):
    con = boot(qemu, tmp_path, [partition("att", "conspam", 1, bootargs="mode=ctrl")],
               elf=hv_test_elf, mutate="console-raw", arch=arch)
    assert ctrl_problems(con) != []


# --- finding 4: gdt of a guest that forged its tree ---------------------------------------
def gdt_problems(con):
    con.expect_line(r"\[att\] scribble: tree at 0x[0-9a-f]+ forged")
    problems = []
    try:
        out = con.command("gdt att", timeout=15)
        if not re.search(r'(?m)^\s+bootargs = "mode=scribble";$', out) or \
                not out.rstrip().endswith("};"):
            problems.append(f"gdt did not print the tree att booted with: {out[-300:]!r}")
        listing = con.command("list", timeout=15)
        if not re.search(r"(?m)^1\s+att\s+running", listing):
            problems.append(f"list: {listing!r}")
    except AssertionError as e:
        problems.append(f"the shell stopped answering: {str(e).splitlines()[0]}")
    return problems


def test_gdt_prints_the_tree_the_hypervisor_built_not_the_forged_one(qemu, tmp_path, arch):
    con = boot(qemu, tmp_path, [partition("att", "conspam", 1, bootargs="mode=scribble")],
               arch=arch)
    assert gdt_problems(con) == []


def test_gdt_check_fails_when_parsing_the_guest_tree_in_place(qemu, tmp_path, hv_test_elf, arch):
    con = boot(qemu, tmp_path, [partition("att", "conspam", 1, bootargs="mode=scribble")],
               elf=hv_test_elf, mutate="gdt-in-place", arch=arch)
    problems = gdt_problems(con)
    assert problems != []
    assert len(problems) == 1 and problems[0].startswith("gdt did not print"), problems
    if arch == "x86":   # the forged offsets stay inside the identity map: libfdt refuses them
        return
    # Reading the forged tree in place crashes the console CPU (libfdt follows the offsets
    # 1 GiB past the window): its report is on the console, whole (not swallowed by the
    # shell's output buffer), and the shell goes on on another CPU ("list" answered).
    crash = crash_report(con.output)
    assert crash and crash.group(1) == crash.group(2), con.output[-3000:]


def crash_report(out):
    return re.search(r"(?m)^cpu (\d+): unexpected .* exception.*\r*\n(?:  .*\r*\n){10}"
                     r"cpu (\d+) parked\r*$", out)


# Negative control of the report check: a fatal report that goes where the faulting CPU's
# output goes (fatal-captured: into the running command's buffer, dropped when it parks) is
# lost, and the check sees it.
def test_crash_report_check_fails_when_the_report_is_captured(qemu, tmp_path, hv_test_elf, arch):
    if arch == "x86":
        pytest.skip("on x86 the forged tree does not crash the console CPU (the test above)")
    con = boot(qemu, tmp_path, [partition("att", "conspam", 1, bootargs="mode=scribble")],
               elf=hv_test_elf, mutate="gdt-in-place,fatal-captured", arch=arch)
    gdt_problems(con)
    con.command("list", timeout=15)     # the shell went on: the crash has happened
    assert re.search(r"(?m)^cpu 0  parked ", con.command("cpus"))
    assert not crash_report(con.output), con.output[-3000:]
