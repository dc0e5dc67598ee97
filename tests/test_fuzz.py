"""libFuzzer on the config parser+validator: fuzz_config (arbitrary config blob against QEMU
ppce500's hardware tree) and fuzz_hw (arbitrary hardware tree against the Topaz example config).
Past crash inputs in tests/fuzz/regress/<target>/ must run clean, and a short smoke run of each
target from its seeds must find nothing. The smoke run is a fixed number of inputs from a fixed
seed, so it explores the same inputs on a fast or a loaded machine; 'make fuzz FUZZ_SECONDS=N'
explores further by time (its finds go into tests/fuzz/regress/ once fixed)."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / 'build/host/fuzz'
SMOKE_RUNS = int(os.environ.get('FUZZ_SMOKE_RUNS', '30000'))
SMOKE_SEED = int(os.environ.get('FUZZ_SMOKE_SEED', '1'))
TARGETS = {'config': ('seeds', 40), 'hw': ('hw-seeds', 2)}


def fuzz(target, *args, timeout):
    env = dict(os.environ, BULKHEAD_FUZZ_HW=str(FUZZ / 'hw.dtb'),
               BULKHEAD_FUZZ_CFG=str(FUZZ / 'cfg.dtb'))
    return subprocess.run([str(FUZZ / ('fuzz_' + target)), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=timeout)


@pytest.mark.parametrize('target', sorted(TARGETS))
def test_regressions_run_clean(target):
    inputs = sorted((ROOT / 'tests/fuzz/regress' / target).iterdir())
    assert inputs
    r = fuzz(target, *inputs, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'Executed %s in' % inputs[-1] in r.stderr


@pytest.mark.parametrize('target', sorted(TARGETS))
def test_smoke_run_finds_nothing(target, tmp_path):
    seeds, min_seeds = TARGETS[target]
    corpus = tmp_path / 'corpus'
    shutil.copytree(FUZZ / seeds, corpus)
    assert len(list(corpus.iterdir())) >= min_seeds
    r = fuzz(target, '-runs=%d' % SMOKE_RUNS, '-seed=%d' % SMOKE_SEED, '-max_len=65536',
             '-artifact_prefix=%s/' % tmp_path, corpus, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'Done ' in r.stderr
    assert not list(tmp_path.glob('crash-*'))
