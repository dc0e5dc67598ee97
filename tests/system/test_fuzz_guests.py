"""Guest-side fuzzers (issue 12, R3; docs/reliability.md).

Hypercall fuzzer: partition f (partitions/hcfuzz, role=fuzz) makes random hypercalls from all
its vCPUs at once. Beside it: v, a victim that checksums 1 MiB of its memory and its code every
tick; m, a manager partition that manages v (so a partition handle to v exists, in m's table
only) and is itself a victim; s, a hello that f manages and may stop, start and restart (what
a manager is allowed to do). Afterwards the victims' sums and ticks are unchanged, the shell
answers, `mem` (heap, handles) is unchanged and no CPU is parked.

Instruction fuzzer: partitions/insnfuzz runs the same seeded instruction words bare on QEMU
and as a partition; every outcome must match (or fall in an excluded class, each with its
reason in docs/reliability.md) and the hypervisor must not park.

BULKHEAD_FUZZ_CALLS / BULKHEAD_FUZZ_WORDS / BULKHEAD_FUZZ_SEED set the sizes and the seed
(make soak: 10^6 calls, 10^5 words per state; make check: 10^4 calls, 4000 words per state)."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from partcfg import config, partition, x86_hw_tree
from qemu_console import parse_cpus_table

CALLS = int(os.environ.get("BULKHEAD_FUZZ_CALLS", "10000"))     # all vCPUs together
SEED = int(os.environ.get("BULKHEAD_FUZZ_SEED", "1"))
FUZZ_CPUS = 2
SMP = 1 + FUZZ_CPUS + 3     # the hypervisor's CPU 0, f's vCPUs, v, m, s
# A safety net only: 10^4 calls take seconds; the soak's 10^6 take minutes.
FUZZ_TIMEOUT = 120 + CALLS // 1000


def guest_lines(con, label):
    """Complete lines printed by partition label, prefix removed."""
    return re.findall(r"(?m)^\[" + re.escape(label) + r"\] (.*)\n", con.output)


def wait_line(con, regex, timeout=None):
    m = re.search(r"(?m)^" + regex + r"$", con.output)
    return m or con.expect_line(r"" + regex, timeout)


def ticks(con, label):
    """(tick number, sum) of each "victim: tick" line of partition label."""
    return [(int(n), s) for n, s in
            (re.match(r"victim: tick (\d+) sum (0x[0-9a-f]+)", l).groups()
             for l in guest_lines(con, label) if l.startswith("victim: tick"))]


def wait_ticks(con, label, n, timeout=None):
    while len(ticks(con, label)) < n:
        con.expect(r"\[" + label + r"\] victim: tick \d+ sum 0x[0-9a-f]+\r*\n", timeout)


def shell(con, cmd, last):
    """Type a shell command and return the console text from there to its last output line
    (regex `last`). The victims print all the time, so the echo of what is typed can be
    split by their lines: wait for the output, not the echo."""
    start = len(con.output)
    con.child.send(cmd + "\r")
    con.expect(r"(?m)^" + last + r"\r*\n")
    return con.output[start:]


def hv_cpus(con):
    return parse_cpus_table(shell(con, "cpus", rf"cpu {SMP - 1} +\w+ +heartbeat \d+"))


def hv_memory(con):
    """The console's mem command (heap, handles, DMA sources), without partition lines."""
    out = shell(con, "mem", r"dma sources: \d+ attached")
    lines = [l for l in out.splitlines() if l.startswith(("heap: ", "handles: ", "dma sources"))]
    assert lines and lines[0].startswith("heap: "), out
    return lines


# The race run also gives f QEMU's edu (a PCI function with a DMA handle) for the DMA calls.
EDU_ASSIGNED = 'edu { device = "pci0"; pci-function = <2 0>; };'
EDU_QEMU = ("-device", "edu,addr=2.0,dma_mask=0xffffffff")


