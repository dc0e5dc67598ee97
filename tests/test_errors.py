"""The one error space (issue 14): scripts/check-errors.sh passes on hv/ and arch/, and fails on
each kind of line it forbids (its negative controls, one sample per rule)."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / 'scripts/check-errors.sh'


def run(root=None, *dirs):
    env = {'PATH': '/usr/bin:/bin'}
    if root:
        env['CHECK_ERRORS_ROOT'] = str(root)
    return subprocess.run([str(SCRIPT), *dirs], capture_output=True, text=True, env=env,
                          timeout=60)


def test_tree_is_clean():
    r = run()
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ''


BAD = [
    ('bare -1 status', 'int f(void)\n{\n\treturn -1;\n}\n'),
    ('errno code', 'int f(void)\n{\n\treturn -EINVAL;\n}\n'),
    ('errno code', 'int f(int e)\n{\n\treturn e == -ENOENT;\n}\n'),
    ('<errno.h>', '#include <errno.h>\n'),
    ('libfdt error code', 'int f(void)\n{\n\treturn -FDT_ERR_NOTFOUND;\n}\n'),
    ('libfdt message', 'const char *f(int e)\n{\n\treturn fdt_strerror(e);\n}\n'),
]


@pytest.mark.parametrize('rule,text', BAD, ids=[f'{i}-{b[0]}' for i, b in enumerate(BAD)])
def test_bad_line_fails(tmp_path, rule, text):
    (tmp_path / 'hv/x').mkdir(parents=True)
    (tmp_path / 'hv/x/bad.c').write_text(text)
    r = run(tmp_path, 'hv')
    assert r.returncode == 1, r.stdout + r.stderr
    assert f'check-errors: {rule}' in r.stdout and 'hv/x/bad.c:' in r.stdout, r.stdout


def test_good_lines_pass(tmp_path):
    """Positive control for the samples: the same shapes in the one error space, and the libc
    glue (allowed errno and -1), do not trip the check."""
    (tmp_path / 'hv/core').mkdir(parents=True)
    (tmp_path / 'hv/x.c').write_text('#include <hv/err.h>\nint f(int e)\n{\n'
                                     '\treturn e == -HV_ENOENT ? -HV_EINVAL : hv_err_fdt(e);\n}\n'
                                     '#define NONE (-1)\nint g(void)\n{\n\treturn NONE;\n}\n')
    (tmp_path / 'hv/core/libc_glue.c').write_text('#include <errno.h>\nint f(void)\n{\n'
                                                  '\terrno = EBADF;\n\treturn -1;\n}\n')
    r = run(tmp_path, 'hv')
    assert r.returncode == 0, r.stdout + r.stderr
