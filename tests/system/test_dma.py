"""DMA fence (issue 6) on QEMU ppce500: the PCI controller's inbound windows, driven through
the IOMMU layer by the hypervisor's self-test (bulkhead.selftest=dma) with QEMU's edu device
attached to partition p0's DMA domain. Each line the test reads says which bytes of a DMA
transfer landed where; the hypervisor checks the memory itself (the guest-side tests come
with device assignment)."""
import re

import pytest

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
