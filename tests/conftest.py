"""Shared pytest fixtures for Bulkhead's tests.

System tests boot the hypervisor on QEMU through tools/run-qemu.sh (the same launcher as
"make run") and talk to its console with pexpect:

    def test_x(qemu):
        con = qemu("--direct", "--smp", "2")     # launcher options
        con.wait_ready()
        out = con.command("cpus")

Every wait has a hard timeout (tests/qemu_console.py), every QEMU is killed at teardown even when
the test failed, and each console is logged to build/test-logs/<test>[-N].log.
"""
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qemu_console import ROOT, QemuConsole, dump_dtb  # noqa: E402
from hwtree import Tree  # noqa: E402

LOG_DIR = ROOT / "build" / "test-logs"
HV_ELF = ROOT / "build" / "powerpc" / "bulkhead.elf"
# The test image honours bulkhead.mutate= (hv/include/hv/mutate.h): negative controls boot it.
HV_TEST_ELF = ROOT / "build" / "powerpc" / "bulkhead-test.elf"


def _log_name(node):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name).strip("_")


@pytest.fixture
def qemu(request):
    """Factory: qemu(*launcher_args) starts a QEMU and returns its QemuConsole."""
    consoles = []

    def start(*args, timeout=None):
        name = _log_name(request.node) + (f"-{len(consoles) + 1}" if consoles else "")
        kw = {} if timeout is None else {"timeout": timeout}
        con = QemuConsole(args, LOG_DIR / f"{name}.log", **kw)
        consoles.append(con)
        return con

    yield start
    for con in consoles:
        con.close()


@pytest.fixture
def qemu_tree(tmp_path):
    """Factory: qemu_tree(*launcher_args) -> hwtree.Tree of the DTB QEMU generates for them."""
    count = []

    def get(*args):
        count.append(1)
        return Tree(dump_dtb(args, tmp_path / f"qemu-{len(count)}.dtb"))

    return get


@pytest.fixture(scope="session")
def hv_elf():
    if not HV_ELF.is_file():
        pytest.fail(f"{HV_ELF} is missing: run 'make' (or 'make check') first")
    return HV_ELF


@pytest.fixture(scope="session")
def hv_test_elf():
    """The test image (bulkhead.mutate= honoured); pass it with --elf/--uimg to the launcher."""
    if not HV_TEST_ELF.is_file():
        pytest.fail(f"{HV_TEST_ELF} is missing: run 'make check' first")
    return HV_TEST_ELF
