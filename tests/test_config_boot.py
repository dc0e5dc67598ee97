"""One validator, two homes: the hypervisor, booted on QEMU with a bad config, prints exactly the
errors that bhctl prints for it (as "config: NODE: PROPERTY: MESSAGE"), then starts nothing."""
import pathlib
import re
import subprocess

import pexpect
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BAD = ROOT / 'tests/configs/bad'
HW = ROOT / 'tests/configs/hw/qemu-ppce500.dts'
REFUSED = 'config: refused; no partition started'
ELF = ROOT / 'build/powerpc/bulkhead.elf'


def boot_errors(cfg):
    child = pexpect.spawn(str(ROOT / 'tools/run-qemu.sh'), ['--direct', '--config', str(cfg)],
                          encoding='utf-8', timeout=90, cwd=str(ROOT))
    try:
        child.expect_exact(REFUSED)
        out = child.before
        child.expect_exact('bulkhead> ')
        tail = child.before
    finally:
        child.terminate(force=True)
    lines = [l.strip() for l in out.splitlines()]
    errs = [l[len('config: '):] for l in lines
            if l.startswith('config: ') and not re.fullmatch(r'config: \d+ errors?', l)]
    return errs, tail


@pytest.mark.skipif(not ELF.exists(), reason='hypervisor not built')
@pytest.mark.parametrize('name', ['cpu-assigned-twice', 'device-mpic', 'manage-self',
                                  'subwindows-without-pamu', 'zero-pma-hv-memory', 'dpaa-device',
                                  'device-contains-assigned', 'pma-overlap'])
def test_hypervisor_reports_what_bhctl_reports(name):
    cfg = BAD / (name + '.dts')
    host = subprocess.run([str(ROOT / 'build/host/bhctl'), 'config', 'check', str(HW), str(cfg)],
                          capture_output=True, text=True)
    assert host.returncode == 1
    expected = [l[len(str(cfg)) + 2:] for l in host.stderr.splitlines()]
    errs, tail = boot_errors(cfg)
    assert errs == expected
    assert not re.search(r'(?m)^partition ', tail), 'a partition was started'
