"""Guest MMU edges under the hypervisor (issue 12 findings 7 and 10, issue 11 "TLB edges"),
with partitions/tlbedge: execute from a device page (instruction storage interrupt in the
guest, the hypervisor never fetches from I/O space), a TLB1 entry straddling the end of the
partition's memory, a walk over more pages than TLB0 holds (compared with the same program
bare), MSR[IS] != MSR[DS], and tlbivax seen by the partition's other vCPU (--mttcg).
Each protection has a mutation of the test image that makes its test fail."""
import re

import pytest

from partcfg import config, partition
from test_guests_bare import BareGuest, LOG_DIR

EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'
QEMU_EDU = ["-device", "edu,addr=2.0"]


def boot_tlbedge(qemu, tmp_path, test, *launcher, ncpus=1, extra="", qemu_args=()):
    dts, args = config([partition("t", "tlbedge", 1, ncpus=ncpus, bootargs=f"test={test}",
                                  extra=extra)])
    cfg = tmp_path / "tlbedge.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", str(1 + ncpus), "--config", cfg, *launcher, "--", *args,
               *qemu_args)
    con.wait_ready()
    return con


END = r"partition t: (exited with code (-?\d+)|isolation fault on vcpu \d+: .*)"


def end_of(con):
    """'exit' or 'fault': how partition t ended, with the fault message or exit code. On a
    quiet machine it may end before "hypervisor ready" (wait_ready() has read past it then):
    the whole output is looked at first."""
    m = re.search(r"(?m)^" + END + r"\n", con.output) or con.expect_line(END)
    return m.group(1)


def lines_of(con):
    return re.findall(r"(?m)^\[t\] (.*)$", con.output)


def results(lines):
    return [l for l in lines if l.startswith("tlbedge: ") and "," not in l[:20]]


def bare_lines(test, smp=1):
    g = BareGuest("tlbedge", LOG_DIR / f"guest-tlbedge-{test}-bare.log", f"test={test}", smp)
    try:
        g.wait_exit()
        return g.output.splitlines()
    finally:
        g.close()


# ---- execute from a device page ------------------------------------------------------------

def run_exec(qemu, tmp_path, *launcher):
    con = boot_tlbedge(qemu, tmp_path, "exec", *launcher, extra=EDU, qemu_args=QEMU_EDU)
    end = end_of(con)
    return con, end, lines_of(con)


def test_execute_from_device_page_is_an_isi_in_the_guest(qemu, tmp_path):
    con, end, lines = run_exec(qemu, tmp_path)
    assert end == "exited with code 0", lines
    assert "PASS: execute from its RAM" in lines                  # positive control
    assert "tlbedge: exec device: vec 3 pc-off 0 esr 0x00000000" in lines, lines
    assert "PASS: execute from a device page: instruction storage interrupt" in lines
    con.command("list")                                           # the hypervisor answers


def test_mutation_device_exec_lets_the_guest_execute_io(qemu, tmp_path, hv_test_elf):
    con, end, lines = run_exec(qemu, tmp_path, "--elf", str(hv_test_elf),
                               "--append", "bulkhead.mutate=device-exec")
    assert [l for l in lines if l.startswith("FAIL: execute from a device page")], lines


# ---- a TLB1 entry straddling the end of the partition's memory -----------------------------

def run_straddle(qemu, tmp_path, *launcher):
    con = boot_tlbedge(qemu, tmp_path, "straddle", *launcher)
    return con, end_of(con), lines_of(con)


def test_tlb1_entry_straddling_the_end_of_memory(qemu, tmp_path):
    con, end, lines = run_straddle(qemu, tmp_path)
    assert "PASS: last page inside reads through the straddling entry" in lines, lines
    assert re.match(r"isolation fault on vcpu 0: access to guest physical 0x1000000 \(virtual "
                    r"0x41000000\) outside the partition's memory, pc 0x[0-9a-f]{8}", end), end
    assert not [l for l in lines if l.startswith("tlbedge: read 0x")], lines
    stopped = r"partition t: stopped \(isolation fault\)"
    assert re.search(r"(?m)^" + stopped, con.output) or con.expect_line(stopped)
    con.command("list")                                           # the hypervisor answers


def test_mutation_tlb_straddle_lets_the_page_outside_through(qemu, tmp_path, hv_test_elf):
    con, end, lines = run_straddle(qemu, tmp_path, "--elf", str(hv_test_elf),
                                   "--append", "bulkhead.mutate=tlb-straddle")
    assert [l for l in lines if l.startswith("tlbedge: read 0x")], (end, lines)


# ---- a walk over more pages than TLB0 holds ----------------------------------------------------

def test_walk_over_more_pages_than_tlb0_matches_bare(qemu, tmp_path):
    con = boot_tlbedge(qemu, tmp_path, "walk")
    assert end_of(con) == "exited with code 0"
    hv = [l for l in lines_of(con) if l.startswith("tlbedge: walk ")]
    bare = [l for l in bare_lines("walk") if l.startswith("tlbedge: walk ")]
    assert len(hv) == 2 and hv == bare, (hv, bare)


# ---- MSR[IS] != MSR[DS] -------------------------------------------------------------------------

SPLIT = ["tlbedge: split (call first): call -> 0xa, load -> 0x3860000b, call -> 0xa",
         "tlbedge: split (load first): call -> 0xa, load -> 0x3860000b, call -> 0xa"]


def test_split_instruction_and_data_spaces(qemu, tmp_path):
    con = boot_tlbedge(qemu, tmp_path, "split")
    assert end_of(con) == "exited with code 0"
    lines = lines_of(con)
    assert [l for l in lines if l.startswith("tlbedge: split (")] == SPLIT, lines
    assert [l for l in bare_lines("split") if l.startswith("tlbedge: split (")] == SPLIT


def test_mutation_split_as_mixes_the_translations(qemu, tmp_path, hv_test_elf):
    con = boot_tlbedge(qemu, tmp_path, "split", "--elf", str(hv_test_elf),
                       "--append", "bulkhead.mutate=split-as")
    end_of(con)
    lines = lines_of(con)
    assert [l for l in lines if l.startswith("tlbedge: split (")] != SPLIT, lines


# ---- tlbivax reaches the partition's other vCPU ---------------------------------------------

def run_ivax(qemu, tmp_path, *launcher):
    con = boot_tlbedge(qemu, tmp_path, "ivax", "--mttcg", *launcher, ncpus=2)
    return con, end_of(con), lines_of(con)


def test_tlbivax_is_seen_by_the_other_vcpu(qemu, tmp_path):
    con, end, lines = run_ivax(qemu, tmp_path)
    assert end == "exited with code 0", lines
    assert "PASS: tlbivax: this CPU sees the new page" in lines
    assert "PASS: tlbivax: the other CPU sees the new page after tlbsync" in lines


def test_mutation_ivax_local_leaves_the_other_vcpu_stale(qemu, tmp_path, hv_test_elf):
    con, end, lines = run_ivax(qemu, tmp_path, "--elf", str(hv_test_elf),
                               "--append", "bulkhead.mutate=ivax-local")
    assert "PASS: tlbivax: this CPU sees the new page" in lines     # positive control
    assert [l for l in lines if l.startswith("FAIL: tlbivax: the other CPU")], lines
