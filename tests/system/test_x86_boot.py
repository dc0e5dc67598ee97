"""x86-64 port, first milestone (issue 16, docs/x86.md): build/x86/bulkhead.elf32 boots on QEMU
q35 through multiboot (-kernel) with the hardware tree dts/qemu-q35/q35.dts as module 0, prints
the banner and the inventory from that tree, and keeps the shell. The tree is cross-checked
against the machine: a CPU count the ACPI MADT does not confirm, or memory the boot loader's map
does not have, is an error naming the node, and then no partition is started."""
import re
import shutil

import pytest

from qemu_console import BANNER_RE, ROOT, parse_cpus_table

X86_ELF = ROOT / "build" / "x86" / "bulkhead.elf32"
X86_HW = ROOT / "build" / "dts" / "qemu-q35" / "q35.dtb"
X86_HW_UBOOT = ROOT / "build" / "dts" / "qemu-q35" / "q35-uboot.dtb"

pytestmark = pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None,
                                reason="qemu-system-x86_64 is not installed "
                                       "(scripts/deps.sh installs qemu-system-x86)")


def booter(qemu, mode, hw):
    """Factory for one boot path of the x86 image: start(*launcher_args)."""
    for f in (X86_ELF, hw):
        if not f.is_file():
            pytest.fail(f"{f} is missing: run 'make ARCH=x86' (make check builds it)")

    def start(*args):
        return qemu("--arch", "x86", mode, *args)
    return start


@pytest.fixture
def x86(qemu):
    """Factory: x86(*launcher_args) boots the x86 image (firmware-less multiboot)."""
    return booter(qemu, "--direct", X86_HW)


@pytest.fixture
def x86_uboot(qemu):
    """Factory: the x86 image through U-Boot (tools/run-qemu.sh --uboot: Debian's qemu-x86
    U-Boot runs the boot script of a FAT disk, bootelf with module= arguments)."""
    return booter(qemu, "--uboot", X86_HW_UBOOT)


@pytest.fixture
def x86_grub(qemu):
    """Factory: the x86 image through GRUB (tools/run-qemu.sh --grub)."""
    return booter(qemu, "--grub", X86_HW)


def test_x86_boots_to_banner_inventory_and_shell(x86):
    con = x86("--no-config")
    banner = con.expect_line(BANNER_RE)
    version, arch = banner.group(1), banner.group(2)
    assert arch == "x86_64"
    out = con.wait_ready()
    # The inventory comes from the q35 hardware tree.
    assert re.search(r"(?m)^board    QEMU q35 \(qemu,q35\)$", out)
    m = re.search(r"(?m)^cpus     4 x cpu@0  timebase (\d+) Hz  clock 0 Hz$", out)
    assert m and int(m.group(1)) > 1_000_000, "no TSC rate measured"
    assert re.search(r"(?m)^memory   0x000100000-0x01fefffff  510 MiB$", out)
    assert re.search(r"(?m)^uart     0x0000003f8  irq 4    /isa/serial@i3f8  \(console\)$", out)
    assert re.search(r"(?m)^ioapic   0x0fec00000  4 KiB  /ioapic@fec00000$", out)
    assert re.search(r"(?m)^vt-d     0x0fed90000  4 KiB  /vtd@fed90000$", out)
    assert re.search(r"(?m)^lapic    0x0fee00000  4 KiB  /lapic@fee00000$", out)
    assert re.search(r"(?m)^pci      0x0b0000000  /pcie@b0000000$", out)
    assert re.search(r"(?m)^           mem  0x0c0000000-0x0febfffff -> bus 0xc0000000", out)
    # The tree agrees with the machine (positive control of the mismatch tests below).
    assert "platform:" not in out
    # No config module (--no-config): said so, the shell stays.
    assert "config: no config-addr=<address>" in out
    assert "config: refused; no partition started" in out
    assert "irqchip: /ioapic@fec00000: I/O APIC, 24 inputs, all masked" in out
    assert "iommu: VT-d at 0xfed90000: translation on, all DMA blocked" in out
    # The shell answers.
    reply = con.command("version")
    assert re.search(rf"(?m)^Bulkhead {re.escape(version)} \(x86_64\)$", reply)
    assert "unknown command" in con.command("frobnicate")
    con.quit_qemu()


def test_x86_secondary_cpus_come_online(x86):
    """INIT-SIPI-SIPI through the real-mode trampoline: every CPU of the tree runs the core,
    and each idle CPU keeps waking up from its local APIC timer (its heartbeat grows)."""
    con = x86("--no-config")
    out = con.wait_ready()
    online = [int(n) for n in re.findall(r"(?m)^cpu (\d+) online$", out)]
    assert online == [0, 1, 2, 3]
    assert "did not come online" not in out
    first = parse_cpus_table(con.command("cpus"))
    assert sorted(first) == [0, 1, 2, 3]
    assert all(state == "online" for state, _ in first.values()), first
    con.command("help")
    second = parse_cpus_table(con.command("cpus"))
    assert all(second[c][1] > first[c][1] for c in first), (first, second)


