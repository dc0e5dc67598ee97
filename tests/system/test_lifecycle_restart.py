"""A partition's devices across restarts: a partition started a second time in the same boot
gets its edu interrupts again (the stop's quiesce disabled INTx at the function; the restart
puts the function back as assignment left it)."""
import re

from partcfg import partition
from test_devices_pci import EDU, boot, guest_lines, wait_line  # noqa: F401 (fixture)


def test_edu_interrupts_arrive_at_every_start(boot):
    con = boot([partition("e", "edu", 1, extra=EDU)])
    wait_line(con, r"partition e: exited with code 0")
    first = len(con.output)
    con.command("start e")
    con.expect_line(r"partition e: exited with code \d+")
    runs = [con.output[:first], con.output[first:]]
    for n, out in enumerate(runs):
        lines = re.findall(r"(?m)^\[e\] (.*?)\r*\n", out)
        assert "PASS: interrupt raised by edu arrives" in lines, (n, lines)
        assert "PASS: factorial-done interrupt arrives" in lines, (n, lines)
        assert "edu: 2 interrupts through the virtual PIC" in lines, (n, lines)
    assert "partition e: exited with code 0" in runs[1]
