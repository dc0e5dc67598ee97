"""An interrupt moved to another vCPU while in service (issue 12: update_hw_mask looked only
at the new destination): with edu's level interrupt in service on vCPU 0 and the device still
asserting it, EV_INT_SET_CONFIG moves it to vCPU 1; vCPU 1 gets nothing until vCPU 0 has
ended it, and the next edu interrupt arrives at vCPU 1 (positive control). Negative control
(test image, bulkhead.mutate=vpic-dest-only): the mask looks only at the new destination,
and vCPU 1 takes the interrupt that is still in service on vCPU 0."""
import re

import pytest

from partcfg import config, partition

EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'


@pytest.fixture
def run(qemu, tmp_path, hv_test_elf):
    def start(mutate=None):
        dts, extra = config([partition("m", "irqmove", 1, ncpus=2, extra=EDU)])
        cfg = tmp_path / "move.dts"
        cfg.write_text(dts)
        image = ["--elf", str(hv_test_elf), "--append", f"bulkhead.mutate={mutate}"] \
            if mutate else []
        con = qemu("--direct", "--mttcg", "--smp", "4", *image, "--config", cfg, "--", *extra,
                   "-device", "edu,addr=2.0", timeout=120)
        con.wait_ready()
        con.expect_line(r"partition m: exited with code \d+")
        return re.findall(r"(?m)^\[m\] (.*?)\r?$", con.output)
    return start


def test_interrupt_moved_while_in_service_is_not_delivered_twice(run):
    lines = run()
    for what in ("edu interrupt taken on vCPU 0",
                 "not delivered to vCPU 1 while in service on vCPU 0",
                 "the next one arrives at vCPU 1"):
        assert f"PASS: {what}" in lines, (what, lines)


def test_negative_control_mask_of_the_new_destination_only(run):
    lines = run("vpic-dest-only")
    assert "FAIL: not delivered to vCPU 1 while in service on vCPU 0: 1 delivered there" \
        in lines, lines
