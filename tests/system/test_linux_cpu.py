"""Unmodified Linux 6.1 (docs/linux.md) on the virtual e500mc (issue 13, CPU part): one
partition, one vCPU, 256 MiB, console byte channel. Linux passes its cache set-up (L1CSR0/1
flash bits), IVOR set-up (IVOR35-37, MMUCFG without LPIDSIZE), runs /init with hard-float
userland (guest MSR[FP], per-vCPU FPRs) and the branch-buffer flush on every exception from
user mode (BUCSR). Until the guest tree gives byte channels interrupts and the loader takes a
vmlinux or two images (branch ltree), the config uses the workarounds docs/cpu.md lists: the
kernel's binary and the initramfs in one guest image, the device tree in Linux's first 64 MiB,
placeholder interrupts on the console channel. Skipped when `make linux` has not been run."""
import shutil
import subprocess

import pytest

from partcfg import ROOT

LINUX = ROOT / "build" / "powerpc" / "linux"
VMLINUX = LINUX / "kernel" / "vmlinux"
INITRAMFS = LINUX / "initramfs" / "initramfs.cpio.gz"
BLOB_SRC = 0x08000000		# where QEMU's loader puts the blob (free RAM, not a partition's)
INITRD = 0x02000000		# the initramfs inside the blob, i.e. its guest address

CONFIG = """/dts-v1/;
/ {{
	compatible = "fsl,hv-config", "bulkhead,config-1";
	hv_mem: hv-mem {{
		compatible = "phys-mem-area";
		addr = <0x0 0x0>;
		size = <0x0 0x08000000>;
	}};
	lx_mem: mem-lx {{
		compatible = "phys-mem-area";
		addr = <0x0 0x10000000>;
		size = <0x0 0x10000000>;
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
	part-lx {{
		compatible = "partition";
		label = "lx";
		cpus = <1 1>;
		guest-image = <0x0 0x{src:x} 0x0 0x0 0x0 0x{size:x}>;
		dtb-window = <0x0 0x03000000 0x0 0x00010000>;
		gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&lx_mem>;
			guest-addr = <0x0 0x0>;
		}};
		aliases {{
			stdout = <&lx_console>;
		}};
		lx_console: console {{
			compatible = "byte-channel";
			endpoint = <&mux>;
			mux-channel = <1>;
		}};
		node-update {{
			prepend-stringlist = "compatible", "fsl,P4080DS-hv";
			hypervisor {{
				handles {{
					byte-channel@0 {{
						interrupt-parent = <1>;
						interrupts = <30 0 31 0>;
					}};
				}};
			}};
			chosen {{
				bootargs = "console=ttyEHV0";
				linux,initrd-start = <0x{initrd:x}>;
				linux,initrd-end = <0x{initrd_end:x}>;
			}};
		}};
	}};
}};
"""


@pytest.fixture
def linux_blob(tmp_path):
    if not VMLINUX.is_file() or not INITRAMFS.is_file():
        pytest.skip("no Linux build: run 'make linux' (docs/linux.md)")
    objcopy = shutil.which("powerpc-linux-gnu-objcopy")
    kernel = tmp_path / "vmlinux.bin"
    subprocess.run([objcopy, "-O", "binary", str(VMLINUX), str(kernel)], check=True)
    k, i = kernel.read_bytes(), INITRAMFS.read_bytes()
    assert len(k) < INITRD
    blob = tmp_path / "linux.blob"
    blob.write_bytes(k + bytes(INITRD - len(k)) + i)
    cfg = tmp_path / "linux.dts"
    cfg.write_text(CONFIG.format(src=BLOB_SRC, size=INITRD + len(i), initrd=INITRD,
                                 initrd_end=INITRD + len(i)))
    return cfg, blob


def test_unmodified_linux_runs_init_with_hard_float(qemu, linux_blob):
    cfg, blob = linux_blob
    con = qemu("--direct", "--smp", "2", "--config", cfg, "--image", f"{blob}@0x{BLOB_SRC:x}",
               timeout=180)
    con.wait_ready()
    con.expect_line(r"\[lx\] bulkhead-linux: init started \(pid 1\)")
    con.expect_line(r"\[lx\] bulkhead-linux: fp sqrt2=1\.414213562 pi~3\.141583")
    out = con.output
    assert "Oops" not in out and "Unrecoverable FP Unavailable" not in out, out[-3000:]
    assert "isolation fault" not in out
