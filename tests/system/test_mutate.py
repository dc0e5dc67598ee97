"""bulkhead.mutate=: the test-only switch that breaks a protection for a negative control is
honoured by the test image only; the release image says it refuses it and runs unchanged."""
import pytest


@pytest.mark.parametrize("path", ["--direct", "--uboot"])
def test_release_image_refuses_mutations(qemu, path):
    con = qemu(path, "--smp", "2", "--no-config", "--append", "bulkhead.mutate=scrub")
    con.expect_line(r"bulkhead\.mutate: refused, this is a release image \(test image only\)")
    out = con.wait_ready()
    assert "TEST IMAGE" not in out


def test_test_image_announces_mutations(qemu, hv_test_elf):
    con = qemu("--direct", "--elf", str(hv_test_elf), "--smp", "2", "--no-config",
               "--append", "bulkhead.mutate=scrub,fence-close")
    con.expect_line(r"TEST IMAGE: protections broken on purpose: scrub,fence-close")
    con.wait_ready()
