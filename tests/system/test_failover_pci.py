"""Claimable PCI functions (issue 15; docs/devices.md#failover): QEMU's edu function is given
to two partitions, "active" in act and "standby" in stby, both running the dma guest. While act
holds it, stby's copy is inert: its configuration space reads as an empty slot (all ones), its
DMA source cannot be enabled (EV_INVALID_STATE), and its claim is refused (EV_INVALID_STATE).
Once act is stopped the claim moves the function whole: configuration space (edu's IDs), BAR
(edu's identification register), the DMA source (stby's transfer lands in stby's memory, with
its fence closed before FH_DMA_ENABLE and after FH_DMA_DISABLE), and act's transfer that was
in flight at its stop does not land in stby. Negative control (test image): claim-keep-dma
leaves the DMA source with act, and stby's transfer never lands."""
import pytest

from guestrun import mutation_args
from partcfg import config, partition

ACTIVE = 'edu { device = "pci0"; pci-function = <2 0>; claimable = "active"; };'
STANDBY = 'edu { device = "pci0"; pci-function = <2 0>; claimable = "standby"; };'
EDU = ("-device", "edu,addr=2.0,dma_mask=0xffffffff")
EV_INVALID_STATE = 11


def boot(qemu, tmp_path, hv_test_elf=None, mutate=None):
    parts = [partition("act", "dma", 1, extra=ACTIVE),
             partition("stby", "dma", 2, bootargs="claim=1", extra=STANDBY,
                       no_auto_start=True)]
    dts, extra = config(parts)
    cfg = tmp_path / "failover-pci.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", *mutation_args(hv_test_elf, mutate), "--config", cfg,
               "--", *EDU, *extra)
    con.wait_ready()
    return con


def fail_over(con):
    """act runs its DMA steps; stby starts on standby and is refused; act stops; stby's claim
    goes through. Returns the console output from stby's start on."""
    con.wait_line(r"\[act\] after enable: 64 bytes landed")
    con.wait_line(r"\[act\] dma in flight")
    since = len(con.output)
    con.command("start stby")
    con.wait_line(r"\[stby\] dma: claimable standby, status disabled", since)
    con.wait_line(r"\[stby\] dma: standby config space reads 0xffffffff", since)
    con.wait_line(rf"\[stby\] dma: standby enable: status {EV_INVALID_STATE}", since)
    con.wait_line(rf"\[stby\] dma: claim refused with status {EV_INVALID_STATE}", since)
    con.command("stop act")
    con.wait_line(r"\[stby\] dma: claimed after \d+ refusals", since)
    con.wait_line(r"\[stby\] after disable: \d+ bytes landed", since)
    return con.output[since:]


def test_claimed_pci_function_moves_with_its_dma(qemu, tmp_path):
    con = boot(qemu, tmp_path)
    out = fail_over(con)
    assert "partition stby: claimed a device from act" in out, out
    assert "[stby] dma: config space reads 0x11e81234" in out, out   # edu: 1234:11e8
    assert "[stby] bus master at start: off" in out, out
    # act's last transfer, in flight at its stop, did not land in stby's memory
    assert "[stby] left-over DMA" in out and "bytes landed" in out, out
    for line in out.splitlines():
        if line.startswith("[stby] left-over DMA"):
            assert line.endswith(": 0 bytes landed"), line
    assert "[stby] before enable: 0 bytes landed" in out, out       # fence closed
    assert "[stby] enable: status 0" in out, out
    assert "[stby] after enable: 64 bytes landed" in out, out       # positive control
    assert "[stby] data: as sent" in out, out
    assert "[stby] after disable: 0 bytes landed" in out, out
    assert "isolation fault" not in out, out


def test_negative_control_claim_keeps_pci_dma(qemu, tmp_path, hv_test_elf):
    """claim-keep-dma: config space and BAR move, the DMA source stays with act (stopped,
    fenced): stby's enable is refused and its transfer never lands."""
    con = boot(qemu, tmp_path, hv_test_elf, "claim-keep-dma")
    out = fail_over(con)
    assert "[stby] dma: config space reads 0x11e81234" in out, out
    assert "[stby] after enable: 64 bytes landed" not in out, out
    assert "[stby] after enable: 0 bytes landed" in out, out
