#!/usr/bin/env python3
"""partitions.py - P1 and P2 of issue 4, in emulated time (QEMU -icount shift=0,sleep=off:
one instruction per virtual nanosecond, so a 400 MHz time-base tick is 2.5 instructions).

P1: the cpubound guest's run time as a partition / the same guest bare on QEMU, same options.
P2: hypervisor instructions per null hypercall round trip and per emulated mfmsr, from the
    hcallbench guest (ticks per iteration, minus the guest's own instructions per iteration).
Not a test: prints figures for docs/benchmarks.md."""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from partcfg import GUESTS, ROOT, config, partition  # noqa: E402

ICOUNT = "shift=0,sleep=off"
INSN_PER_TICK = 2.5          # 1 ns per instruction, 0.4 ticks per ns at 400 MHz
QEMU = ["qemu-system-ppc", "-M", "ppce500", "-cpu", "e500mc", "-m", "512", "-smp", "4",
        "-nographic", "-monitor", "none", "-serial", "stdio", "-icount", ICOUNT]


def run(cmd, pattern, timeout=300):
    """Run until pattern appears on the console; return the match."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        for line in p.stdout:
            m = re.search(pattern, line)
            if m:
                return m
        raise SystemExit(f"bench: {pattern!r} never printed by {' '.join(map(str, cmd))}")
    finally:
        p.kill()
        p.wait()


def as_partition(guest, bootargs, pattern, tmp):
    dts, extra = config([partition("bench", guest, 1, bootargs=bootargs)])
    cfg = Path(tmp) / f"{guest}.dts"
    cfg.write_text(dts)
    return run([ROOT / "tools/run-qemu.sh", "--direct", "--smp", "4", "--icount",
                "--config", cfg, "--", *extra], pattern)


def p1(tmp):
    pat = r"cpubound: ticks=(\d+) result=(0x[0-9a-f]+)"
    bare = run(QEMU + ["-kernel", GUESTS / "cpubound.elf"], pat)
    part = as_partition("cpubound", "", pat, tmp)
    assert bare.group(2) == part.group(2), "cpubound results differ"
    b, p = int(bare.group(1)), int(part.group(1))
    print(f"P1 cpubound: bare {b} ticks, partition {p} ticks, ratio {p / b:.4f} (goal <= 1.02)")


def p2(tmp):
    pat = r"null-hcall ticks=([\d.]+) mfmsr ticks=([\d.]+) iters=(\d+) loop ticks=([\d.]+)"
    m = as_partition("hcallbench", "iters=20000", pat, tmp)
    hcall, mfmsr = float(m.group(1)), float(m.group(2))
    # guest instructions per iteration: hcall loop 5, mfmsr loop 2 (see partitions/hcallbench)
    print(f"P2 null hypercall: {hcall:.2f} ticks/iteration = "
          f"{hcall * INSN_PER_TICK - 5:.0f} hypervisor instructions (goal <= 150)")
    print(f"P2 emulated mfmsr: {mfmsr:.2f} ticks/iteration = "
          f"{mfmsr * INSN_PER_TICK - 2:.0f} hypervisor instructions (goal <= 150)")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        p1(tmp)
        p2(tmp)
