"""A shared interrupt line (issue 12, finding 2). On QEMU ppce500, PCI slots 2 and 6 both
route INTA to MPIC source 3. Giving their functions to two partitions is refused by the
validator (tests/configs/bad/pci-intx-shared-between-partitions.dts); given to one partition,
the line works: edu (slot 2) gets its interrupts through the virtual PIC while pci-testdev
(slot 6) holds a second, masked handle on the same source."""
from partcfg import partition
from test_devices_pci import boot, guest_lines, wait_line  # noqa: F401 (fixture)

EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'
TESTDEV6 = 'testdev { device = "/pci@fe0008000"; pci-function = <6 0>; };'
QEMU_PCI = ["-device", "edu,addr=2.0", "-device", "pci-testdev,addr=6.0"]


def test_shared_line_within_one_partition_delivers(qemu, tmp_path):
    from partcfg import config
    # testdev first: nodes added later come first in the guest tree, where the edu guest
    # takes the first PCI function it finds
    dts, extra = config([partition("e", "edu", 1, extra=TESTDEV6 + EDU)])
    cfg = tmp_path / "shared.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", "--config", cfg, "--", *extra, *QEMU_PCI)
    con.wait_ready()
    wait_line(con, r"partition e: exited with code 0")
    lines = guest_lines(con, "e")
    assert "PASS: interrupt raised by edu arrives" in lines, lines
    assert "PASS: factorial-done interrupt arrives" in lines, lines
    assert "edu: 2 interrupts through the virtual PIC" in lines, lines
    assert "partition e: PCI 1234:11e8 at 00:02.0" in con.output
    assert "partition e: PCI 1b36:0005 at 00:06.0" in con.output


def test_shared_line_between_partitions_is_refused(qemu, tmp_path):
    from partcfg import config
    dts, extra = config([partition("e", "edu", 1, extra=EDU),
                         partition("t", "lsdev", 2, extra=TESTDEV6.replace("<6 0>;", "<6 0>; no-dma;"))])
    cfg = tmp_path / "shared.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", "--config", cfg, "--", *extra, *QEMU_PCI)
    con.expect_line(r"config: refused; no partition started")
    assert ('config: /part-t/testdev: device: /pci@fe0008000 function 06.0 (INTA) and '
            '/pci@fe0008000 function 02.0 (INTA) (/part-e/edu) raise the same interrupt source '
            '3 of /soc@fe0000000/pic@40000; partitions "t" and "e" would mask and route each '
            "other's interrupt: give both to one partition") in con.output, con.output
