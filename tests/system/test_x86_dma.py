"""x86 VT-d back end (issue 16, docs/x86.md, docs/dma.md): the test image's
bulkhead.selftest=dma drives QEMU's edu device through the VT-d unit with partition p0 of the
demo config as the DMA domain: blocked while the source is disabled, translated to the
partition's memory while enabled, blocked again after the disable (context entry cleared and
invalidated), 0 bytes of a transfer in flight at the quiesce land, and the unit's fault records
reach the fault log. Negative control: bulkhead.mutate=vtd-no-invalidate clears the context
entry without invalidating, and the stale caches let the DMA through."""
import re
import shutil

import pytest

from qemu_console import ROOT

X86_ELF = ROOT / "build" / "x86" / "bulkhead.elf32"
X86_TEST_ELF = ROOT / "build" / "x86" / "bulkhead-test.elf32"
SELFTEST = ("--append", "bulkhead.selftest=dma")
CHECKS = ["attached to the partition's domain", "attached, disabled: DMA lands nowhere",
          "enabled", "enabled: DMA reads and writes at the guest-physical address", "disabled",
          "disabled again: DMA lands nowhere", "enabled again",
          "quiesced with a transfer in flight", "in flight at quiesce: 0 bytes landed",
          "the blocked writes were recorded"]

pytestmark = pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None,
                                reason="qemu-system-x86_64 is not installed "
                                       "(scripts/deps.sh installs qemu-system-x86)")


@pytest.fixture
def x86(qemu):
    for f in (X86_ELF, X86_TEST_ELF):
        if not f.is_file():
            pytest.fail(f"{f} is missing: run 'make ARCH=x86 all build/x86/bulkhead-test.elf32' "
                        "(make check builds them)")

    def start(*args):
        return qemu("--arch", "x86", "--direct", *args)
    return start


def results(out):
    return re.findall(r"(?m)^dma-selftest: (PASS|FAIL) (.+)$", out)


def test_x86_vtd_selftest(x86):
    con = x86("--elf", X86_TEST_ELF, *SELFTEST)
    out = con.wait_ready()
    assert "iommu: VT-d at 0xfed90000: translation on, all DMA blocked" in out
    assert "dma-selftest: edu at 00:02.0, partition p0" in out
    assert [what for _, what in results(out)] == CHECKS, out
    assert all(verdict == "PASS" for verdict, _ in results(out)), out
    assert re.search(r"(?m)^dma: pci 0x10 of p0: blocked write at 0x200000 \(reason 0x2\)$", out)
    assert re.search(rf"(?m)^dma-selftest: {len(CHECKS)} passed, 0 failed$", out)


def test_negative_control_vtd_no_invalidate(x86):
    con = x86("--elf", X86_TEST_ELF, "--append",
              "bulkhead.selftest=dma bulkhead.mutate=vtd-no-invalidate")
    con.expect_line(r"TEST IMAGE: protections broken on purpose: vtd-no-invalidate")
    out = con.wait_ready()
    assert "dma-selftest: in flight at quiesce: 64 bytes landed" in out
    failed = [what for verdict, what in results(out) if verdict == "FAIL"]
    assert failed == ["disabled again: DMA lands nowhere",
                      "in flight at quiesce: 0 bytes landed"], out


def test_x86_release_image_refuses_the_selftest(x86):
    out = x86(*SELFTEST).wait_ready()
    assert re.search(r"(?m)^bulkhead.selftest: refused, this is a release image", out)
    assert "dma-selftest" not in out
