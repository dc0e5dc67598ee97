"""docs/architecture.md maps every file of the tree (issue 14): each file that git tracks is
named in its file map, by path or by one of the map's patterns (a `*` in the last component);
and the map names no file that is gone."""
import fnmatch
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def tracked():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing says which files are the project's")
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [f for f in out.split("\n") if f]


def mapped():
    text = DOC.read_text()
    section = text[text.index("## File map"):]
    return re.findall(r"^\| `([^`]+)` \|", section, re.M)


def test_every_file_is_in_the_file_map():
    names = mapped()
    missing = [f for f in tracked() if not any(fnmatch.fnmatchcase(f, n) for n in names)]
    assert not missing, "not in docs/architecture.md's file map: " + ", ".join(missing)


def test_the_file_map_names_no_file_that_is_gone():
    files = tracked()
    gone = [n for n in mapped() if not n.endswith("/")
            and not any(fnmatch.fnmatchcase(f, n) for f in files)]
    assert not gone, "in the file map but not in the tree: " + ", ".join(gone)


def test_the_check_tells_a_mapped_file_from_one_left_out():
    """Controls: a file the map lists is found, a file it does not list is reported."""
    names = mapped()
    assert any(fnmatch.fnmatchcase("hv/core/main.c", n) for n in names)
    assert any(fnmatch.fnmatchcase("tests/configs/bad/any-name.dts", n) for n in names)
    assert not any(fnmatch.fnmatchcase("hv/core/not_in_the_map.c", n) for n in names)
