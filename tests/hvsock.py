"""hvsock.py - a Bulkhead QEMU whose console is a unix socket, for the management-console
tests (docs/console.md): boot it, look at the console through short raw connections, run
bhctl against it. One client at a time can hold the socket (QEMU's socket chardev), so each
helper connects, does its part and disconnects. Every wait has a timeout; close() kills QEMU.
Everything read from the console is appended to build/test-logs/<test>.log."""
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pexpect
import pexpect.fdpexpect
import pytest

from partcfg import config
from qemu_console import LAUNCHER, ROOT, TIMEOUT, ConsoleError

BHCTL = ROOT / "build" / "host" / "bhctl"
PROMPT = "bulkhead> "
SCRIPT, DETACH, KILL, QUIT = "\x02", "\x1d", "\x15", "\x1c"

def events_in(text):
    """The event lines ({"event":...}) in console text, parsed."""
    return [json.loads(l) for l in text.splitlines() if l.startswith('{"event":')]


class Raw:
    """One raw connection to the console socket (pexpect over the socket's fd)."""

    def __init__(self, hv, timeout):
        self.hv = hv
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(hv.sock_path))
        self.child = pexpect.fdpexpect.fdspawn(self.sock.fileno(), timeout=timeout,
                                               encoding="utf-8", codec_errors="replace")
        self.child.logfile_read = hv.log
        self.timeout = timeout
        self.events = []
        self.after = ""

    def expect(self, pattern, timeout=None):
        t = self.timeout if timeout is None else timeout
        try:
            self.child.expect(pattern, timeout=t)
        except (pexpect.TIMEOUT, pexpect.EOF):
            raise ConsoleError(f"no {pattern!r} on the console within {t:g} s "
                               f"(log: {self.hv.log_path})") from None
        return self.child.match

    def expect_exact(self, text, timeout=None):
        t = self.timeout if timeout is None else timeout
        try:
            self.child.expect_exact(text, timeout=t)
        except (pexpect.TIMEOUT, pexpect.EOF):
            raise ConsoleError(f"no {text!r} on the console within {t:g} s "
                               f"(log: {self.hv.log_path})") from None
        return self.child.before.replace("\r", "")

    def send(self, s):
        self.sock.sendall(s.encode())

    def sync(self):
        """Back to the shell with an empty line: Ctrl-] Ctrl-U CR, then the prompt."""
        self.send(DETACH + KILL + "\r")
        self.expect_exact(PROMPT)

    def typed(self, line):
        """A command typed as a human does (echoed as it goes): output up to the prompt.
        Only with no partition printing: their lines may land inside the echo."""
        self.send(line + "\r")
        self.expect_exact(line + "\r\n")
        return self.expect_exact(PROMPT)

    def command(self, line):
        """A command in script mode: its human output (the reply's "out")."""
        return self.script(line)["out"]

    def script(self, line):
        """A command in script mode (docs/console.md): the reply, the JSON object on the line
        right after the echoed command, as a dict. The text between the reply and the next
        prompt (other CPUs' lines) is kept in self.after; event lines seen anywhere up to the
        prompt are added to self.events (dicts, in order)."""
        self.send(SCRIPT + line + "\r")
        before = self.expect_exact(line + "\r\n")
        out = self.expect_exact(PROMPT)
        first, _, self.after = out.partition("\n")
        assert first.startswith('{"cmd":'), f"no reply after {line!r}: {out!r}"
        reply = json.loads(first)
        assert reply["cmd"] == line.split()[0] and isinstance(reply["rc"], int), first
        self.events += events_in(before) + events_in(self.after)
        return reply

    def close(self):
        self.sock.close()


