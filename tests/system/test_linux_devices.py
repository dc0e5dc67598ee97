"""Devices assigned to the Linux partition, as Linux's own drivers see them (issue 13;
docs/linux.md): UART1 (serial1, the second 16550) under the stock 8250/of_serial driver,
interrupt-driven both ways, and the descriptor ABI read by the out-of-tree module bhdev.ko,
whose /sys/kernel/debug/bulkhead/devices lines equal what "bhctl devices" predicts offline;
a byte channel to another partition (an echo guest) as Linux's /dev/ttyEHV1 under ehv_bytechan.
QEMU's second -serial is a FIFO pair (tests/test_devices.py Uart1)."""
import re
import subprocess

import pytest

from guestrun import partition_lines
from linuxcfg import QEMU_MEM, config
from partcfg import ROOT
from test_devices import BHCTL, UART1, Uart1
from .test_linux import attach, boot, linux, wait_line


@pytest.fixture
def uart1(tmp_path):
    u = Uart1(tmp_path)
    yield u
    u.close()


def hw_tree(path):
    """The hardware tree QEMU builds for the Linux tests' machine (-smp 4, QEMU_MEM, UART1)."""
    subprocess.run([str(ROOT / "tools" / "run-qemu.sh"), "--direct", "--smp", "4", "--mem",
                    QEMU_MEM, "--dump-dtb", str(path), "--", "-serial", "null"], cwd=str(ROOT),
                   check=True, timeout=60, stdin=subprocess.DEVNULL, capture_output=True)
    return path


def cat(con, path):
    """The lines of a file in Linux, read by /init's cat (followed by an echo as end mark)."""
    start = len(con.output)
    attach(con)
    con.child.send(f"cat {path}\r")
    con.expect_exact("[l] linux> ")          # cat is done: /init's next prompt
    con.child.send("echo end-of-cat\r")
    m = wait_line(con, r"\[l\] bulkhead-linux: echo end-of-cat", since=start)
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    lines = partition_lines(con.output[start:m.start()], "l")
    return [re.sub(r"^(?:linux> )+", "", l) for l in lines]


def test_uart1_under_linux_8250_interrupt_driven(qemu, tmp_path, uart1):
    con = boot(qemu, tmp_path, linux_extra=UART1, qemu_args=uart1.qemu_args())
    # the stock driver found UART1 in the guest tree, with an interrupt (not polled: irq 0)
    serial = cat(con, "/proc/tty/driver/serial")
    port = [l for l in serial if l.startswith("0: ")]
    assert port and re.match(r"0: uart:16550A? mmio:0xFE0004600 irq:[1-9]\d* ", port[0]), serial
    start = len(con.output)
    attach(con)
    con.child.send("ttyio /dev/ttyS0 20000 from-linux-to-the-host\r")
    wait_line(con, r"\[l\] bulkhead-linux: ttyio /dev/ttyS0: wrote 24 bytes",
              since=start)
    assert "from-linux-to-the-host\r\n" in uart1.read_until("from-linux-to-the-host\r\n")
    uart1.write("from-the-host-to-linux\n")
    irqs = wait_line(con, r"\[l\] bulkhead-linux: ttyio /dev/ttyS0: interrupts (-?\d+) -> (\d+)",
                     since=start)
    m = wait_line(con, r"\[l\] bulkhead-linux: ttyio /dev/ttyS0: read '(.*)'", since=start)
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    assert m.group(1) == "from-the-host-to-linux"
    # the port's interrupt line counted the transmit and receive interrupts while it was open
    before, after = int(irqs.group(1)), int(irqs.group(2))
    assert 0 <= before < after, (before, after)


def test_byte_channel_to_another_partition_is_dev_ttyehv1(qemu, tmp_path):
    """Partition e runs the echo guest with its console on a byte channel whose other end is
    Linux's second byte channel: Linux's ehv_bytechan makes it /dev/ttyEHV1 (the console stays
    ttyEHV0); a line written there comes back from e as "echo: LINE", received by interrupt.
    (Its /proc/interrupts lines are all named "ehv-bc", so ttyio's count is not per port here.)"""
    con = boot(qemu, tmp_path, peer=True)
    assert "[e] " not in con.output           # e's console is Linux's channel, not the mux
    start = len(con.output)
    attach(con)
    con.child.send("ttyio /dev/ttyEHV1 20000 across-the-partitions\r")
    m = wait_line(con, r"\[l\] bulkhead-linux: ttyio /dev/ttyEHV1: read '(.*)'", since=start)
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    # ehv_bytechan reads a channel only in its receive interrupt handler (it has no polled
    # receive), so the answer arriving shows the channel's rx interrupt reached Linux
    assert m.group(1) == "echo: across-the-partitions"
    assert "[e] " not in con.output


def test_bhdev_module_shows_the_devices_bhctl_predicts(qemu, tmp_path, uart1):
    con = boot(qemu, tmp_path, linux_extra=UART1, qemu_args=uart1.qemu_args())
    assert linux(con, "insmod /modules/bhdev.ko", r"insmod (.*)").group(1) == \
        "/modules/bhdev.ko: loaded"
    lines = cat(con, "/sys/kernel/debug/bulkhead/devices")
    assert "bhdev: 1 device" in lines, lines
    guest = [l for l in lines if re.match(r"(device|  region|  irq) ", l)]
    assert guest == bhctl_devices(tmp_path, tmp_path / "linux.dts")
    assert guest[0] == "device 1: /soc@fe0000000/serial@4600 (dt) regions 1 irqs 1"


def bhctl_devices(tmp_path, cfg):
    """What "bhctl devices" predicts offline for partition l of cfg."""
    hw = hw_tree(tmp_path / "hw.dtb")
    return subprocess.run([str(BHCTL), "devices", str(hw), str(cfg), "--partition", "l"],
                          capture_output=True, text=True, timeout=30, check=True
                          ).stdout.splitlines()


def test_lsdev_in_the_linux_partitions_place_prints_the_same_lines(qemu, tmp_path, uart1):
    """partitions/lsdev run as partition l with the devices, handles and memory of the Linux
    partition: its lines equal bhctl's for that config and for the Linux config (so, by the
    test above, what bhdev.ko shows in Linux)."""
    dts, extra = config(linux_extra=UART1, guest=ROOT / "build" / "powerpc" / "partitions" /
                        "lsdev.elf")
    cfg = tmp_path / "lsdev.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", "--mem", QEMU_MEM, "--config", cfg, "--", *extra,
               *uart1.qemu_args())
    con.wait_ready()
    wait_line(con, r"partition l: exited with code 0")
    lines = partition_lines(con.output, "l")
    assert "lsdev: 1 device" in lines, lines
    guest = [l for l in lines if re.match(r"(device|  region|  irq) ", l)]
    linux_cfg = tmp_path / "linux.dts"
    linux_cfg.write_text(config(linux_extra=UART1)[0])
    assert guest == bhctl_devices(tmp_path, cfg) == bhctl_devices(tmp_path, linux_cfg)
    assert guest[0] == "device 1: /soc@fe0000000/serial@4600 (dt) regions 1 irqs 1"