def fuzz_parts(calls, seed, poke=0, hammer=0):
    per_cpu = max(1, calls // FUZZ_CPUS)
    cpu = 1 + FUZZ_CPUS
    return [
        partition("f", "hcfuzz", 1, ncpus=FUZZ_CPUS, manages=["s"],
                  channels=[("tov", "v", "fromf")], extra=EDU_ASSIGNED if hammer else "",
                  bootargs=f"role=fuzz seed={seed} count={per_cpu} cpus={FUZZ_CPUS} go=key "
                  f"hammer={hammer}"),
        partition("v", "hcfuzz", cpu, channels=[("fromf", "f", "tov")],
                  bootargs="role=victim interval=20"),
        partition("m", "hcfuzz", cpu + 1, manages=["v"],
                  bootargs=f"role=victim interval=20 poke={poke}"),
        partition("s", "hello", cpu + 2, bootargs="count=0 interval=50"),
    ]


def boot_fuzz(qemu, tmp_path, parts, *args, edu=False, arch="powerpc"):
    """arch="x86": the same partitions on q35 (build/x86/partitions, a hardware tree with SMP
    CPUs)."""
    dts, extra = config(parts, arch)
    extra = [*extra, *(EDU_QEMU if edu else ())]
    cfg = tmp_path / "hcfuzz.dts"
    cfg.write_text(dts)
    if arch == "x86":
        args = ("--arch", "x86", "--hw-tree", x86_hw_tree(tmp_path, SMP), *args)
    con = qemu("--direct", "--smp", str(SMP), *args, "--config", cfg, "--", *extra,
               timeout=FUZZ_TIMEOUT)
    con.wait_ready()
    return con


def press_key(con, label):
    con.child.send(f"console {label}\r")
    con.expect_exact(f"console: attached to {label}")
    con.child.send("g")
    con.child.send("\x1d")
    con.expect_exact("bulkhead> ")


def run_hcfuzz(con):
    """Let f go once both victims tick and f waits for its key (the hypervisor's state is
    read with every partition started: a first start builds its device tree). Asserts the
    run's own invariants (fuzzer finished, victims unchanged and still ticking, no CPU
    parked); returns (mem before, mem after, calls made, calls skipped)."""
    wait_ticks(con, "v", 2)
    wait_ticks(con, "m", 2)
    wait_line(con, r"\[f\] hcfuzz: press a key to start")
    before = hv_memory(con)
    cpus_before = hv_cpus(con)
    press_key(con, "f")
    done = wait_line(con, r"\[f\] hcfuzz: done seed (\d+) calls (\d+) skipped (\d+)",
                     timeout=FUZZ_TIMEOUT)
    wait_line(con, r"partition f: exited with code 0")
    # The victims keep ticking after the run: two more ticks each than at its end.
    nv, nm = len(ticks(con, "v")), len(ticks(con, "m"))
    wait_ticks(con, "v", nv + 2)
    wait_ticks(con, "m", nm + 2)
    after = hv_memory(con)
    cpus = hv_cpus(con)
    out = con.output
    assert "parked" not in out, out[-3000:]
    assert "CORRUPT" not in out
    for label in ("v", "m"):
        sums = {s for _, s in ticks(con, label)}
        first = re.search(r"victim: \d+ KiB at 0x[0-9a-f]+, sum (0x[0-9a-f]+)",
                          "\n".join(guest_lines(con, label))).group(1)
        assert sums == {first}, f"{label}: sums changed: {sums} (first {first})"
        numbers = [n for n, _ in ticks(con, label)]
        assert numbers == list(range(1, len(numbers) + 1)), f"{label}: ticks {numbers}"
    assert set(cpus) == set(cpus_before) and all(st == "online" for st, _ in cpus.values()), \
        cpus
    return before, after, int(done.group(2)), int(done.group(3))


# make check runs both under --mttcg (one host thread per vCPU: the two fuzzing vCPUs really
# run at once), on both architectures;
# make soak adds the round-robin TCG run (BULKHEAD_FUZZ_MODES).
MODES = os.environ.get("BULKHEAD_FUZZ_MODES",
                       "fuzz-mttcg,hammer-mttcg,x86-fuzz-mttcg,x86-hammer-mttcg").split(",")


@pytest.mark.parametrize("mode", MODES)
def test_hcall_fuzzer_changes_nothing_it_does_not_own(qemu, tmp_path, mode):
    """mode fuzz: random hypercalls; hammer: the byte-channel, vPIC and DMA calls on f's own
    handles (the SMP race run); -mttcg: under --mttcg; x86-: on x86 (VMMCALL)."""
    arch = "x86" if mode.startswith("x86-") else "powerpc"
    mode = mode.removeprefix("x86-")
    hammer = int(mode.startswith("hammer"))
    con = boot_fuzz(qemu, tmp_path, fuzz_parts(CALLS, SEED, hammer=hammer),
                    *(["--mttcg"] if mode.endswith("-mttcg") else []), edu=bool(hammer),
                    arch=arch)
    before, after, calls, skipped = run_hcfuzz(con)
    assert calls + skipped == (CALLS // FUZZ_CPUS) * FUZZ_CPUS
    assert calls >= 0.95 * CALLS
    lines = guest_lines(con, "f")
    assert f"hcfuzz: seed {SEED} cpus {FUZZ_CPUS} count {CALLS // FUZZ_CPUS}" in lines[0]
    # Both vCPUs made their calls (progress lines of each).
    for cpu in range(FUZZ_CPUS):
        assert f"hcfuzz: cpu {cpu} {CALLS // FUZZ_CPUS} calls" in lines
    # Some calls succeeded and some were refused: the fuzzer reached the handlers.
    status = dict(re.findall(r"(>?\d+)=(\d+)", next(l for l in lines if "status" in l)))
    assert int(status.get("0", 0)) > 0 and int(status.get("8", 0)) > 0, status
    if hammer:
        assert "PCI 1234:11e8 at 00:02.0" in con.output
    assert after == before, f"mem changed:\n{before}\n{after}"
    assert "usage: start PARTITION" in shell(con, "start", r"usage: start PARTITION")


ARCHES = ("powerpc", "x86")
X86_TEST_ELF = Path(__file__).resolve().parent.parent.parent / "build" / "x86" / \
    "bulkhead-test.elf32"


@pytest.mark.parametrize("arch", ARCHES)
def test_victim_check_sees_a_managers_write(qemu, tmp_path, arch):
    """Positive control: m, which manages v, copies 4 bytes into v's buffer from its third
    tick on (FH_PARTITION_MEMCPY, allowed for a manager); v's sum shows it."""
    con = boot_fuzz(qemu, tmp_path, fuzz_parts(CALLS, SEED, poke=3), arch=arch)
    wait_ticks(con, "v", 2)
    wait_line(con, r"\[m\] victim: poked the managed partition: status 0")
    wait_line(con, r"\[v\] victim: CORRUPT")
    # v's sum changed from the one it started with (m's ticks are not v's: the poke may come
    # before v's first tick, and each poke writes a new value)
    first = re.search(r"(?m)^\[v\] victim: \d+ KiB at 0x[0-9a-f]+, sum (0x[0-9a-f]+)",
                      con.output).group(1)
    assert [s for _, s in ticks(con, "v") if s != first]
    assert "CORRUPT" not in "\n".join(guest_lines(con, "m"))


@pytest.mark.parametrize("arch", ARCHES)
def test_hcall_fuzzer_negative_control_unbounded_guest_memory(qemu, tmp_path, hv_test_elf, arch):
    """Negative control: with guest_read/guest_write's range check broken on purpose, the
    same run must be caught (a victim corrupted or stopped, or the hypervisor parked)."""
    elf = X86_TEST_ELF if arch == "x86" else hv_test_elf
    con = boot_fuzz(qemu, tmp_path, fuzz_parts(CALLS, SEED), "--elf", elf,
                    "--append", "bulkhead.mutate=guest-mem-unbounded", arch=arch)
    with pytest.raises(AssertionError):
        run_hcfuzz(con)


# --- instruction fuzzer ----------------------------------------------------------------------
WORDS = int(os.environ.get("BULKHEAD_FUZZ_WORDS", "4000"))      # per state
GUESTS = Path(__file__).resolve().parent.parent.parent / "build" / "powerpc" / "partitions"
QEMU = shutil.which("qemu-system-ppc") or "qemu-system-ppc"
INSN_TIMEOUT = 120 + WORDS // 100     # a safety net: 10^5 words take ~2 min per run here


def insnfuzz_bare(args):
    """Console output of insnfuzz run bare on QEMU (it powers QEMU off at the end)."""
    elf = GUESTS / "insnfuzz.elf"
    cmd = [QEMU, "-M", "ppce500", "-cpu", "e500mc", "-m", "512", "-nographic", "-monitor",
           "none", "-serial", "stdio", "-kernel", str(elf), "-append", args]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                         timeout=INSN_TIMEOUT, stdin=subprocess.DEVNULL).stdout
    return [l for l in out.replace("\r", "").splitlines() if l.startswith("insnfuzz: ")]


def insnfuzz_hv(qemu, tmp_path, args, *launcher):
    """insnfuzz's lines as partition i under Bulkhead, and the whole console output."""
    dts, extra = config([partition("i", "insnfuzz", 1, bootargs=args)])
    cfg = tmp_path / "insnfuzz.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "2", *launcher, "--config", cfg, "--", *extra,
               timeout=INSN_TIMEOUT)
    con.wait_ready()
    wait_line(con, r"partition i: (exited with code \d+|isolation fault.*|stopped.*)")
    shell(con, "cpus", r"cpu 1 +\w+ +heartbeat \d+")      # the console still answers
    return [l for l in guest_lines(con, "i") if l.startswith("insnfuzz: ")], con.output