class SocketHv:
    """tools/run-qemu.sh --direct --serial-socket PATH with partitions from partcfg."""

    def __init__(self, parts, tmp_path, log_path, smp=4, timeout=TIMEOUT, built=None,
                 launcher=()):
        """parts: partcfg partitions, or built = (dts text, QEMU args) of a config made
        elsewhere (tests/linuxcfg.py); launcher: more tools/run-qemu.sh options."""
        dts, extra = built or config(parts)
        cfg = tmp_path / "partitions.dts"
        cfg.write_text(dts)
        self.sock_path = Path(f"/tmp/bh-{os.getpid()}-{id(self):x}.sock")
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self.timeout = timeout
        cmd = [str(LAUNCHER), "--direct", "--smp", str(smp), *launcher, "--config", str(cfg),
               "--serial-socket", str(self.sock_path), "--", *extra]
        self.log.write("$ " + " ".join(cmd) + "\n")
        self.proc = subprocess.Popen(cmd, cwd=str(ROOT), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def raw(self):
        """Connect (waiting for QEMU to create the socket) and return a Raw session."""
        end = time.monotonic() + self.timeout
        while True:
            try:
                return Raw(self, self.timeout)
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > end or self.proc.poll() is not None:
                    raise ConsoleError(f"QEMU did not open {self.sock_path} "
                                       f"(log: {self.log_path})") from None
                time.sleep(0.05)   # polling for the socket file, not synchronisation

    def boot(self):
        """The first connection starts the machine: wait until the shell is up."""
        con = self.raw()
        con.expect_exact("hypervisor ready")
        con.expect_exact(PROMPT)
        out = con.child.before
        con.close()
        return out

    def bhctl(self, *args, timeout=None):
        """Run bhctl against this console; returns the CompletedProcess (text)."""
        t = self.timeout if timeout is None else timeout
        cmd = [str(BHCTL), *map(str, args), "--socket", str(self.sock_path),
               "--timeout", str(int(t))]
        self.log.write("\n$ " + " ".join(cmd[1:]) + "\n")
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=t + 30,
                           stdin=subprocess.DEVNULL)
        self.log.write(r.stdout + r.stderr + f"(exit {r.returncode})\n")
        self.log.flush()
        return r

    def bhctl_ok(self, *args):
        r = self.bhctl(*args)
        assert r.returncode == 0, f"bhctl {' '.join(map(str, args))}: {r.stderr}"
        assert r.stderr == ""
        return r.stdout

    def bhctl_json(self, *args):
        return json.loads(self.bhctl_ok(*args, "--json"))

    def spawn_bhctl(self, *args):
        """bhctl on a pty (interactive: bhctl console)."""
        child = pexpect.spawn(str(BHCTL), [*map(str, args), "--socket", str(self.sock_path),
                                           "--timeout", str(int(self.timeout))],
                              encoding="utf-8", codec_errors="replace", timeout=self.timeout)
        child.logfile_read = self.log
        return child

    def log_text(self):
        """Everything logged so far (console output of every connection, bhctl runs)."""
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def states(self):
        return {p["name"]: p["state"] for p in self.bhctl_json("list")["partitions"]}

    def wait_state(self, name, state):
        """Ask bhctl until partition name is in state (bounded by the timeout)."""
        end = time.monotonic() + self.timeout
        while self.states()[name] != state:
            if time.monotonic() > end:
                raise ConsoleError(f"{name} did not become {state} within {self.timeout} s")

    def close(self):
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - teardown must never raise
            pass
        finally:
            self.log.close()
            try:
                self.sock_path.unlink()
            except FileNotFoundError:
                pass


def _factory(name, tmp_path):
    made = []

    def start(parts, smp=4, **kw):
        hv = SocketHv(parts, tmp_path, ROOT / "build" / "test-logs" /
                      f"{name}{'-' + str(len(made) + 1) if made else ''}.log", smp=smp, **kw)
        made.append(hv)
        hv.boot()
        return hv
    return start, made


@pytest.fixture
def sockhv(request, tmp_path):
    """Factory: sockhv(parts, smp=4) -> a booted SocketHv (killed at teardown)."""
    start, made = _factory(re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_"),
                           tmp_path)
    yield start
    for hv in made:
        hv.close()


@pytest.fixture(scope="module")
def sockhv_module(request, tmp_path_factory):
    """Like sockhv, one per test module (for tests that leave the partitions as they were)."""
    start, made = _factory(request.module.__name__ + "-shared",
                           tmp_path_factory.mktemp("sockhv"))
    yield start
    for hv in made:
        hv.close()
