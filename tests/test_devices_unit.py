"""Host unit test of the device descriptor builder (tests/unit/test_device_desc.c, ASan+UBSan):
reg through ranges, interrupts through interrupt-parent and a PCI interrupt-map, handle
numbering, and the index/kind/short-buffer answers of the device ABI."""
import pathlib
import subprocess

UNIT = pathlib.Path(__file__).resolve().parent.parent / "build/host/unit/test_device_desc"


def test_device_desc():
    r = subprocess.run([str(UNIT)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr == "", "sanitizer or other report: " + r.stderr
    assert r.stdout.endswith(" 0 failed\n"), r.stdout
    assert int(r.stdout.split(": ")[1].split()[0]) >= 50
