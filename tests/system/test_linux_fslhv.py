"""Linux (partition l) managing its neighbour through /dev/fsl-hv (issue 13; docs/linux.md): the
unmodified fsl_hypervisor driver, driven from Linux user space by /bin/fslhv, stops, starts and
restarts the hello partition h it manages (a managed-partition node), and its state-change
doorbell reaches the driver's doorbell queue. Partition o, a second hello that Linux does not
manage, cannot be reached by any handle Linux holds."""
import re

from guestrun import partition_lines

from .test_linux import TIMEOUT, attach, boot, wait_line

TICKING = "count=0 interval=200"        # hello keeps printing "tick K" every 200 ms
EV_SUCCESS, EV_EINVAL = 0, 8
STATE_STOPPED, STATE_RUNNING = 0, 1
LAST_HANDLE = 15                        # the probe tries every handle 0..15
EVENT_MS = 60000                        # bound of the wait for a doorbell (returns at it)


def fslhv(con, args):
    """Run /bin/fslhv ARGS through Linux's /init (attached to its console); the "fslhv: "
    lines it printed, in order."""
    start = len(con.output)
    attach(con)
    con.child.send(f"run /bin/fslhv {args}\r")
    end = wait_line(con, r"\[l\] bulkhead-linux: run /bin/fslhv: (.*)", since=start)
    con.child.send("\x1d")
    con.expect_exact("console: detached from l")
    assert end.group(1) == "exit 0", con.output[start:]
    return [l[len("fslhv: "):] for l in partition_lines(con.output[start:end.end()], "l")
            if l.startswith("fslhv: ")]


def handles(con):
    """{label: (handle, doorbell)} of the partition handles in Linux's /hypervisor/handles."""
    out = {}
    for line in fslhv(con, "handles"):
        m = re.fullmatch(r"handle partition@\d+ (\d+) label (\S+) doorbell (-?\d+)", line)
        assert m, line
        out[m.group(2)] = (int(m.group(1)), int(m.group(3)))
    return out


def new_line(con, regex, since):
    """The first line matching regex printed after output offset since."""
    return wait_line(con, regex, since=since, timeout=TIMEOUT)


def test_linux_stops_starts_and_restarts_the_partition_it_manages(qemu, tmp_path):
    con = boot(qemu, tmp_path, hello_args=TICKING, other=True, manages=["h"])
    hd = handles(con)
    assert list(hd) == ["h"]                         # o, which Linux does not manage, has none
    h, db = hd["h"]
    assert db >= 0, "h's handle has no state-change doorbell"
    assert fslhv(con, f"status {h}") == [f"status {h} ret {EV_SUCCESS} state {STATE_RUNNING}"]

    # stop: the hypervisor stops h, the doorbell reaches the driver's queue, status says so
    start = len(con.output)
    out = fslhv(con, f"stop {h} event {db} {EVENT_MS} status {h}")
    assert out[0] == f"stop {h} ret {EV_SUCCESS}"
    assert f"event {db}" in out, out
    assert out[-1] == f"status {h} ret {EV_SUCCESS} state {STATE_STOPPED}"
    new_line(con, r"partition h: stopped \(stopped by its manager\)", start)
    # o goes on ticking (positive: it printed after h stopped)
    stopped = len(con.output)
    new_line(con, r"\[o\] tick \d+", stopped)

    # start (the hypervisor reloads the image): h greets again and ticks
    start = len(con.output)
    out = fslhv(con, f"start {h} event {db} {EVENT_MS} status {h}")
    assert out[0] == f"start {h} ret {EV_SUCCESS}"
    assert f"event {db}" in out, out
    assert out[-1] == f"status {h} ret {EV_SUCCESS} state {STATE_RUNNING}"
    new_line(con, r"partition h: started on cpu.*", start)
    new_line(con, r"\[h\] hello from h", start)
    new_line(con, r"\[h\] tick 1", start)

    # restart: stopped, started again and greets again
    start = len(con.output)
    out = fslhv(con, f"restart {h} event {db} {EVENT_MS}")
    assert out[0] == f"restart {h} ret {EV_SUCCESS}"
    assert f"event {db}" in out, out
    new_line(con, r"partition h: stopped \(restart\)", start)
    new_line(con, r"\[h\] hello from h", start)
    assert "partition o: stopped" not in con.output
    assert "partition l: stopped" not in con.output


