"""The error manager (issue 15; docs/devices.md#error-manager): em has the config's
error-manager node; victim (started later) touches memory that is not its own and gets an
isolation fault; the hypervisor queues a record for em and rings em's doorbell, and em reads
the record with FH_ERR_GET_INFO (peek, then read; then the queue is empty). other has no
error-manager node and is refused with EV_EPERM. Negative controls (test image):
errmgr-no-doorbell (the record is queued but em is never told) and errmgr-anyone (the
permission check is skipped: other reads the queue). Failover: em2 holds the error manager
on standby, is refused (EV_EPERM) and gets no doorbell while em runs; once em has exited its
claim succeeds and the next fault's record and doorbell are em2's. Each runs on both
architectures with the same guests (on x86 the victim's access is a nested page fault)."""
import re

import pytest

from guestrun import ARCHES, arch_args, mutation_args
from partcfg import config, partition
from qemu_console import ConsoleError

EM = 'error-manager { compatible = "error-manager"; vcpu = <0>; };'
EV_EPERM, EV_ENOENT = 1, 2


def boot(qemu, tmp_path, hv_test_elf=None, mutate=None, arch="powerpc"):
    parts = [partition("em", "errmgr", 1, extra=EM),
             partition("victim", "attacker", 2, no_auto_start=True),
             partition("other", "errmgr", 3)]
    dts, extra = config(parts, arch)
    cfg = tmp_path / "errmgr.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", *mutation_args(hv_test_elf, mutate, arch), "--config",
               cfg, "--", *extra)
    con.wait_ready()
    con.wait_line(r"\[em\] errmgr: handle \d+ doorbell \d+ ready")
    return con


def fault_victim(con):
    con.command("start victim")
    return con.wait_line(r"partition victim: isolation fault on vcpu 0: (.*)")


@pytest.mark.parametrize("arch", ARCHES)
def test_error_manager_gets_doorbell_and_record_of_another_partitions_fault(qemu, tmp_path, arch):
    con = boot(qemu, tmp_path, arch=arch)
    con.wait_line(rf"\[other\] errmgr: no error-manager node; FH_ERR_GET_INFO status {EV_EPERM}")
    why = fault_victim(con).group(1)
    con.wait_line(r"\[em\] errmgr: peek and read agree")
    con.wait_line(r"\[em\] errmgr: record 1 domain 'isolation' partition 'victim' "
                  r"\(id 2\) vcpu 0 dropped 0")
    assert con.wait_line(r"\[em\] errmgr: error (.*)").group(1) == why
    con.wait_line(rf"\[em\] errmgr: queue empty \(status {EV_ENOENT}\) after 1 doorbells")
    con.wait_line(r"partition em: exited with code 0")
    assert "FAIL" not in con.output


@pytest.mark.parametrize("arch", ARCHES)
def test_negative_control_no_doorbell(qemu, tmp_path, hv_test_elf, arch):
    con = boot(qemu, tmp_path, hv_test_elf, "errmgr-no-doorbell", arch)
    fault_victim(con)
    with pytest.raises(ConsoleError):
        con.wait_line(r"\[em\] errmgr: record 1 .*", timeout=10)


@pytest.mark.parametrize("arch", ARCHES)
def test_negative_control_anyone_reads_the_queue(qemu, tmp_path, hv_test_elf, arch):
    con = boot(qemu, tmp_path, hv_test_elf, "errmgr-anyone", arch)
    con.wait_line(rf"\[other\] errmgr: no error-manager node; FH_ERR_GET_INFO status {EV_ENOENT}")


@pytest.mark.parametrize("arch", ARCHES)
def test_standby_error_manager_takes_over_after_the_holder_stops(qemu, tmp_path, arch):
    active = EM.replace("vcpu = <0>;", 'vcpu = <0>; claimable = "active";')
    standby = EM.replace("vcpu = <0>;", 'vcpu = <0>; claimable = "standby";')
    parts = [partition("em", "errmgr", 1, extra=active),
             partition("victim", "attacker", 2, no_auto_start=True),
             partition("em2", "errmgr", 3, extra=standby)]
    dts, extra = config(parts, arch)
    cfg = tmp_path / "errmgr-failover.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", *arch_args(arch), "--config", cfg, "--", *extra)
    con.wait_ready()
    con.wait_line(r"\[em\] errmgr: handle \d+ doorbell \d+ ready")
    con.wait_line(rf"\[em2\] errmgr: standby, FH_ERR_GET_INFO status {EV_EPERM}")
    fault_victim(con)
    con.wait_line(r"\[em\] errmgr: record 1 domain 'isolation' partition 'victim' .*")
    con.wait_line(r"partition em: exited with code 0")
    con.wait_line(r"\[em2\] errmgr: claimed after [1-9]\d* refusals")
    con.wait_line(r"partition em2: claimed the error manager from em")
    em = con.command("gdt em")
    assert 'fsl,hv-claimable = "standby";' in em[em.index("error-manager {"):]
    em2 = con.command("gdt em2")
    assert 'fsl,hv-claimable = "active"' in em2[em2.index("error-manager {"):]
    con.wait_line(r"\[em2\] errmgr: handle \d+ doorbell \d+ ready")
    start = len(con.output)
    fault_victim(con)
    con.wait_line(r"\[em2\] errmgr: record 2 domain 'isolation' partition 'victim' "
                  r"\(id 2\) vcpu 0 dropped 0", since=start)
    con.wait_line(r"partition em2: exited with code 0")
    assert not re.search(r"(?m)^\[em\] errmgr: record 2", con.output)
