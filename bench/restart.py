#!/usr/bin/env python3
"""restart.py - bench P3 (issue 6, docs/dma.md) for a whole restart: a 64 MiB partition that
owns QEMU's edu by PCI assignment (partitions/dma keeps a DMA in flight) is restarted from
the console, under QEMU -icount shift=0,sleep=off (emulated time: one instruction per ns).
The hypervisor's debug-level restart line gives each step in microseconds: vCPUs out,
quiesce, start, pick-up, scrub, load (image + tree), enter (first guest instruction) and the
total from the stop request. Two references: a bare memset() (newlib's) of the same 64 MiB,
timed by the hypervisor's DMA self-test (bulkhead.selftest=dma, its "p3 ... memset" figure,
same options); and the scrub step itself, which is the hypervisor's fastest zeroing of that
memory (dcbz, arch_memzero()) - the stricter reference, since newlib's memset does not use
dcbz and under -icount costs about 9 times as many instructions.
restart.py x86: the same on x86 (an x86 partition owning edu, VT-d quiesce; the scrub's
8-byte stores are the reference; no memset self-test there). The partition has 16 MiB on
x86 (the q35 tree's partition memory), 64 MiB on PowerPC.
Not a test: prints figures for docs/benchmarks.md."""
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import partcfg  # noqa: E402
from qemu_console import QemuConsole  # noqa: E402

MIB = 1 << 20
EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'
RESTARTS = 3
STEP = r"partition a: restart \(us\): (.*), total (\d+)"


def memset_us(tmp):
    # the self-test is in the test image only (arch/powerpc/test/)
    con = QemuConsole(["--direct", "--icount", "--elf", "build/powerpc/bulkhead-test.elf",
                       "--append", "bulkhead.selftest=dma", "--",
                       "-device", "edu,dma_mask=0xffffffff"], tmp / "selftest.log", timeout=300)
    try:
        m = con.expect(r"dma-selftest: p3 .* memset (\d+) ticks, (\d+) KiB")
        return int(m.group(1)) / 400.0, int(m.group(2)) * 1024
    finally:
        con.close()


def restarts(tmp, size, arch="powerpc"):
    if size:
        partcfg.MEM_SIZE = size
    dts, extra = partcfg.config([partcfg.partition("a", "dma", 1, extra=EDU)], arch)
    cfg = tmp / "restart.dts"
    cfg.write_text(dts)
    con = QemuConsole(["--direct", "--icount", *(["--arch", "x86"] if arch == "x86" else []),
                       "--config", cfg, "--", "-device",
                       "edu,addr=2.0,dma_mask=0xffffffff", *extra], tmp / "restart.log",
                      timeout=300)
    try:
        con.wait_ready()
        con.command("loglevel debug")
        con.expect(r"\[a\] dma in flight")
        out = []
        for _ in range(RESTARTS):
            con.child.send("restart a\r")
            m = con.expect(STEP)
            out.append((m.group(1), int(m.group(2))))
            con.expect(r"\[a\] dma in flight")
        return out
    finally:
        con.close()


def main_x86(tmp):
    print(f"p3 x86: partition of {partcfg.MEM_SIZE // MIB} MiB")
    for steps, total in restarts(tmp, 0, "x86"):
        scrub = int(re.search(r"scrub (\d+)", steps).group(1))
        print(f"p3 x86: restart: {steps}, total {total} us")
        print(f"p3 x86: whole restart / the scrub's zeroing = {total / scrub:.3f}  (goal <= 1.3)")


def main():
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if sys.argv[1:] == ["x86"]:
            return main_x86(tmp)
        ref, size = memset_us(tmp)
        print(f"p3: bare memset of {size // MIB} MiB: {ref:.0f} us (emulated)")
        for steps, total in restarts(tmp, size):
            scrub = int(re.search(r"scrub (\d+)", steps).group(1))
            print(f"p3: restart: {steps}, total {total} us")
            print(f"p3: whole restart / memset = {total / ref:.3f}, / dcbz zeroing (the scrub) "
                  f"= {total / scrub:.3f}  (goal <= 1.3)")


main()
