"""A stop always finishes and never blocks the console (issue 12, finding 8): a guest that
turns its interrupts off and spins, or a manager inside a PARTITION_MEMCPY whose list would
copy 256 GiB, is stopped from the console and can be started again; MEMCPY works in bounded
slices and copies correctly. Negative controls (test image): without the kick
(stop-no-kick) and with MEMCPY in one unbounded piece (memcpy-unbounded) the partition stays
"stopping", the shell still answers at once, and a second stop or a start is refused."""
import re

import pytest

from guestrun import mutation_args
from partcfg import config, partition

STOPPED = r"partition {}: stopped \(stopped from the console\)"


@pytest.fixture
def boot(qemu, tmp_path, hv_test_elf):
    def start(parts, mutate=None):
        dts, extra = config(parts)
        cfg = tmp_path / "stop.dts"
        cfg.write_text(dts)
        image = mutation_args(hv_test_elf, mutate)
        con = qemu("--direct", "--smp", "4", *image, "--config", cfg, "--", *extra)
        con.wait_ready()
        return con
    return start


def spinner():
    return [partition("h", "hog", 1, bootargs="mode=spin")]


def copier():
    return [partition("m", "hog", 1, bootargs="mode=memcpy target=w", manages=["w"]),
            partition("w", "hello", 2, no_auto_start=True)]


def line_since(con, pos, regex):
    """A console line matching regex printed after output position pos (already or later)."""
    if not re.search(r"(?m)^" + regex + r"\r*$", con.output[pos:]):
        con.expect_line(regex)


def started_and_busy(con, label, busy_line, pos=0):
    line_since(con, pos, rf"partition {label}: started on cpu 1")
    line_since(con, pos, rf"\[{label}\] {busy_line}")


def stop_and_start_twice(con, label, busy_line):
    started_and_busy(con, label, busy_line)
    for _ in range(2):
        pos = len(con.output)
        con.command(f"stop {label}")
        line_since(con, pos, STOPPED.format(label))
        assert re.search(rf"(?m)^1\s+{label}\s+stopped\s", con.command("list"))
        pos = len(con.output)
        con.command(f"start {label}")
        started_and_busy(con, label, busy_line, pos)


def test_spinning_guest_with_interrupts_off_is_stopped_and_restarted(boot):
    stop_and_start_twice(boot(spinner()), "h", "hog: spinning with interrupts off")


def test_manager_in_a_huge_memcpy_is_stopped_and_restarted(boot):
    con = boot(copier())
    con.wait_line(r"\[m\] PASS: PARTITION_MEMCPY of 1 MiB \+ 4321 bytes in "
                    r"slices, there and back")
    # the shell answers while the call is under way on CPU 1
    stop_and_start_twice(con, "m", "hog: huge memcpy call")
    assert "huge memcpy returned" not in con.output


@pytest.mark.parametrize("mutate,parts,busy", [
    ("stop-no-kick", spinner, "hog: spinning with interrupts off"),
    ("memcpy-unbounded", copier, "hog: huge memcpy call")])
def test_negative_control_stop_stays_stopping(boot, mutate, parts, busy):
    label = parts()[0]["label"]
    con = boot(parts(), mutate)
    started_and_busy(con, label, busy)
    out = con.command(f"stop {label}")
    assert f"partition {label}: stopping: vcpu 0 has not left guest context yet" in out, out
    assert f"partition {label}: stopped" not in out
    # the console is not blocked: a second stop and a start are refused at once
    assert "busy: being started or stopped (stopping)" in con.command(f"stop {label}")
    assert "busy: being started or stopped (stopping)" in con.command(f"start {label}")
    con.expect_line(rf"partition {label}: vcpu 0 has not left guest context "
                    r"for 5000 ms \(still stopping\)")
    assert re.search(rf"(?m)^1\s+{label}\s+stopping\s", con.command("list"))
    assert f"partition {label}: stopped" not in con.output
