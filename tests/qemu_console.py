"""qemu_console.py - drive a Bulkhead QEMU console (tools/run-qemu.sh) with pexpect.

Shared by the system tests (tests/conftest.py) and the bench (bench/). Every wait has a hard
timeout, the whole console output is saved to a log file, and close() always kills QEMU.
"""
import os
import re
import shlex
import signal
import subprocess
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "tools" / "run-qemu.sh"
PROMPT = "bulkhead> "
# Hard limit for any single wait on the console. A boot takes well under a second of wall
# time; the margin is for slow or loaded machines, not something a test relies on.
TIMEOUT = float(os.environ.get("BULKHEAD_QEMU_TIMEOUT", "30"))

# "Bulkhead <version> (<arch>) - partitioning hypervisor"
BANNER_RE = r"Bulkhead (\S+) \((\w+)\) - partitioning hypervisor"


class ConsoleError(AssertionError):
    """The console did not show what was expected in time (or QEMU exited)."""


class _Tee:
    """pexpect logfile_read target: writes to the log file and keeps the text in memory."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8", errors="replace")
        self.chunks = []

    def write(self, s):
        self.chunks.append(s)
        self.file.write(s)

    def flush(self):
        self.file.flush()

    def quit_qemu(self, timeout=None):
        """Leave QEMU the way a user does (Ctrl-A then X) and wait until it has exited."""
        t = self.timeout if timeout is None else timeout
        self.child.send("\x01x")
        try:
            self.child.expect(pexpect.EOF, timeout=t)
        except pexpect.TIMEOUT:
            self._fail("QEMU to exit after Ctrl-A X", t)
        self.child.close()
        return self.child.exitstatus

    def close(self):
        self.file.close()


class QemuConsole:
    """One QEMU started through the launcher; talks to the hypervisor's serial console."""

    def __init__(self, args, log_path, timeout=TIMEOUT):
        self.args = [str(a) for a in args]
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self.tee = _Tee(self.log_path)
        cmd = [str(LAUNCHER)] + self.args
        self.tee.file.write("$ " + shlex.join(cmd) + "\n")
        self.child = pexpect.spawn(cmd[0], cmd[1:], cwd=str(ROOT), encoding="utf-8",
                                   codec_errors="replace", timeout=timeout,
                                   dimensions=(50, 200), logfile=None)
        self.child.logfile_read = self.tee
        # No artificial pauses: the UART model only takes input when its FIFO has room.
        self.child.delaybeforesend = 0
        self.child.delayafterclose = 0
        self.child.delayafterterminate = 0

    # --- output -------------------------------------------------------------------------------
    @property
    def output(self):
        """Everything the console printed so far, with the serial line's CR removed."""
        return "".join(self.tee.chunks).replace("\r", "")

    def _fail(self, what, timeout):
        tail = "\n".join(self.output.splitlines()[-25:])
        state = "QEMU exited" if not self.child.isalive() else f"timed out after {timeout:g} s"
        raise ConsoleError(f"{state} waiting for {what}\n--- last console lines "
                           f"(full log: {self.log_path}) ---\n{tail}")

    def expect(self, pattern, timeout=None):
        """Wait for a regex (str) and return the match object."""
        t = self.timeout if timeout is None else timeout
        try:
            self.child.expect(pattern, timeout=t)
        except (pexpect.TIMEOUT, pexpect.EOF):
            self._fail(repr(pattern), t)
        return self.child.match

    def expect_exact(self, text, timeout=None):
        """Wait for a literal string; returns the console text printed before it (no CRs)."""
        t = self.timeout if timeout is None else timeout
        try:
            self.child.expect_exact(text, timeout=t)
        except (pexpect.TIMEOUT, pexpect.EOF):
            self._fail(repr(text), t)
        return self.child.before.replace("\r", "")

    def expect_line(self, regex, timeout=None):
        """Wait for a whole console line matching regex; returns the match."""
        return self.expect(r"(?m)^" + regex + r"\r*\n", timeout)

    def wait_line(self, regex, since=0, timeout=None):
        """The first whole line matching regex printed after output offset since, whether it
        is there already (an earlier wait, such as wait_ready(), may have read past it) or
        still to come; returns the match on self.output. A line that another CPU's line
        interrupted ends in a blank (docs/console.md) and is shown again whole: never matched."""
        pat = re.compile(r"(?m)^" + regex + r"(?<! )\n")
        m = pat.search(self.output, since)
        while not m:
            self.expect_line(regex, timeout)
            m = pat.search(self.output, since)
        return m

    def wait_quiet(self, regex, since=0, timeout=None):
        """wait_line(), then the prompt the console writes after that line (docs/console.md:
        the prompt is shown again after another CPU's line). Once it is there, the console
        has written everything it had, until someone prints again: a test that needs UART0
        silent (QEMU ppce500's shared UART interrupt line, docs/devices.md) waits for this
        after the last line it expects before acting. Only while the shell is idle at its
        prompt (not in script mode, not inside a command)."""
        m = self.wait_line(regex, since, timeout)
        while PROMPT not in self.output[m.end():]:
            self.expect_exact(PROMPT, timeout)
        return m

    # --- the hypervisor -----------------------------------------------------------------------
    def wait_ready(self, timeout=None):
        """Wait for "hypervisor ready" and the first prompt; returns the boot output. The
        partitions' lines may come before that prompt, or even before "hypervisor ready" (their
        CPUs run while the shell's is slow, e.g. on a loaded host, or a partition faults at
        once on a quiet one): they are handed back to the input, so that the next expect still
        sees them (docs/reliability.md L11). Of what came before "hypervisor ready", only the
        part from the first partition line on ("[name] ..." or "partition ...") is handed
        back: the boot report before it is no expect's business."""
        self.expect_exact("hypervisor ready", timeout)
        first = re.search(r"(?m)^(\[|partition )", self.child.before)
        early = self.child.before[first.start():] if first else ""
        self.expect_exact(PROMPT, timeout)
        self.child.buffer = early + self.child.before + self.child.buffer
        return self.output

    def command(self, line, timeout=None):
        """Type a shell command, wait for the next prompt, return the command's output."""
        self.child.send(line + "\r")
        # The shell echoes what is typed, and Enter ends the echo's line. When another CPU's
        # line interrupts the typed line, the shell's line is closed with a blank before the
        # newline and shown again after it (docs/console.md, "One line is one write"): only
        # the echo that Enter ended is followed directly by the newline.
        self.expect(re.escape(line) + r"\r*\n", timeout)
        return self.expect_exact(PROMPT, timeout).lstrip("\n")

    def quit_qemu(self, timeout=None):
        """Leave QEMU the way a user does (Ctrl-A then X) and wait until it has exited."""
        t = self.timeout if timeout is None else timeout
        self.child.send("\x01x")
        try:
            self.child.expect(pexpect.EOF, timeout=t)
        except pexpect.TIMEOUT:
            self._fail("QEMU to exit after Ctrl-A X", t)
        self.child.close()
        return self.child.exitstatus

    def close(self):
        """Kill QEMU (no-op if it already exited) and close the log."""
        try:
            if self.child.isalive():
                self.child.kill(signal.SIGKILL)
            self.child.close(force=True)
        except Exception:  # noqa: BLE001 - teardown must never raise
            pass
        finally:
            self.tee.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def dump_dtb(args, path):
    """Have QEMU write the device tree it generates for these launcher options to path."""
    subprocess.run([str(LAUNCHER), *map(str, args), "--dump-dtb", str(path)], cwd=str(ROOT),
                   check=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    return Path(path)


def parse_cpus_table(text):
    """Parse the shell's "cpus" output into {cpu: (state, heartbeat)}."""
    table = {}
    for m in re.finditer(r"(?m)^cpu (\d+)\s+(\w+)\s+heartbeat (\d+)$", text):
        table[int(m.group(1))] = (m.group(2), int(m.group(3)))
    return table