def words(lines):
    """{index: (word, vec, esr, hash)} from insnfuzz's short "c" lines (dump=all)."""
    out = {}
    for l in lines:
        m = re.match(r"insnfuzz: c (\d+) ([0-9a-f]{8}) (\d+) ([0-9a-f]{8}) ([0-9a-f]{8})\s*$", l)
        if m:
            out[int(m.group(1))] = (int(m.group(2), 16), int(m.group(3)), int(m.group(4), 16),
                                    m.group(5))
    return out


# Documented differences between bare QEMU and Bulkhead (docs/reliability.md, "Instruction
# fuzzer"): each is a predicate on (word, hv (vec, esr), bare (vec, esr)). Words that cannot
# run in the sandbox at all are excluded by the guest itself (it prints each class's count).
def spr_not_virtualised(w, hv, bare):
    """mfspr of an SPR number Bulkhead does not virtualise: the guest gets a privileged-
    instruction program interrupt (ESR[PPR]) as for an undefined SPR; QEMU's e500mc model
    answers for more SPR numbers than E500MCRM table 2-2 lists."""
    return (w >> 26 == 31 and ((w >> 1) & 0x3ff) == 339 and hv == (6, 0x04000000)
            and bare[0] == 255)


def hcall_from_user(w, hv, bare):
    """sc 1 (the hypercall instruction) in guest user state: e500mc with Embedded.Hypervisor
    gives a privileged-instruction program interrupt for sc LEV=1 with MSR[PR]=1 (as KVM e500
    does for its guests), and so does Bulkhead; QEMU's e500mc model has no E.HV and takes a
    plain system call (IVOR8, SRR0 after the sc)."""
    return w == 0x44000022 and hv == (6, 0x04000000) and bare[0] == 8


