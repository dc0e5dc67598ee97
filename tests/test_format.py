"""The C style check of `make check` (scripts/format.sh --check against .clang-format), with
its controls: the tree passes, and a file laid out against the style is caught by name."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "format.sh"


def check(*files):
    return subprocess.run([str(SCRIPT), "--check", *map(str, files)], capture_output=True,
                          text=True, timeout=300)


def test_every_c_file_follows_the_project_style():
    r = check()
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_check_names_a_file_that_breaks_the_style(tmp_path):
    good = tmp_path / "good.c"
    good.write_text("int f(int a)\n{\n\treturn a + 1;\n}\n")
    bad = tmp_path / "bad.c"
    bad.write_text("int f(int a) {\n    return a+1; }\n")
    assert check(good).returncode == 0                  # positive control: same style, passes
    r = check(good, bad)
    assert r.returncode == 1
    assert f"format: {bad}: layout differs" in r.stdout
    assert str(good) not in r.stdout
