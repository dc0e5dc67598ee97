"""tools/run-qemu.sh: options, the QEMU command it builds, the U-Boot control DTB it generates,
and the demo config it boots by default."""
import os
import re
import selectors
import shlex
import socket
import subprocess
import time

import pytest

from hwtree import Tree
from qemu_console import LAUNCHER, ROOT, TIMEOUT

DEMO = ROOT / "dts" / "qemu-ppce500" / "demo.dts"


def launcher(*args, check=True):
    return subprocess.run([str(LAUNCHER), *map(str, args)], capture_output=True, text=True,
                          timeout=60, check=check, stdin=subprocess.DEVNULL, cwd=str(ROOT))


def qemu_argv(*args):
    """The QEMU command line the launcher would run (--dry-run)."""
    return shlex.split(launcher("--dry-run", *args).stdout)


def opt_values(argv, opt):
    return [argv[i + 1] for i, a in enumerate(argv) if a == opt]


def test_help_and_bad_option():
    r = launcher("--help")
    assert "--uboot" in r.stdout and "--direct" in r.stdout and "Ctrl-A then X" in r.stdout
    r = launcher("--frobnicate", check=False)
    assert r.returncode == 2 and "unknown option '--frobnicate'" in r.stderr


def test_direct_command_line():
    argv = qemu_argv("--direct", "--smp", "2", "--mem", "256", "--append", "a=1",
                     "--append", "b=2", "--icount", "--", "-d", "guest_errors")
    assert argv[0] == "qemu-system-ppc"
    assert opt_values(argv, "-M")[0] == "ppce500" and opt_values(argv, "-cpu") == ["e500mc"]
    assert opt_values(argv, "-smp") == ["2"] and opt_values(argv, "-m") == ["256"]
    assert opt_values(argv, "-kernel") == [str(ROOT / "build/powerpc/bulkhead.elf")]
    assert opt_values(argv, "-append") == ["config-addr=0x06000000 a=1 b=2"]
    assert opt_values(argv, "-icount") == ["shift=0,sleep=off"]
    assert "-bios" not in argv
    # The console is a multiplexed stdio, so Ctrl-A X (QEMU's escape) works.
    assert opt_values(argv, "-chardev") == ["stdio,id=con0,mux=on"]
    assert opt_values(argv, "-serial") == ["chardev:con0"]
    img0, img1, loader = opt_values(argv, "-device")
    # the demo config's two guest images, then the config blob
    assert img0 == f"loader,file={ROOT}/build/powerpc/partitions/hello.elf,addr=0x18000000,force-raw=on"
    assert img1 == f"loader,file={ROOT}/build/powerpc/partitions/hello.elf,addr=0x18800000,force-raw=on"
    assert re.fullmatch(r"loader,file=.*/build/qemu/config-demo-[0-9a-f]+\.dtb,"
                        r"addr=0x06000000,force-raw=on", loader)
    assert argv[-2:] == ["-d", "guest_errors"]    # pass-through comes last


def test_no_config_and_serial_socket():
    argv = qemu_argv("--direct", "--no-config", "--serial-socket", "/tmp/bh.sock")
    assert opt_values(argv, "-append") == [""]
    assert "-device" not in argv
    assert opt_values(argv, "-serial") == ["chardev:con0"]
    assert opt_values(argv, "-chardev") == ["socket,id=con0,path=/tmp/bh.sock,server=on,wait=on"]


def test_uboot_command_line_and_control_dtb():
    argv = qemu_argv("--uboot", "--smp", "3", "--append", "bulkhead.inject=illegal@1")
    assert opt_values(argv, "-bios") == ["/usr/lib/u-boot/qemu-ppce500/uboot.elf"]
    assert "-kernel" not in argv and "-append" not in argv
    devices = opt_values(argv, "-device")
    assert f"loader,file={ROOT}/build/powerpc/bulkhead.uimg,addr=0x02000000,force-raw=on" \
        in devices
    assert any(d.startswith("loader,file=") and "addr=0x06000000" in d for d in devices)
    (dtb,) = opt_values(argv, "-dtb")
    assert dtb.startswith(str(ROOT / "build" / "qemu") + "/")
    tree = Tree(dtb)
    # QEMU's own tree for the same options ...
    assert len(tree.subnodes("/cpus")) == 3
    assert tree.cells("/memory", "reg") == [0, 0, 0, 512 << 20]
    # ... plus a /config node that makes U-Boot boot at once with our boot arguments.
    assert tree.cells("/config", "bootdelay") == [0]
    bootcmd = tree.text("/config", "bootcmd")
    assert 'fdt set /chosen bootargs "config-addr=0x06000000 bulkhead.inject=illegal@1"' \
        in bootcmd
    assert bootcmd.index("fdt addr ${fdtcontroladdr}") < bootcmd.index("fdt move") \
        < bootcmd.index("fdt set") < bootcmd.index("bootm 0x02000000 - ")


def test_uboot_refuses_unsafe_boot_arguments():
    r = launcher("--uboot", "--append", 'x="y"', "--dry-run", check=False)
    assert r.returncode == 2 and "may not contain" in r.stderr


def test_demo_config_is_valid_for_the_board(tmp_path):
    """The config "make run" boots is accepted by bhctl against QEMU's tree (4 CPUs, 512 MiB)."""
    bhctl = ROOT / "build" / "host" / "bhctl"
    if not bhctl.exists():
        pytest.skip("build/host/bhctl not built")
    hw = tmp_path / "hw.dtb"
    launcher("--direct", "--smp", "4", "--mem", "512", "--dump-dtb", hw)
    r = subprocess.run([str(bhctl), "config", "check", str(hw), str(DEMO)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "valid (2 partitions)" in r.stdout


def test_console_on_a_unix_socket(tmp_path):
    """--serial-socket: QEMU waits for a client on the socket, then the console works there."""
    sock_path = tmp_path / "console.sock"
    proc = subprocess.Popen([str(LAUNCHER), "--direct", "--smp", "1", "--serial-socket",
                             str(sock_path)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(ROOT))
    sel = selectors.DefaultSelector()
    try:
        # QEMU says on stderr when it is listening; wait for that line, not for time.
        err = read_until(proc.stderr, sel, b"waiting for connection")
        assert b"console on" in err
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(sock_path))
            out = read_until(s, sel, b"bulkhead> ")
            assert re.search(rb"Bulkhead \S+ \(powerpc\) - partitioning hypervisor", out)
            s.sendall(b"version\r")
            out = read_until(s, sel, b"bulkhead> ")
            assert re.search(rb"boot: banner at \d+ time-base ticks", out)
    finally:
        proc.kill()
        proc.wait(timeout=30)


def read_until(src, sel, marker, timeout=TIMEOUT):
    """Read from a pipe or socket until marker appears; fail after timeout seconds."""
    data = b""
    deadline = time.monotonic() + timeout
    sel.register(src, selectors.EVENT_READ)
    try:
        while marker not in data:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} within {timeout} s; got {data[-500:]!r}"
            if sel.select(left):
                chunk = src.recv(4096) if isinstance(src, socket.socket) else \
                    os.read(src.fileno(), 4096)
                assert chunk, f"end of stream before {marker!r}; got {data[-500:]!r}"
                data += chunk
    finally:
        sel.unregister(src)
    return data
