"""tools/run-qemu.sh: options, the QEMU command it builds, the U-Boot control DTB it generates,
and the demo config it boots by default."""
import re
import shlex
import subprocess

import pytest

from hwtree import Tree
from qemu_console import LAUNCHER, ROOT

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
    (loader,) = opt_values(argv, "-device")
    assert re.fullmatch(r"loader,file=.*/build/qemu/config-demo-[0-9a-f]+\.dtb,"
                        r"addr=0x06000000,force-raw=on", loader)
    assert argv[-2:] == ["-d", "guest_errors"]    # pass-through comes last


def test_no_config_and_serial_socket():
    argv = qemu_argv("--direct", "--no-config", "--serial-socket", "/tmp/bh.sock")
    assert opt_values(argv, "-append") == [""]
    assert "-device" not in argv
    assert opt_values(argv, "-serial") == ["chardev:con0"]
    assert opt_values(argv, "-chardev") == ["socket,id=con0,path=/tmp/bh.sock,server=on,wait=off"]


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