DOCUMENTED = {"mfspr of an SPR Bulkhead does not virtualise": spr_not_virtualised,
              "sc 1 in guest user state": hcall_from_user}


def classify(bare, hv):
    """({class: [words]}, [undocumented word indexes])."""
    wb, wh = words(bare), words(hv)
    assert len(wb) == len(wh) and wb, (len(wb), len(wh))
    seen, bad = {}, []
    for i, (w, vb, eb, hb) in sorted(wb.items()):
        w2, vh, eh, hh = wh[i]
        assert w2 == w, f"word {i}: hv ran {w2:08x}, bare {w:08x} (the PRNG streams differ)"
        if hh == hb:
            continue
        cls = next((c for c, f in DOCUMENTED.items() if f(w, (vh, eh), (vb, eb))), None)
        if cls:     # by SPR number for mfspr, else by word
            seen.setdefault(cls, []).append(((w >> 16) & 0x1f) | ((w >> 6) & 0x3e0)
                                            if w >> 26 == 31 else f"{w:08x}")
        else:
            bad.append(i)
    return seen, bad


def explain(qemu, tmp_path, args, bad, block=256):
    """Full outcomes (registers too) of the undocumented differences of the first block."""
    dump = f"{args.replace('dump=all', '')} dump={bad[0] // block}"
    wb = {l.split()[2]: l for l in insnfuzz_bare(dump) if l.startswith("insnfuzz: w ")}
    wh = {l.split()[2]: l for l in insnfuzz_hv(qemu, tmp_path, dump)[0]
          if l.startswith("insnfuzz: w ")}
    return "\n".join(f"hv:   {wh.get(str(i))}\nbare: {wb.get(str(i))}" for i in bad
                     if str(i) in wb)


