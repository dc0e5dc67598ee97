#!/usr/bin/env python3
"""linux.py - bench P9 and P10 (issue 13): the test Linux (docs/linux.md) in a partition
against the same kernel bare on QEMU ppce500, both under -icount (one instruction per virtual
ns, no warping: emulated time, the same on any host).

P9:  boot to /init: /init's first "uptime S s" line (CLOCK_BOOTTIME, from Linux's own time
     start), partition / bare.
P10: a guest syscall round trip: /init's "syscalls N" (N getppid calls, CLOCK_MONOTONIC around
     them), ns per call, partition / bare. Trap-and-emulate reflects every sc and rfi: the
     shell's "stats l" (cleared before each run) counts the hypervisor's exits, by reason, for
     a run of N calls and a run of N/10; their difference divided by the difference of the
     call counts is the exits per syscall, without the command's own console traffic.

usage: bench/linux.py [--calls N]
"""
import argparse
import re
import sys
import tempfile
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from linuxcfg import INITRAMFS, QEMU_MEM, config  # noqa: E402
from qemu_console import QemuConsole, ROOT  # noqa: E402

UIMAGE = ROOT / "build" / "powerpc" / "linux" / "kernel" / "uImage"
UPTIME = r"bulkhead-linux: uptime (\d+\.\d+) s"
SYSCALLS = r"bulkhead-linux: syscalls (\d+) in (\d+) ns \((\d+) ns each\)"
TIMEOUT = 600


def bare(calls):
    args = ["-M", "ppce500", "-cpu", "e500mc", "-m", QEMU_MEM, "-smp", "1", "-nographic",
            "-monitor", "none", "-serial", "stdio", "-icount", "shift=0,sleep=off",
            "-kernel", str(UIMAGE), "-initrd", str(INITRAMFS), "-append", "console=ttyS0"]
    log = open(ROOT / "build" / "bench" / "linux-bare.log", "w")
    child = pexpect.spawn("qemu-system-ppc", args, encoding="utf-8", codec_errors="replace",
                          timeout=TIMEOUT)
    child.logfile_read = log
    try:
        child.expect(UPTIME)
        boot = float(child.match.group(1))
        child.expect("linux> ")
        child.send(f"syscalls {calls}\r")
        child.expect(SYSCALLS)
        return boot, int(child.match.group(3))
    finally:
        child.terminate(force=True)
        log.close()


def parse_stats(text):
    """{name: count} from the shell's "stats P" text: the totals line and each trap reason."""
    out = {}
    m = re.search(r"traps (\d+)\s+emulated (\d+)\s+hypercalls (\d+)\s+tlb-refills (\d+)\s+"
                  r"delivered (\d+)", text)
    for k, v in zip(("traps", "emulated", "hypercalls", "tlb-refills", "delivered"), m.groups()):
        out[k] = int(v)
    for name, v in re.findall(r"(?m)^\s+trap\s+(\S+)\s+(\d+)", text):
        out["trap " + name] = int(v)
    return out


def run_calls(con, calls):
    """/init's "syscalls calls" with the partition's stats cleared first: (ns each, stats)."""
    con.command("stats l --clear")
    start = len(con.output)
    con.child.send("console l\r")
    con.expect_exact("console: attached to l")
    con.child.send(f"syscalls {calls}\r")
    con.expect_line(r"\[l\] " + SYSCALLS)
    each = int(re.search(SYSCALLS, con.output[start:]).group(3))
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    return each, parse_stats(con.command("stats l"))


def partition(calls):
    dts, extra = config(ncpus=1, hello=False)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "linux.dts"
        cfg.write_text(dts)
        log = ROOT / "build" / "bench" / "linux-partition.log"
        with QemuConsole(["--direct", "--icount", "--smp", "4", "--mem", QEMU_MEM, "--config",
                          cfg, "--", *extra], log, timeout=TIMEOUT) as con:
            con.wait_ready()
            con.expect_line(r"\[l\] " + UPTIME)
            boot = float(re.search(UPTIME, con.output).group(1))
            con.expect_line(r"\[l\] bulkhead-linux: fp .*")
            small, stats_small = run_calls(con, calls // 10)
            each, stats = run_calls(con, calls)
            per_call = {k: (stats.get(k, 0) - stats_small.get(k, 0)) / (calls - calls // 10)
                        for k in stats}
            return boot, each, per_call


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--calls", type=int, default=20000)
    a = ap.parse_args()
    (ROOT / "build" / "bench").mkdir(parents=True, exist_ok=True)
    b_boot, b_call = bare(a.calls)
    p_boot, p_call, per_call = partition(a.calls)
    print(f"P9 linux-boot: to /init bare {b_boot:.3f} s, partition {p_boot:.3f} s emulated "
          f"= {p_boot / b_boot:.2f}x")
    print(f"P10 syscall: getppid bare {b_call} ns, partition {p_call} ns emulated "
          f"= {p_call / b_call:.1f}x ({a.calls} calls)")
    print("P10 exits per syscall (partition, stats difference of two runs): " +
          ", ".join(f"{k} {v:.2f}" for k, v in per_call.items() if abs(v) >= 0.005))


if __name__ == "__main__":
    main()
