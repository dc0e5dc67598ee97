"""One line is one write (docs/console.md): a partition printing a line every millisecond while
the operator types. Its lines start at column 0 and the prompt with the characters typed so far
is shown again after each of them, so no line on the wire mixes two writers. The check is run
once as is and once on the test image with the line discipline broken (console-interleave),
where it must find the mixed lines."""
import re

from partcfg import config, partition

TICK = r"\[noisy\] tick \d+"


def boot(qemu, tmp_path, elf=None, mutate=None):
    dts, extra = config([partition("noisy", "hello", 1, bootargs="count=0 interval=1")])
    cfg = tmp_path / "noisy.dts"
    cfg.write_text(dts)
    args = ["--direct", "--smp", "2", "--config", cfg]
    if elf:
        args += ["--elf", elf, "--append", f"bulkhead.mutate={mutate}"]
    con = qemu(*args, "--", *extra)
    con.wait_ready()
    return con


def typing_problems(con):
    """Type half a command, let partition lines come, finish it; what was mixed or lost."""
    con.expect_line(TICK)
    con.child.send("lis")
    problems = []
    try:
        # the open line is closed, the partition's line follows, the typed input comes back
        con.expect(r"bulkhead> lis \r*\n" + TICK + r"\r*\nbulkhead> lis", timeout=10)
    except AssertionError:
        problems.append("no partition line at column 0 with the typed input shown again")
    con.child.send("t\r")
    out = con.expect_exact("ID  NAME", timeout=10)
    con.expect_line(r"1\s+noisy\s+running.*")
    wire = con.output.split("hypervisor ready", 1)[1]
    mixed = [l for l in wire.splitlines() if re.search(r".\[noisy\]", l)]
    if mixed:
        problems.append(f"lines with two writers: {mixed[:3]}")
    # the line Enter ended: the prompt and the whole command, no blank (an interrupted one
    # ends in a blank)
    if not re.search(r"(?m)^bulkhead> list\r*$", wire):
        problems.append(f"the command was not echoed: {out[-200:]!r}")
    return problems


def test_partition_lines_never_split_the_typed_line(qemu, tmp_path):
    con = boot(qemu, tmp_path)
    assert typing_problems(con) == []


def test_typed_line_check_fails_when_lines_interleave(qemu, tmp_path, hv_test_elf):
    con = boot(qemu, tmp_path, elf=hv_test_elf, mutate="console-interleave")
    problems = typing_problems(con)
    assert any(p.startswith("lines with two writers") for p in problems), problems