@pytest.mark.parametrize("state", ["supervisor", "user"])
def test_insn_fuzzer_matches_bare(qemu, tmp_path, state):
    """The same words in guest supervisor state (mode=) or guest user state (guest_run_user)
    do the same bare and under Bulkhead, but for the documented differences."""
    args = f"seed={SEED} count={WORDS} dump=all mode={state}"
    bare = insnfuzz_bare(args)
    hv, out = insnfuzz_hv(qemu, tmp_path, args)
    assert bare and bare[-1].startswith("insnfuzz: done"), bare[-5:]
    assert f"{state} state" in hv[0]
    assert "parked" not in out
    assert "partition i: exited with code 0" in out, out[-2000:]
    seen, bad = classify(bare, hv)
    print("documented differences:", {c: (len(v), sorted(set(v))) for c, v in seen.items()},
          *[l for l in hv if "excluded" in l], sep="\n")
    if bad:
        pytest.fail(f"{len(bad)} undocumented differences (words {bad[:20]}):\n" +
                    explain(qemu, tmp_path, args, bad))
    assert hv[-1] == bare[-1] or seen      # equal digests unless a documented difference


def test_insn_fuzzer_user_state_negative_control(qemu, tmp_path, hv_test_elf):
    """Negative control: with user-priv (the hypervisor emulates privileged instructions of
    guest user mode as if the guest kernel ran them), the user-state run no longer matches:
    a privileged word executes, or a hypervisor-only SPR stops the partition."""
    args = f"seed={SEED} count={min(WORDS, 2000)} dump=all mode=user"
    bare = insnfuzz_bare(args)
    hv, out = insnfuzz_hv(qemu, tmp_path, args, "--elf", hv_test_elf,
                          "--append", "bulkhead.mutate=user-priv")
    assert "protections broken on purpose: user-priv" in out
    stopped = "partition i: exited with code 0" not in out
    wb, wh = words(bare), words(hv)
    differ = [i for i in wh if wh[i][3] != wb[i][3]]
    assert stopped or differ, "the user-priv mutation went unnoticed"
