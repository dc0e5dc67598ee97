"""An unexpected exception in the hypervisor: the boot argument bulkhead.inject=illegal@N makes
CPU N execute an illegal instruction. The console shows which exception, the PC and the
registers, the CPU is parked, and the other CPUs keep running."""
import re
import subprocess
import time

import pytest

from qemu_console import parse_cpus_table

HEX8 = r"[0-9a-f]{8}"


def symbol_range(elf, name):
    """[start, end) of a symbol in the ELF, from the cross nm."""
    out = subprocess.run(["powerpc-linux-gnu-nm", "-S", str(elf)], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == name:
            return int(f[0], 16), int(f[0], 16) + int(f[1], 16)
    pytest.fail(f"symbol {name} not found in {elf}")


def assert_uimg_matches_elf(elf, tmp_path):
    """The uImage U-Boot booted carries the ELF's bytes (else its symbols say nothing)."""
    binary = tmp_path / "hv.bin"
    subprocess.run(["powerpc-linux-gnu-objcopy", "-O", "binary", str(elf), str(binary)],
                   check=True, timeout=30)
    uimg = elf.with_suffix(".uimg")
    assert uimg.read_bytes()[64:] == binary.read_bytes(), \
        f"{uimg} was not made from {elf} (run make)"


@pytest.mark.parametrize("path", ["--direct", "--uboot"])
def test_illegal_instruction_on_cpu2_is_reported_and_parked(qemu, hv_elf, tmp_path, path):
    # no partitions: every CPU but the faulty one idles in the hypervisor (heartbeats grow).
    # --icount: emulated time follows the instructions run, so the boot CPU's wait for CPU 3
    # (which waits for CPU 2's report to be written) does not depend on the host's load.
    con = qemu(path, "--smp", "4", "--icount", "--no-config", "--append",
               "bulkhead.inject=illegal@2")
    # The report is one unit on the wire (docs/console.md, "One line is one write"): its lines
    # follow each other, each from column 0, whatever the other CPUs print meanwhile.
    report = con.expect(r"(?m)^cpu 2: unexpected program exception \(IVOR6\) in the "
                        r"hypervisor\r*\n((?:.*\r*\n){10})cpu 2 parked\r*\n")
    lines = report.group(1).replace("\r", "").splitlines()
    pc_line = re.fullmatch(rf"  PC  ({HEX8})  MSR ({HEX8})  ESR ({HEX8})  DEAR ({HEX8})",
                           lines[0])
    assert pc_line, lines
    assert re.fullmatch(rf"  LR  {HEX8}  CR  {HEX8}  CTR {HEX8}  XER  {HEX8}", lines[1]), lines
    gprs = []
    for i, first in enumerate(range(0, 32, 4)):
        m = re.fullmatch(rf"  r{first:<2d} ({HEX8}) ({HEX8}) ({HEX8}) ({HEX8})", lines[2 + i])
        assert m, lines
        gprs += [int(v, 16) for v in m.groups()]
    out = con.output if "hypervisor ready" in con.output else con.wait_ready()

    # The PC is the illegal instruction inside arch_inject_illegal; ESR says "illegal" (PIL).
    pc, esr = int(pc_line.group(1), 16), int(pc_line.group(3), 16)
    if path == "--uboot":
        assert_uimg_matches_elf(hv_elf, tmp_path)
    start, end = symbol_range(hv_elf, "arch_inject_illegal")
    assert start <= pc < end, f"PC {pc:#x} outside arch_inject_illegal [{start:#x}, {end:#x})"
    assert esr & 0x08000000, f"ESR {esr:#010x} has no PIL bit"
    assert len(gprs) == 32 and gprs[1] != 0, "r1 (stack pointer) should be set"

    # Only CPU 2 is affected: the others came online, nobody else faulted.
    assert sorted(int(n) for n in re.findall(r"(?m)^cpu (\d+) online$", out)) == [0, 1, 2, 3]
    assert re.findall(r"(?m)^cpu (\d+) parked$", out) == ["2"]
    assert len(re.findall(r"unexpected .* exception", out)) == 1

    # The other CPUs keep running: their idle heartbeats grow while CPU 2's stays put. QEMU
    # runs the vCPUs in turns, so a CPU's counter moves in steps: ask again until every live
    # CPU has moved (bounded by the console timeout), never sleep.
    first = parse_cpus_table(con.command("cpus"))
    assert sorted(first) == [0, 1, 2, 3]
    assert first[2][0] == "parked"
    deadline = time.monotonic() + con.timeout
    while True:
        now = parse_cpus_table(con.command("cpus"))
        assert sorted(now) == [0, 1, 2, 3]
        assert now[2] == first[2], "the parked CPU's heartbeat moved"
        for cpu in (0, 1, 3):
            assert now[cpu][0] == "online", now
        grown = [cpu for cpu in (0, 1, 3) if now[cpu][1] > first[cpu][1]]
        if grown == [0, 1, 3]:
            break
        assert time.monotonic() < deadline, (
            f"heartbeats of CPUs {sorted({0, 1, 3} - set(grown))} did not grow: {first} -> {now}")


def test_no_injection_without_boot_argument(qemu):
    con = qemu("--direct", "--smp", "4")
    out = con.wait_ready()
    assert not re.search(r"cpu \d+: unexpected", out) and "parked" not in out
    table = parse_cpus_table(con.command("cpus"))
    assert [s for s, _ in table.values()] == ["online"] * 4
