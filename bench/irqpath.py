"""irqpath.py [powerpc|x86] - P8 (docs/benchmarks.md): hypervisor instructions from a device
interrupt to the first instruction of the guest's handler, from an instruction trace.

The irqlat guest (partitions/irqlat) owns QEMU's edu device and raises its INTx in a loop
(edu_raise(): one store to edu's interrupt-raise register). QEMU runs under -icount; once the
loop runs, QEMU's monitor switches on `-d exec,nochain` (one line per translation block run)
for one emulated second. On the guest's CPU, every block run between the block holding the
store and the first block of the guest's external-interrupt vector (guest_vec_4; x86:
guest_vec_ext, vector 0x20) is the hypervisor's; its instructions are counted from the
disassembly of build/<arch>/bulkhead.elf (a block ends where QEMU's translator ends one: a
branch, rfi, sc, mtmsr, wrtee or isync; on x86 a jump, call, return, VMRUN, STI/CLI, HLT, a
control-register or MSR write). Prints the median count and where the instructions go (by
function). Not a test: needs the architecture's objdump."""
import bisect
import collections
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from guestrun import EDU, EDU_QEMU  # noqa: E402
from partcfg import ROOT, config, partition  # noqa: E402

# What differs by architecture: images, tools, the guest's vector, where a block ends.
ARCH = {
    "powerpc": dict(prefix="powerpc-linux-gnu-", vector="guest_vec_4",
                    block_end=r"^(b|rfi|rfci|rfmci|rfdi|sc|mtmsr|wrtee|isync|tw)"),
    "x86": dict(prefix="x86_64-linux-gnu-", vector="guest_vec_ext",
                block_end=r"^(j|call|ret|iret|lret|vmrun|vmload|vmsave|stgi|clgi|sti|cli|hlt|"
                          r"int|lidt|lgdt|ltr|wrmsr|xsetbv|pause|mov\s+%\w+,%cr|popf)"),
}
arch = sys.argv[1] if len(sys.argv) > 1 else "powerpc"
if arch not in ARCH:
    raise SystemExit(f"irqpath: usage: irqpath.py [{'|'.join(ARCH)}]")
HV = ROOT / "build" / arch / "bulkhead.elf"
GUEST = ROOT / "build" / arch / "partitions" / "irqlat.elf"
OBJDUMP = ARCH[arch]["prefix"] + "objdump"
NM = ARCH[arch]["prefix"] + "nm"
BLOCK_END = re.compile(ARCH[arch]["block_end"])


def symbols(elf):
    """Sorted [(address, name)] of the text symbols of elf."""
    out = subprocess.run([NM, "-n", str(elf)], capture_output=True, text=True, check=True).stdout
    return [(int(a, 16), n) for a, t, n in (l.split() for l in out.splitlines() if len(l.split()) == 3)
            if t in "tTwW"]


def block_lengths(elf):
    """A function pc -> instructions of the translation block starting at pc."""
    out = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", str(elf)], capture_output=True,
                         text=True, check=True).stdout
    insns = [(int(m.group(1), 16), m.group(2))
             for m in re.finditer(r"(?m)^\s+([0-9a-f]+):\s+(\S+)", out)]
    index = {a: i for i, (a, _) in enumerate(insns)}

    def length(pc):
        i, n = index.get(pc), 0
        while i is not None and i < len(insns):
            n += 1
            if BLOCK_END.match(insns[i][1]) or n >= 512:
                break
            i += 1
        return n
    return length


def trace(tmp):
    """Run irqlat under -icount and return the exec trace of one emulated second."""
    dts, extra = config([partition("i", "irqlat", 1, bootargs="n=0", extra=EDU)], arch)
    cfg, log, mon = Path(tmp) / "irqlat.dts", Path(tmp) / "exec.log", Path(tmp) / "mon.sock"
    cfg.write_text(dts)
    p = subprocess.Popen([ROOT / "tools/run-qemu.sh", "--direct", "--smp", "4", "--icount",
                          *(["--arch", "x86"] if arch == "x86" else []),
                          "--config", cfg, "--", *extra, *EDU_QEMU, "-D", str(log),
                          "-monitor", f"unix:{mon},server=on,wait=off"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        for line in p.stdout:
            if "irqlat: ready" in line:
                break
            if "irqlat: no PCI function" in line:
                raise SystemExit("irqpath: " + line.strip())
        else:
            raise SystemExit("irqpath: irqlat never printed its ready line")
        s = socket.socket(socket.AF_UNIX)
        s.connect(str(mon))
        s.sendall(b"log exec,nochain\n")
        time.sleep(1.0)     # host time: how much is traced does not change the figure
        s.sendall(b"log none\n")
        time.sleep(0.3)
    finally:
        p.kill()
        p.wait()
    return log.read_text(errors="replace")


def main():
    gsyms = dict((n, a) for a, n in symbols(GUEST))
    raise_lo = gsyms["edu_raise"]
    raise_hi = min(a for a in gsyms.values() if a > raise_lo)
    vector = gsyms[ARCH[arch]["vector"]]
    hsyms = symbols(HV)
    keys = [a for a, _ in hsyms]
    length = block_lengths(HV)
    hv_lo, hv_hi = hsyms[0][0], hsyms[-1][0] + 0x1000

    def fn(pc):
        return hsyms[bisect.bisect_right(keys, pc) - 1][1]

    with tempfile.TemporaryDirectory() as tmp:
        text = trace(tmp)
    cpu = None
    paths, cur = [], None
    for m in re.finditer(r"(?m)^Trace (\d+): \S+ \[[0-9a-f]+/([0-9a-f]+)/", text):
        c, pc = int(m.group(1)), int(m.group(2), 16)
        if raise_lo <= pc < raise_hi:
            cpu, cur = c, []
            continue
        if cur is None or c != cpu:
            continue
        if hv_lo <= pc < hv_hi:
            cur.append(pc)
        elif pc == vector:
            paths.append(cur)
            cur = None
    if not paths:
        raise SystemExit("irqpath: no raise-to-vector path in the trace")
    counts = [sum(length(pc) for pc in path) for path in paths]
    med = statistics.median(counts)
    typical = next(p for p, n in zip(paths, counts) if n == med)
    per = collections.Counter()
    for pc in typical:
        per[fn(pc)] += length(pc)
    print(f"P8 device interrupt -> guest handler ({arch}): {med:.0f} hypervisor instructions "
          f"(median of {len(paths)} interrupts, min {min(counts)}, max {max(counts)}; "
          f"goal <= 300)")
    for name, n in per.most_common():
        print(f"  {n:5d}  {name}")


if __name__ == "__main__":
    main()
