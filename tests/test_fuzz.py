"""libFuzzer on the config parser+validator (tests/fuzz/fuzz_config.c): every past crash input in
tests/fuzz/regress/ must run clean, and a short smoke run from the good/bad seeds must find
nothing. 'make fuzz FUZZ_SECONDS=N' runs it for longer."""
import os
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / 'build/host/fuzz'
TARGET = FUZZ / 'fuzz_config'
SMOKE_SECONDS = int(os.environ.get('FUZZ_SMOKE_SECONDS', '20'))


def fuzz(*args, timeout):
    env = dict(os.environ, BULKHEAD_FUZZ_HW=str(FUZZ / 'hw.dtb'))
    return subprocess.run([str(TARGET), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_regressions_run_clean():
    inputs = sorted((ROOT / 'tests/fuzz/regress').iterdir())
    assert inputs
    r = fuzz(*inputs, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'Executed %s in' % inputs[-1] in r.stderr


def test_smoke_run_finds_nothing(tmp_path):
    corpus = tmp_path / 'corpus'
    shutil.copytree(FUZZ / 'seeds', corpus)
    assert len(list(corpus.iterdir())) >= 40
    r = fuzz('-max_total_time=%d' % SMOKE_SECONDS, '-max_len=65536',
             '-artifact_prefix=%s/' % tmp_path, corpus, timeout=SMOKE_SECONDS + 60)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'Done ' in r.stderr
    assert not list(tmp_path.glob('crash-*'))
