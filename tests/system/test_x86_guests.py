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
    """args: launcher options, then "--" and QEMU's own (as tools/run-qemu.sh takes them)."""
    dts, extra = config(parts, arch="x86")
    cfg = tmp_path / "x86-guests.dts"
    cfg.write_text(dts)
    own = list(args[args.index("--") + 1:]) if "--" in args else []
    args = args[:args.index("--")] if "--" in args else args
    con = qemu("--arch", "x86", "--direct", *args, "--config", cfg, "--", *extra, *own)
    con.wait_ready()
    return con, cfg


def test_x86_lsdev_output_matches_bhctl_devices(qemu, tmp_path):
    """lsdev (partitions/lsdev) asks the device descriptor ABI through VMMCALL about the edu
    function assigned to it; its listing (regions, the INTx through the host bridge's
    interrupt-map) agrees with what bhctl prints offline for the same config and q35 tree in
    all but the BARs, which only the running hypervisor sizes and places (bhctl, without the
    hardware, prints them empty)."""
    con, cfg = boot(qemu, tmp_path, [partition(
        "l", "lsdev", 1, extra='edu { device = "pci0"; pci-function = <2 0>; };')],
        "--", "-device", "edu,addr=2.0")
    con.wait_line(r"partition l: exited with code 0")
    lines = guest_lines(con, "l")
    assert "lsdev: 1 device" in lines, lines
    assert "device 1: /pcie@b0000000 (pci) regions 8 irqs 3" in lines, lines
    assert ("  region 0: guest 0xc0000000 size 0x100000 phys 0xc0000000 flags rwmp "
            "from node[0]") in lines, lines
    assert re.search(r"(?m)^  region 7: guest 0x[0-9a-f]+ size 0x100 phys 0x0 flags rw-- ",
                     "\n".join(lines)), lines
    assert ("  irq 0: count 1 handles 2 flags level,maskable from interrupt-map[4] of "
            "/pcie@b0000000") in lines, lines
    guest = [l for l in lines if re.match(r"(device|  irq) ", l)]
    dtb = tmp_path / "cfg.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(cfg)], check=True)
    out = subprocess.run([str(BHCTL), "devices", str(ROOT / "build" / "dts" / "qemu-q35" /
                                                     "q35.dtb"), str(dtb), "--partition", "l"],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    offline = [l for l in out.splitlines() if re.match(r"(device|  irq) ", l)]
    assert guest == offline, (guest, out)
