"""The test guests (partitions/) booted bare on QEMU ppce500, without the hypervisor.

Each guest is an ePAPR client: QEMU's firmware-less -kernel path enters it exactly as Bulkhead
does (r3 = device tree, r6 = ePAPR magic, r7 = initial mapping size), so these tests check the
guest runtime and the guests' own logic; the hypervisor tests run the same ELFs as partitions.
Every wait has a timeout, the console is logged to build/test-logs/guest-<test>.log and QEMU
is killed at teardown. A guest ends with "exit N" and powers QEMU off (GPIO pin 0).
"""
import os
import re
import shutil
import zlib
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parent.parent
GUEST_DIR = ROOT / "build" / "powerpc" / "partitions"
LOG_DIR = ROOT / "build" / "test-logs"
QEMU = shutil.which("qemu-system-ppc") or "qemu-system-ppc"
# Hard limit for one wait; the guests finish in well under a second of wall time.
TIMEOUT = float(os.environ.get("BULKHEAD_QEMU_TIMEOUT", "30"))


class BareGuest:
    """One QEMU running one guest ELF with its serial console on a pexpect pipe."""

    def __init__(self, name, log_path, append=None, smp=1, icount=False):
        elf = GUEST_DIR / f"{name}.elf"
        if not elf.is_file():
            pytest.fail(f"{elf} is missing: run 'make' (or 'make check') first")
        args = ["-M", "ppce500", "-cpu", "e500mc", "-m", "512", "-smp", str(smp),
                "-nographic", "-monitor", "none", "-serial", "stdio", "-kernel", str(elf)]
        if append is not None:
            args += ["-append", append]
        if icount:      # emulated time follows the instructions (guests that measure time)
            args += ["-icount", "shift=0,sleep=off"]
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.log.write("$ " + " ".join([QEMU] + args) + "\n")
        self.chunks = []
        self.child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace",
                                   timeout=TIMEOUT)
        self.child.logfile_read = self

    # pexpect logfile_read target
    def write(self, s):
        self.chunks.append(s)
        self.log.write(s)

    def flush(self):
        self.log.flush()

    @property
    def output(self):
        return "".join(self.chunks).replace("\r", "")

    def expect(self, pattern):
        """Wait for a regular expression; returns the match."""
        try:
            self.child.expect(pattern)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise AssertionError(f"guest did not print {pattern!r} ({type(e).__name__}); "
                                 f"output so far:\n{self.output}") from None
        return self.child.match

    def wait_exit(self):
        """Wait for "exit N" and for QEMU to power off; returns N."""
        code = int(self.expect(r"\nexit (-?\d+)\r*\n").group(1))
        self.expect(pexpect.EOF)
        return code

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        self.log.close()


@pytest.fixture
def guest(request):
    """Factory: guest(name, append=None, smp=1, icount=False) boots
    build/powerpc/partitions/<name>.elf."""
    started = []

    def start(name, append=None, smp=1, icount=False):
        tag = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
        g = BareGuest(name, LOG_DIR / f"guest-{tag}-{len(started) + 1}.log", append, smp,
                      icount)
        started.append(g)
        return g

    yield start
    for g in started:
        g.close()


def run_checks(g):
    """Run a PASS/FAIL guest to its end; returns (exit code, PASS lines, FAIL lines)."""
    code = g.wait_exit()
    out = g.output
    return code, re.findall(r"^PASS: (.*)$", out, re.M), re.findall(r"^FAIL: (.*)$", out, re.M)


# ---- hello ------------------------------------------------------------------------------------

def test_hello_default_ticks(guest):
    g = guest("hello")
    g.expect(r"hello from bare\r*\n")
    assert g.wait_exit() == 0
    assert re.findall(r"^tick (\d+)$", g.output, re.M) == ["1", "2", "3"]


def test_hello_count_and_interval_from_bootargs(guest):
    g = guest("hello", append="count=5 interval=20")
    g.expect(r"hello from bare\r*\n")
    assert g.wait_exit() == 0
    assert re.findall(r"^tick (\d+)$", g.output, re.M) == ["1", "2", "3", "4", "5"]


def test_unexpected_exception_reaches_default_handler(guest):
    g = guest("hello", append="count=1 fault=0x50000000")
    m = g.expect(r"guest: unexpected data TLB miss exception at PC 0x([0-9a-f]{8}) "
                 r"ESR 0x([0-9a-f]{8}) DEAR 0x([0-9a-f]{8})")
    assert m.group(3) == "50000000"
    assert g.wait_exit() == 113, "exit code is 100 + IVOR (13 = data TLB miss)"


# ---- mmu, timer, smp ------------------------------------------------------------------------

MMU_CHECKS = [
    "tlb1 alias at 0x40000000 reads the known data",
    "store through the tlb1 alias is seen at the original",
    "tlbsx finds the tlb1 entry",
    "tlbre reads back the tlb1 entry",
    "tlbsx misses after the tlb1 entry is cleared",
    "load after unmap takes a data TLB miss in the guest handler",
    "the handler's tlb0 refill completes the load",
    "store miss reports DEAR and ESR[ST]",
    "the store completes after the refill",
    "tlbsx finds the refilled tlb0 entry",
    "tlbre reads back the tlb0 entry",
    "tlbivax removes the tlb0 entry (next access misses again)",
    "tlbilx removes the tlb0 entry (next access misses again)",
]


