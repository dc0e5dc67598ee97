"""The shared test guests on x86 (issue 16, docs/guests.md "x86 guests"): the same sources as
PowerPC's, built on the portable runtime and its x86 part, run as x86 partitions with the same
expected results."""
import re
import shutil
import subprocess

import pytest

from partcfg import config, partition
from guestrun import X86_TEST_ELF
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


# --- the vCPU's local APIC (arch/x86/vcpu/vlapic.c, docs/x86.md "Local APIC") ----------------
ICOUNT = "--icount=shift=3,sleep=off"    # emulated time follows the instructions: no host speed
LAPIC_CHECKS = [
    "the APIC ID is CPUID's initial APIC ID",
    "an integrated APIC's version",
    "SVR, divide and LVT timer read back",
    "the current count runs down from the initial",
    "periodic timer interrupts arrive within the bound",
    "interrupts are not early",
    "no interrupt while EFLAGS.IF=0, the count at 0",
    "the pending interrupt is taken at STI",
    "a one-shot timer fires once",
    "a masked LVT timer raises none",
]


def lapic_run(qemu, tmp_path, bootargs, *launcher):
    con, _ = boot(qemu, tmp_path, [partition("t", "lapic", 1, bootargs=bootargs)], ICOUNT,
                  *launcher)
    return con


def test_x86_local_apic_timer(qemu, tmp_path):
    """The lapic guest programs its vCPU's local APIC timer: 20 periodic interrupts of 1 ms
    arrive, none early (positive control of the two checks below), one held while IF = 0 is
    taken at STI, a one-shot fires once, a masked LVT raises none."""
    con = lapic_run(qemu, tmp_path, "count=20 period=1000")
    con.wait_line(r"partition t: exited with code 0")
    lines = guest_lines(con, "t")
    assert [l[len("PASS: "):] for l in lines if l.startswith(("PASS", "FAIL"))] == \
        LAPIC_CHECKS, lines
    assert "lapic: id 0x00000000 version 0x00050014" in lines, lines
    assert re.search(r"(?m)^lapic: 20 interrupts in 19\d{3} us \(period 1000 us\)$",
                     "\n".join(lines)), lines


def test_x86_local_apic_negative_control_mask_ignored(qemu, tmp_path):
    """bulkhead.mutate=vlapic-unmasked (the LVT mask ignored): the masked timer's interrupts
    arrive, so the masked check of the test above fails."""
    con = lapic_run(qemu, tmp_path, "count=20 period=1000", "--elf", str(X86_TEST_ELF),
                    "--append", "bulkhead.mutate=vlapic-unmasked")
    con.wait_line(r"partition t: exited with code \d+")
    lines = guest_lines(con, "t")
    assert any(l.startswith("FAIL: a masked LVT timer raises none") for l in lines), lines
    assert "PASS: periodic timer interrupts arrive within the bound" in lines, lines


def test_x86_local_apic_icr_write_is_an_isolation_fault(qemu, tmp_path):
    """The virtual local APIC has no interrupt command register (no IPIs between vCPUs): a
    write is an isolation fault naming the register's address, after the timer checks pass."""
    con = lapic_run(qemu, tmp_path, "count=2 period=1000 icr=1")
    con.wait_line(r"partition t: isolation fault on vcpu 0: access to guest physical "
                  r"0xfee00300 \(a local APIC register not emulated, or a read-only one "
                  r"written\) \(nested page fault, error 0x[0-9a-f]+\) at rip 0x[0-9a-f]+")
    con.wait_line(r"partition t: stopped \(isolation fault\)")
    lines = guest_lines(con, "t")
    assert "lapic: writing the ICR" in lines and "lapic: ICR written" not in lines, lines
