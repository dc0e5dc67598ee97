"""Guest user mode is not guest kernel mode (issue 12 finding 5): a guest kernel drops to
problem state (partitions/usermode, guest_run_user) and tries privileged operations and
hypercalls there. Each must reach the guest kernel's own program-interrupt vector with
ESR[PPR], SRR0 = the instruction and SRR1[PR] = 1, and do nothing, exactly as the same guest
sees bare on QEMU (the `sc 1` rows excepted: QEMU's e500mc has no E.HV, so bare it is a plain
system call; under Bulkhead it is a privileged-instruction program interrupt, as on E.HV
silicon and as KVM e500 does). Positive control: the same operations from the guest's
supervisor mode are emulated (the console hypercall prints). Negative control: the test image
with bulkhead.mutate=user-priv skips the user-mode check and the guest's checks fail."""
import re

import pytest

from partcfg import config, partition
from test_guests_bare import BareGuest, LOG_DIR

EDU = 'edu { device = "pci0"; pci-function = <2 0>; };'
QEMU_EDU = ["-device", "edu,addr=2.0"]
USER_OPS = ["mfmsr", "mtmsr", "tlbwe", "tlbivax", "mtspr-sprg1", "mfspr-sprg0", "wrtee",
            "wrteei", "rfi", "sc1-console", "sc1-exit"]


def boot_usermode(qemu, tmp_path, *launcher):
    """The usermode guest, with a PCI function whose configuration space (an emulated
    region) it maps supervisor-only for the user-mode MMIO check."""
    dts, extra = config([partition("u", "usermode", 1, extra=EDU)])
    cfg = tmp_path / "usermode.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "2", "--config", cfg, *launcher, "--", *extra, *QEMU_EDU)
    con.wait_ready()
    return con


def wait_end(con):
    """The partition's exit line (any code); returns the code."""
    m = re.search(r"(?m)^partition u: exited with code (-?\d+)", con.output)
    m = m or con.expect_line(r"partition u: exited with code (-?\d+)")
    return int(m.group(1))


def lines_of(con):
    return re.findall(r"(?m)^\[u\] (.*)$", con.output)


def user_rows(lines):
    """{op: (vec, esr, srr0 offset)} from the guest's "user OP: ..." lines."""
    rows = {}
    for l in lines:
        m = re.match(r"user (\S+): vec (-?\d+) esr (0x[0-9a-f]{8}) at (-?\d+) pr 1$", l)
        if m:
            rows[m.group(1)] = (int(m.group(2)), m.group(3), int(m.group(4)))
    return rows


def test_user_mode_privileged_ops_reach_the_guest_kernel(qemu, tmp_path):
    con = boot_usermode(qemu, tmp_path)
    assert wait_end(con) == 0
    lines = lines_of(con)
    assert not [l for l in lines if l.startswith("FAIL")], lines
    rows = user_rows(lines)
    for op in USER_OPS:       # program interrupt, ESR[PPR], SRR0 = the instruction
        assert rows[op] == (6, "0x04000000", 0), (op, rows.get(op))
    assert "user sc0: vec 0 at pr 1" in lines          # sc 0: the guest's system call
    assert "PASS: user mode changed nothing" in lines
    # positive control: the console hypercall from supervisor mode prints; from user mode not
    assert "KERN-HCALL!" in lines
    assert "USER-HCALL!" not in con.output
    assert "PASS: supervisor ops work" in lines
    # emulated MMIO: readable from supervisor mode, a DSI from user mode
    assert "PASS: supervisor reads emulated MMIO" in lines
    assert "user mmio-user: vec 2 dear-off 0 pr 1" in lines, lines


def test_user_mode_matches_bare_qemu(qemu, tmp_path):
    con = boot_usermode(qemu, tmp_path)
    assert wait_end(con) == 0
    hv_rows = user_rows(lines_of(con))
    g = BareGuest("usermode", LOG_DIR / "guest-usermode-bare.log")
    try:
        assert g.wait_exit() == 0
        bare_rows = user_rows(g.output.splitlines())
    finally:
        g.close()
    for op in USER_OPS:
        if op.startswith("sc1-"):   # no E.HV in QEMU: sc 1 is a system call there
            assert bare_rows[op] == (0, bare_rows[op][1], 4), bare_rows[op]
        else:
            assert hv_rows[op] == bare_rows[op], (op, hv_rows[op], bare_rows[op])


def test_mutation_user_priv_lets_user_mode_in(qemu, tmp_path, hv_test_elf):
    con = boot_usermode(qemu, tmp_path, "--elf", str(hv_test_elf),
                        "--append", "bulkhead.mutate=user-priv")
    code = wait_end(con)
    lines = lines_of(con)
    # the user-mode console hypercall printed, or BH_GUEST_EXIT from user mode ended it (77),
    # and the privileged instructions were emulated: the guest's checks fail
    assert code != 0, lines
    assert [l for l in lines if l.startswith("FAIL: mfmsr")], lines
    assert "USER-HCALL!" in lines
    assert "FAIL: user load from supervisor-only MMIO faults: vec 0 dear 0x00000000" in lines
