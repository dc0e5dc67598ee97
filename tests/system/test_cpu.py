"""The e500mc CPU as an unmodified Linux 6.1 uses it (issue 13), with partitions/cpu:
cache-control flash bits that self-clear, IVOR32-37, BUCSR, MMUCFG; the same SPRs and msgsnd
from guest user mode are the guest's program interrupt; floating point per vCPU (MSR[FP]
honoured, FPRs kept across exits, never seen by the next run: `fp-no-save` breaks it);
doorbells between the vCPUs of one partition (msgsnd/msgclr), never to another partition
(`dbell-physical` breaks it). Results compared with the same guest bare on QEMU."""
import re
import shutil
import subprocess

from partcfg import config, partition
from test_guests_bare import BareGuest, LOG_DIR


def boot_cpu(qemu, tmp_path, test, *launcher, ncpus=1, qemu_args=()):
    dts, args = config([partition("t", "cpu", 1, ncpus=ncpus, bootargs=f"test={test}")])
    cfg = tmp_path / "cpu.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", str(1 + ncpus), "--config", cfg, *launcher, "--", *args,
               *qemu_args)
    con.wait_ready()
    return con


END = r"partition {}: (exited with code -?\d+|isolation fault on vcpu \d+: [^\r\n]*)\r?\n"


def end_of(con, label="t", since=0, count=1):
    """How partition label ended the count-th time in the output after since (the ends of
    several partitions come in any order: wait for any end line until this one is there)."""
    for _ in range(8):
        ends = re.findall(r"(?m)^" + END.format(label), con.output[since:])
        if len(ends) >= count:
            return ends[count - 1]
        con.expect_line(END.format(r"\S+")[:-len(r"\r?\n")])
    raise AssertionError(f"partition {label} did not end {count} time(s)")


def lines_of(con, label="t", since=0):
    return re.findall(rf"(?m)^\[{label}\] (.*?)\r*\n", con.output[since:])


def bare_lines(test, smp=1):
    g = BareGuest("cpu", LOG_DIR / f"guest-cpu-{test}-bare.log", f"test={test}", smp)
    try:
        g.wait_exit()
        return g.output.splitlines()
    finally:
        g.close()


def cpu_lines(lines):
    return [l for l in lines if l.startswith(("cpu: ", "PASS: ", "FAIL: "))]


# ---- SPRs -------------------------------------------------------------------------------------

def test_cache_and_ivor_sprs_behave_as_on_the_cpu(qemu, tmp_path):
    con = boot_cpu(qemu, tmp_path, "spr")
    assert end_of(con) == "exited with code 0"
    lines = cpu_lines(lines_of(con))
    # L1CSR0/1: CFI and CLFC read back 0 (Linux polls for it), the enables as written
    assert "cpu: l1csr0 write 0x00000103 read 0x00000001" in lines, lines
    assert "cpu: l1csr1 write 0x00000103 read 0x00000001" in lines, lines
    assert "cpu: l1csr0 write 0x00010001 read 0x00010001" in lines, lines
    # BUCSR[BBFI] self-clears as on silicon (QEMU keeps it: not compared with bare)
    assert "cpu: bucsr write 0x00000201 read 0x00000001" in lines, lines
    assert "cpu: mmucfg lpidsize 0" in lines, lines
    assert "cpu: ivor35-37 0x1230 0x4560 0x7890" in lines, lines
    bare = [l for l in cpu_lines(bare_lines("spr")) if not l.startswith("cpu: bucsr")]
    assert [l for l in lines if not l.startswith("cpu: bucsr")] == bare


def test_user_mode_privileged_sprs_and_msgsnd_are_the_guests_program_interrupt(qemu, tmp_path):
    con = boot_cpu(qemu, tmp_path, "user")
    assert end_of(con) == "exited with code 0", lines_of(con)
    lines = cpu_lines(lines_of(con))
    assert not [l for l in lines if l.startswith("FAIL")], lines
    assert len([l for l in lines if l.startswith("cpu: user ")]) == 5, lines
    assert lines == cpu_lines(bare_lines("user"))


def test_mutation_user_priv_emulates_user_mode_sprs(qemu, tmp_path, hv_test_elf):
    con = boot_cpu(qemu, tmp_path, "user", "--elf", str(hv_test_elf),
                   "--append", "bulkhead.mutate=user-priv")
    end_of(con)
    assert [l for l in lines_of(con) if l.startswith("FAIL: mtspr-l1csr0")], lines_of(con)


# ---- floating point ---------------------------------------------------------------------------

def run_fpu_twice(qemu, tmp_path, *launcher):
    con = boot_cpu(qemu, tmp_path, "fpu", *launcher)
    assert end_of(con) == "exited with code 0", lines_of(con)
    first = len(con.output)
    con.command("start t")
    assert end_of(con, since=first) == "exited with code 0", lines_of(con, since=first)
    return lines_of(con)[:len(lines_of(con)) - len(lines_of(con, since=first))], \
        lines_of(con, since=first)


def test_fp_is_per_vcpu_and_scrubbed_at_restart(qemu, tmp_path):
    run1, run2 = run_fpu_twice(qemu, tmp_path)
    for lines in (run1, run2):
        assert "cpu: fp unavailable taken 1, msr.fp now 1" in lines, lines
        assert "PASS: fprs kept across 600 exits" in lines, lines
        assert "PASS: FP unavailable again after mtmsr clears MSR[FP]" in lines, lines
    assert "cpu: fprs at entry: all zero" in run1, run1
    # the first run left 0x5a5a5a5a... in its FPRs: the restarted partition must not see it
    assert "cpu: fprs at entry: all zero" in run2, run2
    assert cpu_lines(run1) == cpu_lines(bare_lines("fpu"))


