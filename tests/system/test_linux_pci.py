"""PCI in a Linux partition (issue 13, PCI part; docs/devices.md "PCI in a Linux partition"):
unmodified Linux 6.1 drives a QEMU NVMe disk assigned to its partition with its stock fsl_pci
and nvme drivers, through the emulated Freescale PCI controller of hv/vpci_host.c, with real
DMA confined by the controller's inbound-window fence."""
import hashlib

import pytest

from linuxcfg import QEMU_MEM, config
from system.test_linux import INIT, READY, TIMEOUT, linux, wait_line

DEVFN = "2 0"
DISK_SIZE = 1 << 20
NVME = f'disk {{ device = "pci0"; pci-function = <{DEVFN}>; no-dma-disable; }};'


def disk_image(path):
    """1 MiB with a known, position-dependent pattern; returns its SHA-256."""
    data = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(DISK_SIZE // 32))
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def nvme_args(img):
    return ["-drive", f"file={img},if=none,id=d0,format=raw",
            "-device", "nvme,drive=d0,serial=bh0,addr=2.0"]


def boot(qemu, tmp_path, img, launcher=(), mutate=None):
    """Linux with the NVMe function 2.0 assigned, beside hello; returns the console."""
    dts, extra = config(linux_extra=NVME)
    cfg = tmp_path / "linux.dts"
    cfg.write_text(dts)
    args = list(launcher)
    if mutate:
        args += ["--append", f"bulkhead.mutate={mutate}"]
    con = qemu("--direct", "--smp", "4", "--mem", QEMU_MEM, *args, "--config", cfg, "--",
               *extra, *nvme_args(img), timeout=TIMEOUT)
    con.wait_ready()
    wait_line(con, INIT)
    wait_line(con, READY)
    return con


def test_linux_enumerates_the_assigned_nvme(qemu, tmp_path):
    img = tmp_path / "disk.img"
    disk_image(img)
    con = boot(qemu, tmp_path, img)
    m = linux(con, "cat /proc/partitions", r"(.*)")
    print(con.output[-4000:])
    assert "nvme0n1" in con.output
