"""Claimable devices and failover (issue 15; docs/devices.md#failover): UART1 is given to two
partitions, "active" in act and "standby" in stby. stby's FH_CLAIM_DEVICE is refused with
EV_INVALID_STATE while act runs, and nothing moves (act still takes its receive interrupts);
once act has stopped the claim succeeds and UART1's registers and interrupt are stby's (its
greeting goes out interrupt-driven, its input comes in interrupt-driven). Negative controls
(test image): claim-from-running lets the claim through while act runs; claim-keep-irq moves
the registers but leaves the interrupt behind, and stby's interrupt-driven greeting never
goes out. A standby owner that touches the device without claiming it is stopped (isolation
fault); claim-standby-open leaves its registers open and its greeting reaches UART1. UART1 is
QEMU's second -serial on a FIFO pair (tests/test_devices.py Uart1).

QEMU ppce500 does not OR the two UARTs' interrupt outputs: every console write lowers MPIC
source 42, and a UART1 interrupt raised under it and not yet taken is lost (docs/devices.md,
docs/reliability.md L10). So each step that needs a UART1 interrupt waits until the console
is quiet (Console.wait_quiet: the prompt after the last line) before it acts, and the
claimer sends its interrupt-driven greeting only on the test's "go" (uart bootarg go=1),
after the test's shell commands are done."""
import pytest

from guestrun import mutation_args
from partcfg import config, partition
from qemu_console import ConsoleError
from test_devices import Uart1

ACTIVE = 'uart1 { device = "serial1"; claimable = "active"; };'
STANDBY = 'uart1 { device = "serial1"; claimable = "standby"; };'
EV_INVALID_STATE = 11


@pytest.fixture
def uart1(tmp_path):
    u = Uart1(tmp_path)
    yield u
    u.close()


def boot(qemu, tmp_path, uart1, hv_test_elf=None, mutate=None):
    parts = [partition("act", "uart", 1, bootargs="irq=1 rx=irq", extra=ACTIVE),
             partition("stby", "uart", 2, bootargs="irq=1 rx=irq claim=1 go=1",
                       extra=STANDBY, no_auto_start=True)]
    dts, extra = config(parts)
    cfg = tmp_path / "failover.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", *mutation_args(hv_test_elf, mutate), "--config", cfg,
               "--", *extra, *uart1.qemu_args())
    con.wait_ready()
    return con


def start_standby(con, uart1):
    """act holds UART1 and waits for input; stby starts and tries to claim it."""
    assert "uart: hello from act\r\n" in uart1.read_until("hello from act\r\n")
    con.wait_line(r"\[act\] uart: waiting for input")
    con.command("start stby")
    con.wait_line(r"\[stby\] uart: claimable standby, status disabled")


def send_go(con, uart1):
    """The claimer waits for "go" (polled) before its interrupt-driven greeting: sent once
    its claim is through and the console is quiet."""
    con.wait_quiet(r"\[stby\] uart: waiting for go")
    uart1.write("go\n")


def test_claim_refused_while_holder_runs_then_moves_device_and_interrupt(qemu, tmp_path, uart1):
    con = boot(qemu, tmp_path, uart1)
    start_standby(con, uart1)
    con.wait_quiet(rf"\[stby\] uart: claim refused with status {EV_INVALID_STATE}")
    assert "claimable (standby in the config): on standby" in con.command("devices stby")
    assert "claimable (active in the config): held by this partition" in \
        con.command("devices act")
    # nothing moved: the holder still receives, interrupt-driven
    uart1.write("ping\n")
    assert "uart: got ping" in uart1.read_until("got ping")
    con.wait_line(r"\[act\] uart: received 'ping' with [1-9]\d* receive interrupts")
    con.wait_line(r"partition act: exited with code 0")
    # the holder has stopped: the claim goes through, registers and interrupt are stby's
    con.wait_line(r"\[stby\] uart: claimed after [1-9]\d* refusals")
    con.wait_line(r"partition stby: claimed a device from act \(handle 1\)")
    assert "claimable (standby in the config): held by this partition" in \
        con.command("devices stby")
    # what each one boots with next: the kept trees follow the claim (Topaz does the same)
    act = con.command("gdt act")
    act = act[act.index("serial@4600 {"):]
    assert 'fsl,hv-claimable = "standby";' in act and 'status = "disabled";' in act
    stby = con.command("gdt stby")
    stby = stby[stby.index("serial@4600 {"):]
    assert 'fsl,hv-claimable = "active"' in stby and 'status = "okay"' in stby
    send_go(con, uart1)
    assert "uart: hello from stby\r\n" in uart1.read_until("hello from stby\r\n")
    m = con.wait_line(r"\[stby\] uart: greeting sent with (\d+) interrupts")
    assert int(m.group(1)) == len("uart: hello from stby") + 3
    con.wait_quiet(r"\[stby\] uart: waiting for input")
    uart1.write("pong\n")
    assert "uart: got pong" in uart1.read_until("got pong")
    con.wait_line(r"\[stby\] uart: received 'pong' with [1-9]\d* receive interrupts")
    con.wait_line(r"partition stby: exited with code 0")
    assert "isolation fault" not in con.output


