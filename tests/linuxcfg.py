"""linuxcfg.py - the config of the Linux system tests and benches: one Linux partition (the
test kernel and initramfs of docs/linux.md, configured the normal documented way) beside a
hello partition, on QEMU ppce500 with 1 GiB.

Physical memory:   0x00000000 128 MiB  hypervisor
                   0x08000000  16 MiB  hello (guest physical 0)
                   0x10000000 256 MiB  linux (guest physical 0)
Preloaded images:  0x30000000          vmlinux (ELF, loaded by its physical addresses)
                   0x32000000          initramfs (linux-rootfs: guest 0x02000000)
                   0x33000000          hello.elf"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "build" / "powerpc" / "linux"
VMLINUX = LINUX / "kernel" / "vmlinux"
INITRAMFS = LINUX / "initramfs" / "initramfs.cpio.gz"
HELLO = ROOT / "build" / "powerpc" / "partitions" / "hello.elf"

KERNEL_SRC = 0x30000000
INITRD_SRC, INITRD_GUEST = 0x32000000, 0x02000000
HELLO_SRC = 0x33000000
QEMU_MEM = "1024"
# The dtb window lies above the kernel image (17 MiB with its bss) and below the initramfs.
DTB_WINDOW = 0x01800000
BOOTARGS = "console=ttyEHV0"


def _cells(v):
    return f"0x{v >> 32:x} 0x{v & 0xffffffff:x}"


def config(ncpus=1, bootargs=BOOTARGS, linux_extra="", hello=True):
    """(dts text, QEMU args): partition "l" runs Linux on CPUs 2.. (ncpus), "h" hello on CPU 1."""
    initrd_size = INITRAMFS.stat().st_size
    # guest-image's size: the ELF file's, page-rounded (it reserves [0, size) of the guest)
    kernel_size = (VMLINUX.stat().st_size + 0xfff) & ~0xfff
    assert kernel_size <= DTB_WINDOW, "vmlinux grew into the dtb window: move the window"
    hello_part = f"""
	hello_mem: hello-mem {{
		compatible = "phys-mem-area";
		addr = <{_cells(0x08000000)}>;
		size = <{_cells(0x01000000)}>;
	}};
	part_h: part-h {{
		compatible = "partition";
		label = "h";
		cpus = <1 1>;
		guest-image = <{_cells(HELLO_SRC)} 0x0 0x00100000 0x0 0x00800000>;
		dtb-window = <0x0 0x00f00000 0x0 0x00010000>;
		gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&hello_mem>;
			guest-addr = <0x0 0x0>;
		}};
		aliases {{
			stdout = <&h_console>;
		}};
		h_console: console {{
			compatible = "byte-channel";
			endpoint = <&mux>;
			mux-channel = <1>;
		}};
	}};
""" if hello else ""
    dts = f"""/dts-v1/;
/ {{
	compatible = "fsl,hv-config", "bulkhead,config-1";

	hv_mem: hv-mem {{
		compatible = "phys-mem-area";
		addr = <0x0 0x0>;
		size = <0x0 0x08000000>;
	}};
	linux_mem: linux-mem {{
		compatible = "phys-mem-area";
		addr = <{_cells(0x10000000)}>;
		size = <{_cells(0x10000000)}>;
	}};

	hv-config {{
		compatible = "hv-config";
		stdout = <&hv_con>;
		hv-memory {{
			compatible = "hv-memory";
			phys-mem = <&hv_mem>;
		}};
		hv_con: byte-channel {{
			compatible = "byte-channel";
			endpoint = <&mux>;
			mux-channel = <0>;
		}};
		uart: serial0 {{
			device = "serial0";
		}};
	}};

	mux: uart-mux {{
		compatible = "byte-channel-mux";
		endpoint = <&uart>;
	}};
{hello_part}
	part_l: part-l {{
		compatible = "partition";
		label = "l";
		cpus = <2 {ncpus}>;
		guest-image = <{_cells(KERNEL_SRC)} 0x0 0x0 {_cells(kernel_size)}>;
		linux-rootfs = <{_cells(INITRD_SRC)} {_cells(INITRD_GUEST)} {_cells(initrd_size)}>;
		dtb-window = <{_cells(DTB_WINDOW)} 0x0 0x00010000>;
		{linux_extra}
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
			compatible = "fsl,P4080DS-hv";
			chosen {{
				bootargs = "{bootargs}";
			}};
		}};
	}};
}};
"""
    qemu = ["-device", f"loader,file={VMLINUX},addr=0x{KERNEL_SRC:x},force-raw=on",
            "-device", f"loader,file={INITRAMFS},addr=0x{INITRD_SRC:x},force-raw=on"]
    if hello:
        qemu += ["-device", f"loader,file={HELLO},addr=0x{HELLO_SRC:x},force-raw=on"]
    return dts, qemu
