#!/usr/bin/env python3
"""boot_time.py - emulated time from reset to the Bulkhead banner, per boot path.

Boots through tools/run-qemu.sh with --icount (one instruction per virtual ns, no warping to
host time), waits for the shell, asks "version" and reads its line
"boot: banner at N time-base ticks (U us at F Hz)". The time base starts at 0 at reset, so
under U-Boot the figure includes U-Boot's own run. Deterministic: same image, same number.

usage: bench/boot_time.py [--smp N] [PATH...]     PATH: direct, uboot (default both)
"""
import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from qemu_console import QemuConsole, ROOT  # noqa: E402

VERSION_RE = r"boot: banner at (\d+) time-base ticks \((\d+) us at (\d+) Hz\)"


def measure(path, smp):
    log = ROOT / "build" / "bench" / f"boot-{path}.log"
    with QemuConsole([f"--{path}", "--icount", "--smp", str(smp)], log, timeout=120) as con:
        con.wait_ready()
        m = re.search(VERSION_RE, con.command("version"))
        if not m:
            sys.exit(f"boot_time: no 'boot: banner at' line from 'version' (log: {log})")
        return int(m.group(1)), int(m.group(3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("paths", nargs="*", metavar="PATH", help="direct, uboot (default: both)")
    a = ap.parse_args()
    a.paths = a.paths or ["direct", "uboot"]
    for p in a.paths:
        if p not in ("direct", "uboot"):
            ap.error(f"unknown boot path {p!r} (direct or uboot)")
    for path in a.paths:
        ticks, hz = measure(path, a.smp)
        print(f"boot-time: {path:<6} reset to banner {ticks} ticks = {ticks * 1e6 / hz:.0f} us "
              f"emulated ({hz} Hz time base, -icount shift=0, -smp {a.smp})")


if __name__ == "__main__":
    main()