def test_negative_control_claim_from_running_holder(qemu, tmp_path, uart1, hv_test_elf):
    """claim-from-running: the holder's state is not checked; the claim is not refused."""
    con = boot(qemu, tmp_path, uart1, hv_test_elf, "claim-from-running")
    start_standby(con, uart1)
    con.wait_line(r"\[stby\] uart: claimed after 0 refusals")
    with pytest.raises(ConsoleError):
        con.wait_line(rf"\[stby\] uart: claim refused with status {EV_INVALID_STATE}",
                      timeout=5)


def test_negative_control_claim_keeps_interrupt(qemu, tmp_path, uart1, hv_test_elf):
    """claim-keep-irq: the interrupt stays with the stopped holder; the claimer's
    interrupt-driven greeting never gets its transmit interrupts."""
    con = boot(qemu, tmp_path, uart1, hv_test_elf, "claim-keep-irq")
    start_standby(con, uart1)
    con.wait_quiet(rf"\[stby\] uart: claim refused with status {EV_INVALID_STATE}")
    uart1.write("ping\n")
    uart1.read_until("got ping")
    con.wait_line(r"\[stby\] uart: claimed after [1-9]\d* refusals")
    send_go(con, uart1)
    with pytest.raises(AssertionError):
        uart1.read_until("hello from stby\r\n", timeout=10)


def boot_unclaimed(qemu, tmp_path, uart1, hv_test_elf=None, mutate=None):
    """stby touches the standby UART without claiming it (polled greeting)."""
    parts = [partition("act", "uart", 1, bootargs="irq=1 rx=irq", extra=ACTIVE),
             partition("stby", "uart", 2, extra=STANDBY, no_auto_start=True)]
    dts, extra = config(parts)
    cfg = tmp_path / "unclaimed.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", "4", *mutation_args(hv_test_elf, mutate), "--config", cfg,
               "--", *extra, *uart1.qemu_args())
    con.wait_ready()
    uart1.read_until("hello from act\r\n")
    con.wait_line(r"\[act\] uart: waiting for input")
    con.command("start stby")
    return con


def test_standby_owner_cannot_touch_the_device_before_claiming(qemu, tmp_path, uart1):
    con = boot_unclaimed(qemu, tmp_path, uart1)
    con.wait_line(r"partition stby: isolation fault on vcpu 0: access to guest physical "
                  r"0xfe0004603 .*")
    con.wait_quiet(r"partition stby: stopped \(isolation fault\)")
    uart1.write("ping\n")      # the holder is undisturbed
    assert "uart: got ping" in uart1.read_until("got ping")
    con.wait_line(r"partition act: exited with code 0")
    assert "hello from stby" not in uart1.read_until("got ping")


def test_negative_control_standby_registers_open(qemu, tmp_path, uart1, hv_test_elf):
    con = boot_unclaimed(qemu, tmp_path, uart1, hv_test_elf, "claim-standby-open")
    assert "uart: hello from stby" in uart1.read_until("hello from stby")
    assert "partition stby: isolation fault" not in con.output