def test_mutation_fp_no_save_leaks_the_previous_runs_fprs(qemu, tmp_path, hv_test_elf):
    run1, run2 = run_fpu_twice(qemu, tmp_path, "--elf", str(hv_test_elf),
                               "--append", "bulkhead.mutate=fp-no-save")
    assert "cpu: fprs at entry: f0 = 0x5a5a5a5a00000000" in run2, run2


def test_two_vcpus_keep_their_own_fprs(qemu, tmp_path):
    con = boot_cpu(qemu, tmp_path, "fp2", ncpus=2)
    assert end_of(con) == "exited with code 0", lines_of(con)
    lines = cpu_lines(lines_of(con))
    assert "PASS: cpu 0 kept its FPRs while cpu 1 used its own" in lines, lines
    assert "PASS: cpu 1 kept its FPRs while cpu 0 used its own" in lines, lines
    assert lines == cpu_lines(bare_lines("fp2", smp=2))


# ---- doorbells --------------------------------------------------------------------------------

def test_doorbells_between_the_vcpus_of_a_partition(qemu, tmp_path):
    con = boot_cpu(qemu, tmp_path, "dbell", ncpus=2)
    assert end_of(con) == "exited with code 0", lines_of(con)
    lines = cpu_lines(lines_of(con))
    for what in ("doorbell to cpu 1 delivered (IVOR36)",
                 "critical doorbell to cpu 1 delivered (IVOR37)",
                 "doorbell to itself held under MSR[EE] = 0, taken when enabled",
                 "msgclr withdraws a pending doorbell", "broadcast doorbell reaches both cpus"):
        assert "PASS: " + what in lines, lines
    assert "cpu: dbell counts cpu0 2/0 cpu1 2/1" in lines, lines
    assert lines == cpu_lines(bare_lines("dbell", smp=2))


def run_cross(qemu, tmp_path, *launcher):
    """Partition s (1 vCPU, PIR 0, physical CPU 1) sends a doorbell to every PIR tag 0-15,
    then a byte to r (physical CPU 2), which counts the doorbells it got before the byte."""
    dts, args = config([
        partition("r", "cpu", 2, bootargs="test=xrecv timeout=60000",
                  channels=[("peer", "s", "peer")]),
        partition("s", "cpu", 1, bootargs="test=xsend", channels=[("peer", "r", "peer")],
                  no_auto_start=True)])
    cfg = tmp_path / "cross.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "3", "--config", cfg, *launcher, "--", *args)
    con.wait_ready()
    con.wait_line(r"\[r\] cpu: xrecv ready")
    con.command("start s")
    assert end_of(con, "s") == "exited with code 0", lines_of(con, "s")
    assert end_of(con, "r") == "exited with code 0", lines_of(con, "r")
    assert "PASS: xsend: the doorbell to itself arrived, no other" in lines_of(con, "s")
    assert "PASS: xrecv: the signal byte arrived" in lines_of(con, "r")
    return lines_of(con, "r")


def test_doorbell_never_reaches_another_partition(qemu, tmp_path):
    lines = run_cross(qemu, tmp_path)
    assert "cpu: xrecv doorbells from the other partition 0" in lines, lines


def test_mutation_dbell_physical_reaches_the_other_partition(qemu, tmp_path, hv_test_elf):
    lines = run_cross(qemu, tmp_path, "--elf", str(hv_test_elf),
                      "--append", "bulkhead.mutate=dbell-physical")
    assert "cpu: xrecv doorbells from the other partition 1" in lines, lines


# ---- TLB0 next victim -------------------------------------------------------------------------

def test_tlb0_miss_offers_the_sets_next_victim(qemu, tmp_path):
    con = boot_cpu(qemu, tmp_path, "tlbnv")
    assert end_of(con) == "exited with code 0", lines_of(con)
    lines = cpu_lines(lines_of(con))
    assert "cpu: tlbnv sum 12 misses 2" in lines, lines
    assert lines == cpu_lines(bare_lines("tlbnv"))


def test_mutation_tlb0_way0_makes_the_pages_evict_each_other(qemu, tmp_path, hv_test_elf):
    con = boot_cpu(qemu, tmp_path, "tlbnv", "--elf", str(hv_test_elf),
                   "--append", "bulkhead.mutate=tlb0-way0")
    end_of(con)
    assert "cpu: tlbnv sum 12 misses 8" in lines_of(con), lines_of(con)


# ---- the hypervisor never touches the FPRs itself ---------------------------------------------

FP_INSN = re.compile(r"\t(lfd|lfdu|lfdx|lfdux|lfs|lfsu|lfsx|lfsux|stfd|stfdu|stfdx|stfdux|stfs|"
                     r"stfsu|stfsx|stfsux|stfiwx|lfiwax|mffs|mtfsf|mtfsfi|mtfsb0|mtfsb1|f[a-z]+)"
                     r"[ \t.]")


def test_only_fp_s_uses_floating_point_registers(hv_elf, hv_test_elf):
    """FP state lives in the CPU while a vCPU runs (docs/cpu.md): that is only safe while the
    hypervisor itself (soft-float, newlib included) has no FP instruction but fp.S's."""
    objdump = shutil.which("powerpc-linux-gnu-objdump")
    for elf in (hv_elf, hv_test_elf):
        dis = subprocess.run([objdump, "-d", str(elf)], capture_output=True, text=True,
                             check=True).stdout
        users, fn = set(), None
        for line in dis.splitlines():
            m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
            if m:
                fn = m.group(1)
            elif FP_INSN.search(line):
                users.add(fn)
        assert users == {"fp_load", "fp_save"}, (elf, users)
