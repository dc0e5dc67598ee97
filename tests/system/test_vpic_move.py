"""An interrupt moved to another vCPU while in service (issue 12: update_hw_mask looked only
at the new destination): with edu's level interrupt in service on vCPU 0 and the device still
asserting it, EV_INT_SET_CONFIG moves it to vCPU 1; vCPU 1 gets nothing until vCPU 0 has
ended it, and the next edu interrupt arrives at vCPU 1 (positive control). Negative control
(test image, bulkhead.mutate=vpic-dest-only): the mask looks only at the new destination,
and vCPU 1 takes the interrupt that is still in service on vCPU 0."""
import pytest

from guestrun import EDU, EDU_QEMU, run_until_exit
from partcfg import partition


@pytest.fixture
def run(qemu, tmp_path, hv_test_elf):
    def start(mutate=None):
        return run_until_exit(qemu, tmp_path, [partition("m", "irqmove", 1, ncpus=2, extra=EDU)],
                              label="m", hv_test_elf=hv_test_elf, mutate=mutate,
                              launcher=("--mttcg", "--smp", "4"), qemu_args=EDU_QEMU)
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
