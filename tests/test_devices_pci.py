"""PCI function assignment (issue 5): the hypervisor owns QEMU ppce500's PCI host bridge and
gives single functions to partitions (config pci-function = <device function>). A guest finds
QEMU's edu device through the device ABI only, checks its emulated configuration space, maps
BAR0, checks the identification and liveness registers, computes factorials and receives
edu's interrupts through the virtual PIC; another partition gets pci-testdev and sees nothing
else; a partition touching a BAR it does not own is stopped. The edu test runs on x86 too
(q35, the I/O APIC delivering edu's INTx, docs/x86.md)."""
import re

import pytest

from guestrun import ARCHES, arch_args
from partcfg import config, partition

EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'
TESTDEV = 'testdev { device = "/pci@fe0008000"; pci-function = <3 0>; no-dma; };'
TESTDEV_ANY = 'testdev { device = "pci0"; pci-function = <3 0>; no-dma; };'
QEMU_PCI = ["-device", "edu,addr=2.0", "-device", "pci-testdev,addr=3.0"]


@pytest.fixture
def boot(qemu, tmp_path):
    def start(parts, arch="powerpc"):
        dts, extra = config(parts, arch)
        cfg = tmp_path / "pci.dts"
        cfg.write_text(dts)
        con = qemu("--direct", "--smp", "4", *arch_args(arch), "--config", cfg, "--", *extra,
                   *QEMU_PCI)
        con.wait_ready()
        return con
    return start


def guest_lines(con, label):
    return re.findall(r"(?m)^\[" + re.escape(label) + r"\] (.*)\n", con.output)


def wait_line(con, regex):
    m = re.search(r"(?m)^" + regex + r"\n", con.output)
    return m or con.expect_line(regex)


@pytest.mark.parametrize("arch", ARCHES)
def test_edu_through_the_abi_with_interrupts(boot, arch):
    con = boot([partition("e", "edu", 1, extra=EDU),
                partition("l", "lsdev", 2, extra=TESTDEV_ANY)], arch)
    wait_line(con, r"partition e: exited with code 0")
    lines = guest_lines(con, "e")
    assert not [l for l in lines if l.startswith("FAIL")], lines
    for what in ("a PCI function: 8 regions, 3 irq indexes",
                 "config space: vendor 1234 device 11e8", "BAR0 sizing protocol: 1 MiB",
                 "BAR0 cannot be moved", "expansion ROM and capabilities hidden",
                 "identification register", "liveness register", "5! = 120",
                 "10! = 3628800", "interrupt raised by edu arrives",
                 "factorial-done interrupt arrives"):
        assert f"PASS: {what}" in lines, (what, lines)
    assert "edu: 2 interrupts through the virtual PIC" in lines
    assert "partition e: PCI 1234:11e8 at 00:02.0" in con.output


def test_each_partition_sees_only_its_function(boot):
    con = boot([partition("e", "edu", 1, extra=EDU),
                partition("l", "lsdev", 2, extra=TESTDEV)])
    wait_line(con, r"partition l: exited with code 0")
    lines = guest_lines(con, "l")
    assert "lsdev: 1 device" in lines, lines
    assert "device 1: /pci@fe0008000 (pci) regions 8 irqs 3" in lines
    # pci-testdev's BAR0 (4 KiB) comes after edu's 1 MiB in the bridge's window
    assert ("  region 0: guest 0xc00100000 size 0x1000 phys 0xc00100000 flags rwmp "
            "from node[0]") in lines
    assert any(re.match(r"  region 7: guest 0xff0018000 size 0x100 phys 0x0 flags rw-- ", l)
               for l in lines), lines
    assert "  irq 0: count 0 handles  flags edge from node[0] of /pci@fe0008000" in lines


def test_touching_another_partitions_bar_stops_the_partition(boot):
    con = boot([partition("e", "edu", 1, extra=EDU),
                partition("a", "attacker", 2, bootargs="target=0xc00000000", extra=TESTDEV)])
    wait_line(con, r"partition a: isolation fault on vcpu 0: tlbwe maps guest physical "
              r"0xc00000000-0xc00000fff outside the partition's memory, pc 0x[0-9a-f]{8}")
    assert "attacker: read 0x" not in con.output
    wait_line(con, r"partition e: exited with code 0")
    assert not [l for l in guest_lines(con, "e") if l.startswith("FAIL")]


def test_one_function_cannot_go_to_two_partitions(boot):
    con = boot([partition("e", "edu", 1, extra=EDU), partition("f", "edu", 2, extra=EDU)])
    assert re.search(r"(?m)^config: /part-f/edu: device: /pci@fe0008000 is already assigned "
                     r"to partition \"e\" \(/part-e/edu\)$", con.output), con.output
    assert "config: refused; no partition started" in con.output


def test_pci_function_needs_a_pci_host_bridge(boot):
    con = boot([partition("e", "edu", 1,
                          extra='x { device = "serial0"; pci-function = <2 0>; };')])
    assert re.search(r"(?m)^config: /part-e/x: pci-function: serial0 is not a PCI host "
                     r"bridge\r*\n", con.output), con.output
