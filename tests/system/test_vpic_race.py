"""Virtual-PIC state under parallel updates (issue 12, finding 9), with real parallelism
(--mttcg): a manager partition takes QEMU edu's interrupts back to back while the hypervisor
raises its state-change doorbell from the managed partition's CPU at every start and stop.
Every edu interrupt arrives exactly once and the doorbell rings in every cycle (raises of a
pending doorbell coalesce into one delivery, so at most two rings per cycle). Negative control
(test image, bulkhead.mutate=vpic-racy): the doorbell's pending bit is set with the unlocked
read-modify-write the lock replaced, its window widened to 50 us; an edu pending bit set by
the owner's CPU inside that window is lost, the edu source stays masked for good and the
guest reports the lost interrupt."""
import pytest

from guestrun import EDU, EDU_QEMU, run_until_exit
from partcfg import partition

CYCLES = 30


@pytest.fixture
def run(qemu, tmp_path, hv_test_elf):
    def start(mutate=None):
        parts = [partition("m", "irqrace", 1, bootargs=f"target=w cycles={CYCLES}",
                           manages=["w"], extra=EDU),
                 partition("w", "hog", 2, bootargs="mode=exit", no_auto_start=True)]
        return run_until_exit(qemu, tmp_path, parts, label="m", hv_test_elf=hv_test_elf,
                              mutate=mutate, launcher=("--mttcg", "--smp", "4"),
                              qemu_args=EDU_QEMU)
    return start


def test_every_interrupt_arrives_while_another_cpu_raises(run):
    lines = run()
    assert "PASS: every edu interrupt arrives once" in lines, lines
    assert "PASS: the state-change doorbell rings in every cycle" in lines, lines
    assert any(l.startswith(f"irqrace: {CYCLES} cycles, ") and " 0 spurious" in l
               for l in lines), lines


def test_negative_control_racy_pending_update_loses_an_interrupt(run):
    lines = run("vpic-racy")
    assert [l for l in lines if l.startswith("FAIL: every edu interrupt arrives")], lines


def test_irqlat_takes_every_interrupt_it_raises(qemu, tmp_path):
    """The P8 bench guest (bench/irqpath.py) works: edu interrupts raised one at a time, each
    taken once through the virtual PIC."""
    lines = run_until_exit(qemu, tmp_path, [partition("i", "irqlat", 1, bootargs="n=200",
                                                      extra=EDU)],
                           label="i", launcher=("--icount",), qemu_args=EDU_QEMU)
    assert "irqlat: ready" in lines, lines
    assert any(l.startswith("irqlat: 200 interrupts, ") for l in lines), lines
