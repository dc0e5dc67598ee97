"""The shared test guests on x86 (issue 16, docs/guests.md "x86 guests"): the same sources as
PowerPC's, built on the portable runtime and its x86 part, run as x86 partitions with the same
expected results."""
import re
import shutil
import subprocess

import pytest

from partcfg import config, partition
from qemu_console import ROOT

BHCTL = ROOT / "build" / "host" / "bhctl"

pytestmark = pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None,
                                reason="qemu-system-x86_64 is not installed "
                                       "(scripts/deps.sh installs qemu-system-x86)")


def guest_lines(con, label):
    """Complete lines printed by partition label, prefix removed."""
    return re.findall(r"(?m)^\[" + re.escape(label) + r"\] (.*)\n", con.output)


def boot(qemu, tmp_path, parts, *args):
    dts, extra = config(parts, arch="x86")
    cfg = tmp_path / "x86-guests.dts"
    cfg.write_text(dts)
    con = qemu("--arch", "x86", "--direct", *args, "--config", cfg, "--", *extra)
    con.wait_ready()
    return con, cfg


def test_x86_lsdev_output_matches_bhctl_devices(qemu, tmp_path):
    """lsdev (partitions/lsdev) asks the device descriptor ABI through VMMCALL; its listing is
    the one bhctl prints offline for the same config (x86 partitions have no hardware devices
    yet: both list none, docs/x86.md)."""
    con, cfg = boot(qemu, tmp_path, [partition("l", "lsdev", 1)])
    con.wait_line(r"partition l: exited with code 0")
    lines = guest_lines(con, "l")
    assert "lsdev: 0 devices" in lines
    guest = [l for l in lines if re.match(r"(device|  region|  irq) ", l)]
    dtb = tmp_path / "cfg.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(cfg)], check=True)
    out = subprocess.run([str(BHCTL), "devices", str(ROOT / "build" / "dts" / "qemu-q35" /
                                                     "q35.dtb"), str(dtb), "--partition", "l"],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    assert guest == out.splitlines()