def probe_every_handle(con, skip):
    """Linux stops (and asks the status of) every handle 0..LAST_HANDLE except skip: the
    replies {handle: (status ret, stop ret)}."""
    args = " ".join(f"status {i} stop {i}" for i in range(LAST_HANDLE + 1) if i != skip)
    out = fslhv(con, args)
    rets = {}
    for line in out:
        m = re.fullmatch(r"(status|stop) (\d+) ret (\d+).*", line)
        assert m, line
        rets.setdefault(int(m.group(2)), {})[m.group(1)] = int(m.group(3))
    return rets


def test_a_partition_linux_does_not_manage_is_refused(qemu, tmp_path):
    con = boot(qemu, tmp_path, hello_args=TICKING, other=True, manages=["h"])
    h, _ = handles(con)["h"]
    rets = probe_every_handle(con, skip=h)
    assert rets and all(r == {"status": EV_EINVAL, "stop": EV_EINVAL} for r in rets.values()), \
        rets
    # o and h still run: each prints a tick after the probe, and neither was stopped
    after = len(con.output)
    new_line(con, r"\[o\] tick \d+", after)
    new_line(con, r"\[h\] tick \d+", after)
    assert "partition o: stopped" not in con.output
    assert "partition h: stopped" not in con.output
    # positive control: the same call on the handle Linux does manage is carried out
    assert fslhv(con, f"stop {h}") == [f"stop {h} ret {EV_SUCCESS}"]
    new_line(con, r"partition h: stopped \(stopped by its manager\)", after)


def test_negative_control_the_probe_stops_o_when_linux_manages_it(qemu, tmp_path):
    """The probe of the test above, in a config where Linux manages o too: o's handle is among
    the probed ones and o is stopped, so the probe does reach a partition behind a handle."""
    con = boot(qemu, tmp_path, hello_args=TICKING, other=True, manages=["h", "o"])
    hd = handles(con)
    assert sorted(hd) == ["h", "o"]
    start = len(con.output)
    rets = probe_every_handle(con, skip=hd["h"][0])
    assert rets[hd["o"][0]] == {"status": EV_SUCCESS, "stop": EV_SUCCESS}
    new_line(con, r"partition o: stopped \(stopped by its manager\)", start)


def test_mutation_manage_unchecked_reaches_partitions_linux_does_not_manage(
        qemu, tmp_path, hv_test_elf):
    """Negative control of the refusal (test image, bulkhead.mutate=manage-unchecked: a number
    that is not one of the caller's partition handles is taken as a partition index): the same
    probe, with Linux managing only h, gets answers for numbers that are not h's handle (and
    stops whatever partition they index, Linux itself included, which ends the probe)."""
    con = boot(qemu, tmp_path, hello_args=TICKING, other=True, manages=["h"],
               launcher=("--elf", str(hv_test_elf), "--append",
                         "bulkhead.mutate=manage-unchecked"))
    h, _ = handles(con)["h"]
    start = len(con.output)
    attach(con)
    con.child.send("run /bin/fslhv " + " ".join(f"status {n} stop {n}" for n in
                                                range(LAST_HANDLE + 1) if n != h) + "\r")
    m = new_line(con, r"\[l\] fslhv: stop (\d+) ret 0", start)
    assert int(m.group(1)) != h
    new_line(con, r"partition \w+: stopped \(stopped (?:by its manager|itself)\)", start)