def test_x86_cpu_count_not_in_madt_is_refused(x86):
    con = x86("--smp", "2")
    out = con.wait_ready()
    assert "platform: /cpus: 4 CPUs described, the ACPI MADT lists 2" in out
    assert "config: refused; the hardware description does not match the machine" in out
    assert "version" in con.command("help")


def test_x86_memory_not_in_memory_map_is_refused(x86):
    con = x86("--mem", "256")
    out = con.wait_ready()
    assert re.search(r"(?m)^platform: /memory@100000: 0x100000-0x1fefffff is not RAM in the "
                     r"boot loader's memory map$", out)
    assert "config: refused; the hardware description does not match the machine" in out
    assert "platform: /cpus" not in out


def test_x86_ecam_window_not_in_mcfg_is_refused(x86):
    """U-Boot's tree (ECAM at 0xe0000000) on a board SeaBIOS set up (MCFG: 0xb0000000): refused,
    naming the host bridge node. The test above is the positive control."""
    con = x86("--hw-tree", X86_HW_UBOOT, "--no-config")
    out = con.wait_ready()
    assert re.search(r"(?m)^platform: /pcie@e0000000: ECAM window 0xe0000000, the ACPI MCFG "
                     r"says 0xb0000000$", out)
    assert "config: refused; the hardware description does not match the machine" in out
    assert "platform: /cpus" not in out and "platform: /memory" not in out


X86_CONFIG = ROOT / "tests" / "configs" / "x86" / "one-partition.dts"


def test_x86_config_module_is_checked_against_the_q35_tree(x86, tmp_path):
    con = x86("--config", X86_CONFIG)
    out = con.wait_ready()
    assert re.search(r"(?m)^config   \d+ bytes  1 partition: p0$", out)
    assert re.search(r"(?m)^1\s+p0\s+\w+\s+1\s+64 MiB", con.command("list"))
    # The same config naming a CPU the q35 tree does not have: refused, naming the node.
    bad = tmp_path / "bad-cpu.dts"
    bad.write_text(X86_CONFIG.read_text().replace("cpus = <1 1>;", "cpus = <6 1>;"))
    con = x86("--config", bad)
    out = con.wait_ready()
    assert "config: /part0: cpus: CPU 6 does not exist (the hardware tree has CPUs 0-3)" in out
    assert "config: refused; no partition started" in out
    assert "no partitions" in con.command("list")


def test_x86_boots_through_grub(x86_grub):
    """GRUB 2 (a rescue ISO, multiboot): the same modules and memory map reach the hypervisor,
    which cross-checks them and runs the demo's partitions."""
    con = x86_grub()
    banner = con.expect_line(BANNER_RE)
    assert banner.group(2) == "x86_64"
    out = con.wait_ready()
    # (GRUB's terminal output has cursor moves inside its words)
    assert out.index("Booting from DVD/CD") < out.index("GRUB!") < out.index("partitioning hyp")
    assert "platform:" not in out
    assert re.search(r"(?m)^config   \d+ bytes  2 partitions: p0 p1$", out)
    con.wait_line(r"\[p0\] hello from p0")
    con.wait_line(r"\[p1\] tick 5")


def test_x86_boots_through_uboot(x86_uboot):
    """U-Boot (Debian's qemu-x86 build): its distro boot runs the disk's boot script, bootelf
    enters the hypervisor with argc/argv (module= arguments for the tree and the config, then
    the boot arguments), the memory map comes from QEMU's fw_cfg, and the cross-checks pass
    with U-Boot's tree (ECAM at 0xe0000000); the demo's partitions run."""
    con = x86_uboot("--append", "bulkhead.mutate=none")
    banner = con.expect_line(BANNER_RE)
    assert banner.group(2) == "x86_64"
    out = con.wait_ready()
    assert out.index("Found U-Boot script /boot.scr") < out.index("## Starting application") \
        < out.index("partitioning hypervisor")
    assert "platform:" not in out
    assert re.search(r"(?m)^memory   0x000100000-0x01fefffff  510 MiB$", out)
    assert re.search(r"(?m)^pci      0x0e0000000  /pcie@e0000000$", out)
    assert re.search(r"(?m)^config   \d+ bytes  2 partitions: p0 p1$", out)
    # the boot argument after the modules reached the hypervisor (a release image refuses it)
    assert "bulkhead.mutate: refused, this is a release image" in out
    con.wait_line(r"\[p0\] hello from p0")
    con.wait_line(r"\[p1\] tick 5")


def test_x86_uboot_memory_map_is_checked(x86_uboot):
    """The fw_cfg memory map is the one the tree is checked against under U-Boot: with 256 MiB
    the tree's memory node is refused (the test above is the positive control)."""
    con = x86_uboot("--mem", "256", "--no-config")
    out = con.wait_ready()
    assert re.search(r"(?m)^platform: /memory@100000: 0x100000-0x1fefffff is not RAM in the "
                     r"boot loader's memory map$", out)
    assert "config: refused; the hardware description does not match the machine" in out