def test_mmu_guest_manages_its_tlb(guest):
    code, passed, failed = run_checks(guest("mmu"))
    assert failed == []
    assert passed == MMU_CHECKS
    assert code == 0


def test_timer_guest_decrementer(guest):
    code, passed, failed = run_checks(guest("timer", icount=True))   # loaded hosts too
    assert failed == []
    assert passed == [
        "periodic decrementer interrupts arrive within the bound",
        "interrupts are not early",
        "DECAR auto-reload (TCR[ARE]) restarts the decrementer",
        "no interrupt while MSR[EE]=0, TSR[DIS] pending",
        "the pending interrupt is taken at wrteei 1",
        "without TCR[ARE] the decrementer fires once",
    ]
    assert code == 0


def test_smp_guest_two_cpus(guest):
    g = guest("smp", append="iters=50000", smp=2)
    code, passed, failed = run_checks(g)
    assert failed == []
    assert re.search(r"^cpu 0 up$", g.output, re.M) and re.search(r"^cpu 1 up$", g.output, re.M)
    assert "smp: counter=100000 expected=100000" in g.output
    assert "atomic counter is exact on 2 cpus" in passed
    assert code == 0


def test_smp_guest_reports_missing_cpu(guest):
    code, passed, failed = run_checks(guest("smp", smp=1))
    assert failed and failed[0].startswith("cpu 1 has a spin table in /cpus")
    assert code == 1


# ---- privop, attacker --------------------------------------------------------------------------

def test_privop_bare_executes(guest):
    g = guest("privop")
    g.expect(r"bare: privileged instruction executed \(msgclr = 0x[0-9a-f]{8}\)")
    assert g.wait_exit() == 0


@pytest.mark.parametrize("op,shown", [("l1csr0", "mfspr L1CSR0"), ("svr", "mfspr SVR"),
                                      ("mmucsr0", "mtspr MMUCSR0")])
def test_privop_bare_other_ops_execute(guest, op, shown):
    g = guest("privop", append=f"op={op}")
    g.expect(rf"bare: privileged instruction executed \({shown} = 0x[0-9a-f]{{8}}\)")
    assert g.wait_exit() == 0


def test_privop_bare_mtpmr_is_illegal_on_qemu(guest):
    # QEMU 7.2 has no performance monitor registers on e500mc: mtpmr is an illegal
    # instruction bare (ESR[PIL]), and the guest's own handler sees it as under Bulkhead.
    code, passed, failed = run_checks(guest("privop", append="op=mtpmr"))
    assert failed == []
    assert passed == ["program interrupt reflected", "SRR0 is the privileged instruction",
                      "SRR1 is the guest MSR (no stray CE/PR bits)"]
    assert code == 0


def test_privop_program_handler_runs_bare_for_unimplemented_op(guest):
    # QEMU 7.2 lacks mfpmr: the illegal-instruction program interrupt goes to the guest's own
    # handler, which exercises the same checks as under the hypervisor.
    code, passed, failed = run_checks(guest("privop", append="op=mfpmr"))
    assert failed == []
    assert passed == ["program interrupt reflected", "SRR0 is the privileged instruction",
                      "SRR1 is the guest MSR (no stray CE/PR bits)"]
    assert code == 0


def test_privop_unknown_op(guest):
    g = guest("privop", append="op=bogus")
    g.expect(r"privop: unknown op=bogus")
    assert g.wait_exit() == 2


def test_attacker_bare_reads_target(guest):
    # Bare nothing stops it: it reads its own first instruction (mr r29,r3 = 0x7c7d1b78).
    g = guest("attacker", append="target=0x100000,0x1000000")
    g.expect(r"attacker: reading 0x100000\r*\n")
    g.expect(r"attacker: read 0x100000 = 0x7c7d1b78")
    g.expect(r"attacker: reading 0x1000000\r*\n")
    g.expect(r"attacker: not stopped")
    assert g.wait_exit() == 0


# ---- bench workloads ----------------------------------------------------------------------------

def cpubound_reference(iters):
    """The guest's workload in Python: LCG-filled 64 KiB buffer, zlib CRC-32 chained."""
    x, buf = 0x12345678, bytearray(65536)
    for i in range(len(buf)):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        buf[i] = x >> 24
    crc = 0
    for _ in range(iters):
        crc = zlib.crc32(buf, crc)
    return crc


@pytest.mark.parametrize("iters", [None, 5])
def test_cpubound_result_is_deterministic(guest, iters):
    g = guest("cpubound", append=None if iters is None else f"iters={iters}")
    m = g.expect(r"cpubound: ticks=(\d+) result=0x([0-9a-f]{8}) iters=(\d+)(?=\r*\n)")
    n = int(m.group(3))
    assert n == (64 if iters is None else iters)
    assert int(m.group(2), 16) == cpubound_reference(n)
    assert int(m.group(1)) > 0
    assert g.wait_exit() == 0


def test_hcallbench_bare_skips_hypercalls(guest):
    g = guest("hcallbench", append="iters=2000")
    m = g.expect(r"hcallbench: null-hcall ticks=(\S+) mfmsr ticks=(\d+\.\d\d) iters=(\d+) "
                 r"loop ticks=(\d+\.\d\d)")
    assert m.group(1) == "n/a"
    assert m.group(3) == "2000"
    assert g.wait_exit() == 0
