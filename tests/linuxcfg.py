"""linuxcfg.py - the config of the Linux system tests and benches: one Linux partition (the
test kernel and initramfs of docs/linux.md, configured the normal documented way) beside a
hello partition, on QEMU ppce500 with 1 GiB.

Physical memory:   0x00000000 128 MiB  hypervisor
                   0x08000000  16 MiB  hello (guest physical 0)
                   0x09000000  16 MiB  other: a second hello, when asked for (guest physical 0)
                   0x10000000 256 MiB  linux (guest physical 0)
Preloaded images:  0x30000000          vmlinux (ELF, loaded by its physical addresses)
                   0x32000000          initramfs (linux-rootfs: guest 0x02000000)
                   0x33000000          hello.elf
                   0x34000000          echo.elf (partition e, the peer: a second hello's place)"""
from pathlib import Path

from partcfg import config_dts

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "build" / "powerpc" / "linux"
VMLINUX = LINUX / "kernel" / "vmlinux"
INITRAMFS = LINUX / "initramfs" / "initramfs.cpio.gz"
HELLO = ROOT / "build" / "powerpc" / "partitions" / "hello.elf"
ECHO = ROOT / "build" / "powerpc" / "partitions" / "echo.elf"

KERNEL_SRC = 0x30000000
INITRD_SRC, INITRD_GUEST = 0x32000000, 0x02000000
HELLO_SRC = 0x33000000
ECHO_SRC = 0x34000000
QEMU_MEM = "1024"
# The dtb window lies above the kernel image (17 MiB with its bss) and below the initramfs.
DTB_WINDOW = 0x01800000
BOOTARGS = "console=ttyEHV0"


def _cells(v):
    return f"0x{v >> 32:x} 0x{v & 0xffffffff:x}"


def _hello_dts(label, cpu, mem, chan, bootargs, image=HELLO_SRC):
    """A hello partition: its own memory area, console on the mux (chan: its mux-channel; None:
    a byte channel that another partition's channel names as its endpoint), bootargs in /chosen.
    image: where its ELF is preloaded (echo.elf for the peer)."""
    endpoint = f"endpoint = <&mux>;\n\t\t\tmux-channel = <{chan}>;" if chan is not None else ""
    chosen = f'node-update {{ chosen {{ bootargs = "{bootargs}"; }}; }};' if bootargs else ""
    return f"""
	{label}_mem: {label}-mem {{
		compatible = "phys-mem-area";
		addr = <{_cells(mem)}>;
		size = <{_cells(0x01000000)}>;
	}};
	part_{label}: part-{label} {{
		compatible = "partition";
		label = "{label}";
		cpus = <{cpu} 1>;
		guest-image = <{_cells(image)} 0x0 0x00100000 0x0 0x00800000>;
		dtb-window = <0x0 0x00f00000 0x0 0x00010000>;
		gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&{label}_mem>;
			guest-addr = <0x0 0x0>;
		}};
		aliases {{
			stdout = <&{label}_console>;
		}};
		{label}_console: console {{
			compatible = "byte-channel";
			{endpoint}
		}};
		{chosen}
	}};
"""


def config(ncpus=1, bootargs=BOOTARGS, linux_extra="", hello=True, hello_args="",
           other=False, manages=(), guest=None, peer=False):
    """(dts text, QEMU args): partition "l" runs Linux on CPUs 2.. (ncpus), "h" hello on CPU 1
    (hello_args: its bootargs, e.g. "count=0 interval=200" to keep ticking); other: a second
    hello "o" on CPU 3 (ncpus must be 1) with the same bootargs; manages: the labels of the
    partitions Linux manages (managed-partition nodes: /dev/fsl-hv handles); guest: the ELF of
    a Bulkhead guest (e.g. lsdev.elf) that partition l runs instead of Linux, with the same
    devices, handles and memory (to compare what each sees); peer: an echo partition "e" on CPU
    3 (quiet=1) whose console is a byte channel to Linux's second byte channel (/dev/ttyEHV1)."""
    assert not other or ncpus == 1, "partition o takes CPU 3"
    assert not peer or (ncpus == 1 and not other), "partition e takes CPU 3 and o's memory"
    initrd_size = INITRAMFS.stat().st_size
    # guest-image's size: the ELF file's, page-rounded (it reserves [0, size) of the guest)
    kernel_size = (VMLINUX.stat().st_size + 0xfff) & ~0xfff
    assert kernel_size <= DTB_WINDOW, "vmlinux grew into the dtb window: move the window"
    hello_part = _hello_dts("h", 1, 0x08000000, 1, hello_args) if hello else ""
    if other:
        hello_part += _hello_dts("o", 3, 0x09000000, 3, hello_args)
    if peer:
        hello_part += _hello_dts("e", 3, 0x09000000, None, "quiet=1", ECHO_SRC)
        linux_extra += """
		peer {
			compatible = "byte-channel";
			endpoint = <&e_console>;
		};"""
    managed = "".join(f"""
		manages-{m} {{
			compatible = "managed-partition";
			partition = <&part_{m}>;
		}};""" for m in manages)
    if guest:
        l_image = f"guest-image = <{_cells(KERNEL_SRC)} 0x0 0x00100000 0x0 0x00800000>;"
        l_compat, bootargs = "", ""
    else:
        l_image = (f"guest-image = <{_cells(KERNEL_SRC)} 0x0 0x0 {_cells(kernel_size)}>;\n"
                   f"\t\tlinux-rootfs = <{_cells(INITRD_SRC)} {_cells(INITRD_GUEST)} "
                   f"{_cells(initrd_size)}>;")
        l_compat = 'compatible = "fsl,P4080DS-hv";'
    dts = config_dts(f"""
	linux_mem: linux-mem {{
		compatible = "phys-mem-area";
		addr = <{_cells(0x10000000)}>;
		size = <{_cells(0x10000000)}>;
	}};
{hello_part}
	part_l: part-l {{
		compatible = "partition";
		label = "l";
		cpus = <2 {ncpus}>;
		{l_image}
		dtb-window = <{_cells(DTB_WINDOW)} 0x0 0x00010000>;
		{linux_extra}{managed}
		gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&linux_mem>;
			guest-addr = <0x0 0x0>;
		}};
		aliases {{
			stdout = <&l_console>;
		}};
		l_console: console {{
			compatible = "byte-channel";
			endpoint = <&mux>;
			mux-channel = <2>;
		}};
		node-update {{
			{l_compat}
			chosen {{
				bootargs = "{bootargs}";
			}};
		}};
	}};
""")
    qemu = ["-device", f"loader,file={guest or VMLINUX},addr=0x{KERNEL_SRC:x},force-raw=on"]
    if not guest:
        qemu += ["-device", f"loader,file={INITRAMFS},addr=0x{INITRD_SRC:x},force-raw=on"]
    if hello or other:
        qemu += ["-device", f"loader,file={HELLO},addr=0x{HELLO_SRC:x},force-raw=on"]
    if peer:
        qemu += ["-device", f"loader,file={ECHO},addr=0x{ECHO_SRC:x},force-raw=on"]
    return dts, qemu
