"""guestrun.py - the common shape of the guest-driven system tests: write a partition config,
boot the hypervisor (or, with a mutation, the test image) on QEMU, wait until one partition
exits, and hand back that partition's console lines."""
import re

from partcfg import ROOT, config

# The architectures the shared guests' tests run on, and x86's test image (PowerPC's is the
# hv_test_elf fixture's).
ARCHES = ("powerpc", "x86")
X86_TEST_ELF = ROOT / "build" / "x86" / "bulkhead-test.elf32"

EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'
EDU_QEMU = ["-device", "edu,addr=2.0"]


# A line another CPU's line interrupted ends in a blank (docs/console.md, "One line is one
# write"); it is shown again whole after that line. Parsers take the whole ones only.
WHOLE = r"(.*?)(?<! )\r*\n"


def partition_lines(output, label):
    """The whole lines partition label printed on its console (without the "[label] ")."""
    return re.findall(r"(?m)^\[" + label + r"\] " + WHOLE, output)


def mutation_args(hv_test_elf, mutate, arch="powerpc"):
    """Launcher options that boot the test image with bulkhead.mutate=mutate (none: release);
    arch="x86": x86's test image, and the launcher's --arch."""
    elf = X86_TEST_ELF if arch == "x86" else hv_test_elf
    return [*arch_args(arch), *(["--elf", str(elf), "--append", f"bulkhead.mutate={mutate}"]
                                if mutate else [])]


def arch_args(arch):
    """The launcher's option for arch."""
    return ["--arch", "x86"] if arch == "x86" else []


def run_until_exit(qemu, tmp_path, parts, *, label, hv_test_elf=None, mutate=None,
                   launcher=(), qemu_args=(), timeout=120):
    """Boot these partitions and wait for partition label to exit; its console lines."""
    dts, extra = config(parts)
    cfg = tmp_path / "config.dts"
    cfg.write_text(dts)
    con = qemu("--direct", *launcher, *mutation_args(hv_test_elf, mutate), "--config", cfg,
               "--", *extra, *qemu_args, timeout=timeout)
    con.wait_ready()
    con.wait_line(r"partition " + label + r": exited with code \d+")
    return partition_lines(con.output, label)
