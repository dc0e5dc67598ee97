"""DMA fence (issue 6) on QEMU ppce500: the PCI controller's inbound windows, driven through
the IOMMU layer by the hypervisor's self-test (bulkhead.selftest=dma) with QEMU's edu device
attached to partition p0's DMA domain. Each line the test reads says which bytes of a DMA
transfer landed where; the hypervisor checks the memory itself (the guest-side tests come
with device assignment)."""
import os
import re

import pytest

from partcfg import MEM_BASE, MEM_SIZE, config, partition

EDU = ("--", "-device", "edu,dma_mask=0xffffffff")   # default mask clips to 28-bit addresses
SELFTEST = ("--append", "bulkhead.selftest=dma")
TIMEOUT = 60    # 12 transfers of 100 ms virtual time each, plus boot

CHECKS = [
    "attach to the partition's DMA domain",
    "disabled at start: DMA into the partition's memory lands nowhere",
    "DMA_ENABLE accepted",
    "enabled: DMA to a guest address lands in the partition's host memory",
    "enabled: DMA to another partition's memory does not land",
    "enabled: DMA to the hypervisor's address does not land there",
    "enabled: DMA beyond the partition's memory lands nowhere",
    "quiesce while a DMA is in flight",
    "in flight at quiesce: 0 bytes landed",
    "disabled again: DMA lands nowhere",
    "DMA_ENABLE again accepted",
    "enabled again: DMA lands",
    "detached: DMA lands nowhere",
    "device attach: a handle, DMA disabled",
    "DMA_ENABLE through the handle accepted",
    "reset with DMA in flight: the target holds the scrubbed value",
    "reset: mask hook ran, DMA disabled again",
]


def selftest_lines(out):
    return re.findall(r"(?m)^dma-selftest: (PASS|FAIL) (.*?)\r?$", out)


# U-Boot leaves an inbound window over all of RAM: the fence must close it at boot.
@pytest.mark.parametrize("path", ["--direct", "--uboot"])
def test_pci_inbound_window_fence(qemu, path):
    con = qemu(path, *SELFTEST, *EDU, timeout=TIMEOUT)
    out = con.wait_ready()
    assert "dma: pci@fe0008000: inbound windows closed (PCI DMA fence)" in out
    assert "dma-selftest: edu at 00:02.0, partition p0" in out
    results = selftest_lines(out)
    assert [what for _, what in results] == CHECKS, out
    failed = [what for verdict, what in results if verdict != "PASS"]
    assert not failed, out
    assert re.search(r"(?m)^dma-selftest: in flight at quiesce: 0 bytes landed\r?$", out)
    assert re.search(r"(?m)^dma-selftest: reset with DMA in flight: 0 bytes differ from the "
                     r"scrubbed value\r?$", out)
    assert re.search(rf"(?m)^dma-selftest: {len(CHECKS)} passed, 0 failed\r?$", out)
    # The hypervisor carries on normally afterwards.
    assert "hypervisor ready" in out


def test_selftest_without_edu_says_why(qemu):
    con = qemu("--direct", *SELFTEST, timeout=TIMEOUT)
    out = con.wait_ready()
    assert re.search(r"(?m)^dma-selftest: FAIL needs a PCI controller, -device edu and a "
                     r"partition \(error -\d+\)\r?$", out)
    assert "PASS" not in out


def test_fence_closed_at_boot_without_selftest(qemu):
    con = qemu("--direct")
    out = con.wait_ready()
    assert "dma: pci@fe0008000: inbound windows closed (PCI DMA fence)" in out
    assert "dma-selftest" not in out


# --- from a guest: partition a runs partitions/dma (drives the edu the self-test assigned to
# it, then keeps a DMA in flight for ever and says so on a byte channel); partition m, its
# manager, restarts it each time, and watches a buffer of its own that a aims a DMA at. -----
CYCLES = int(os.environ.get("BULKHEAD_DMA_CYCLES", "50"))   # make soak: 1000
GUEST_STEPS = [
    "scrubbed: 0 bytes of the last in-flight target nonzero",
    "dma handle 2",
    "before enable: 0 bytes landed",
    "enable: status 0",
    "after enable: 64 bytes landed",
    "data: as sent",
    "to the peer partition: done",
    "bad handle: status 8",
    "disable: status 0",
    "after disable: 0 bytes landed",
    "dma in flight",
]


def guest_lines(out, label):
    return re.findall(r"(?m)^(?:bulkhead> )?\[" + label + r"\] (.*?)\r?$", out)


def runs(lines):
    """Guest a's lines split into runs (each starts with its "scrubbed:" line)."""
    starts = [i for i, line in enumerate(lines) if line.startswith("scrubbed:")]
    return [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]


def test_guest_dma_hypercalls_and_restart_loop(qemu, tmp_path):
    dts, extra = config([
        partition("a", "dma", 1, bootargs=f"peer=0x{MEM_BASE + MEM_SIZE:x}",
                  channels=[("mgr", "m", "worker")]),
        partition("m", "dma", 2, manages=["a"], channels=[("worker", "a", "mgr")],
                  bootargs=f"role=manager count={CYCLES}")])
    cfg = tmp_path / "dma.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--config", cfg, *SELFTEST, "--", "-device",
               "edu,dma_mask=0xffffffff", *extra, timeout=TIMEOUT)
    con.wait_ready()
    # Every restart hits a DMA in flight; after it the source is back to disabled (before
    # enable: 0 bytes), nothing of the DMA landed after the scrub, the handle is the same (no
    # handle leak), and m's buffer that a aims at is never touched.
    if not re.search(r"(?m)^\[m\] manager: done", con.output):
        con.expect_line(r"(?:bulkhead> )?\[m\] manager: done", timeout=CYCLES * 10 + 30)
    out = con.output
    restarts = re.findall(r"(?m)^(?:bulkhead> )?\[m\] restart \d+: status (\d+)", out)
    assert restarts == ["0"] * CYCLES, out
    all_runs = runs(guest_lines(out, "a"))
    assert len(all_runs) == CYCLES + 1, out
    for n, run in enumerate(all_runs):
        assert run == GUEST_STEPS, f"run {n + 1}: {run}"
    assert re.search(r"(?m)^(?:bulkhead> )?\[m\] manager: watched buffer: 0 bytes changed",
                     out), out
    assert "blocked" not in out and "could not be disabled" not in out
    assert "held back" not in out
