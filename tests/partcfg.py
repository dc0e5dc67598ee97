"""partcfg.py - build partition configs (DTS text) for the QEMU tests and the bench.

Each partition gets 16 MiB of RAM at 0x10000000 + 16 MiB * index (guest physical 0), a console
byte channel on the UART mux, its image preloaded by QEMU's loader at 0x1c000000 + 8 MiB *
index, and optional byte channels to other partitions. partition(...) describes one; config()
returns (dts_text, extra_qemu_args). arch="x86" takes the guests of build/x86/partitions and
keeps the hypervisor's memory above the first MiB (the PC's low memory and BIOS area), as
dts/qemu-q35/demo.dts does."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUESTS = ROOT / "build" / "powerpc" / "partitions"
HV_MEM = {"powerpc": (0x0, 0x08000000), "x86": (0x00100000, 0x07F00000)}
MEM_BASE, MEM_SIZE = 0x10000000, 0x01000000
IMG_BASE, IMG_SIZE = 0x1C000000, 0x00800000
DTB_WINDOW = (0x00F00000, 0x00010000)


def partition(label, guest, cpu, ncpus=1, bootargs="", channels=(), no_auto_start=False,
              extra="", manages=(), image=None):
    """channels: [(my_label, peer_partition_label, peer_channel_label)];
    manages: labels of the partitions this one manages (managed-partition);
    image: the file preloaded as its guest-image (default: the guest's ELF)."""
    return dict(label=label, guest=guest, cpu=cpu, ncpus=ncpus, bootargs=bootargs,
                channels=list(channels), no_auto_start=no_auto_start, extra=extra,
                manages=list(manages), image=image or guest + ".elf")


def _cells64(v):
    return f"0x{v >> 32:x} 0x{v & 0xffffffff:x}"


def _part_dts(i, p):
    mem = MEM_BASE + i * MEM_SIZE
    img = IMG_BASE + i * IMG_SIZE
    chans = "".join(
        f"""
		{p['label']}_{mine}: {mine} {{
			compatible = "byte-channel";
			endpoint = <&{peer}_{theirs}>;
		}};""" for mine, peer, theirs in p["channels"])
    managed = "".join(
        f"""
		manages-{m} {{
			compatible = "managed-partition";
			partition = <&part_{m}>;
		}};""" for m in p["manages"])
    return f"""
	{p['label']}_mem: mem-{p['label']} {{
		compatible = "phys-mem-area";
		addr = <{_cells64(mem)}>;
		size = <{_cells64(MEM_SIZE)}>;
	}};

	part_{p['label']}: part-{p['label']} {{
		compatible = "partition";
		label = "{p['label']}";
		cpus = <{p['cpu']} {p['ncpus']}>;
		guest-image = <{_cells64(img)} 0x0 0x00100000 {_cells64(IMG_SIZE)}>;
		dtb-window = <0x0 0x{DTB_WINDOW[0]:x} 0x0 0x{DTB_WINDOW[1]:x}>;
		{"no-auto-start;" if p['no_auto_start'] else ""}
		{p['extra']}

		gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&{p['label']}_mem>;
			guest-addr = <0x0 0x0>;
		}};
		aliases {{
			stdout = <&{p['label']}_console>;
		}};
		{p['label']}_console: console {{
			compatible = "byte-channel";
			endpoint = <&mux>;
			mux-channel = <{i + 1}>;
		}};{chans}{managed}
		node-update {{
			chosen {{
				bootargs = "{p['bootargs']}";
			}};
		}};
	}};
"""


# The hypervisor's part of every test config: its memory (the first 128 MiB), its console on
# channel 0 of the UART mux; DTS text for the inside of the root node.
HV_PART = """
	hv_mem: hv-mem {
		compatible = "phys-mem-area";
		addr = <0x0 HV_MEM_ADDR>;
		size = <0x0 HV_MEM_SIZE>;
	};

	hv-config {
		compatible = "hv-config";
		stdout = <&hv_con>;

		hv-memory {
			compatible = "hv-memory";
			phys-mem = <&hv_mem>;
		};
		hv_con: byte-channel {
			compatible = "byte-channel";
			endpoint = <&mux>;
			mux-channel = <0>;
		};
		uart: serial0 {
			device = "serial0";
		};
	};

	mux: uart-mux {
		compatible = "byte-channel-mux";
		endpoint = <&uart>;
	};
"""


def config_dts(body, arch="powerpc"):
    """A whole config: the hypervisor's part and body (partitions, their memory)."""
    addr, size = HV_MEM[arch]
    hv = HV_PART.replace("HV_MEM_ADDR", f"0x{addr:08x}").replace("HV_MEM_SIZE", f"0x{size:08x}")
    return f"""/dts-v1/;
/ {{
	compatible = "fsl,hv-config", "bulkhead,config-1";
{hv}{body}}};
"""


def config(parts, arch="powerpc"):
    """DTS text for these partitions, and the QEMU args that preload their images."""
    dts = config_dts("".join(_part_dts(i, p) for i, p in enumerate(parts)), arch)
    guests = ROOT / "build" / arch / "partitions"
    qemu = []
    for i, p in enumerate(parts):
        qemu += ["-device", f"loader,file={guests / p['image']},"
                 f"addr=0x{IMG_BASE + i * IMG_SIZE:x},force-raw=on"]
    return dts, qemu


def x86_hw_tree(tmp_path, ncpus):
    """The q35 hardware tree (dts/qemu-q35/q35.dts) with ncpus CPUs, for QEMU's -smp ncpus
    (the hypervisor cross-checks the tree's CPUs against the ACPI MADT)."""
    q35 = ROOT / "dts" / "qemu-q35" / "q35.dts"
    extra = "".join(f'\t\tcpu@{i} {{ device_type = "cpu"; compatible = "qemu,qemu64"; '
                    f'reg = <{i}>; }};\n' for i in range(4, ncpus))
    src = tmp_path / f"q35-{ncpus}cpu.dts"
    src.write_text(f'/include/ "{q35}"\n&{{/cpus}} {{\n{extra}}};\n')
    out = tmp_path / f"q35-{ncpus}cpu.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-i", str(q35.parent), "-o",
                    str(out), str(src)], check=True)
    return out
