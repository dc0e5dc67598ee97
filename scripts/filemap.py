#!/usr/bin/env python3
"""filemap.py [--update] - the file map of docs/architecture.md: every file git tracks, folder by
folder, with the job its own header line states (first comment of C, assembly, DTS and make
files, a Python docstring's first sentence, a Markdown title); a few groups of data files get
one line. Prints the section; --update rewrites it in docs/architecture.md (tests/test_docs.py
checks it stays complete). Run from anywhere inside the repository."""
import os, re, subprocess, sys
os.chdir(subprocess.check_output(['git', 'rev-parse', '--show-toplevel'], text=True).strip())
files = subprocess.check_output(['git', 'ls-files']).decode().split()
GROUPS = [('tests/configs/good/', 'tests/configs/good/*.dts'), ('tests/configs/bad/', 'tests/configs/bad/*.dts'),
          ('tests/configs/hw/', 'tests/configs/hw/*.dts'), ('tests/fuzz/regress/', 'tests/fuzz/regress/*')]
def desc(f):
    try: lines = open(f, errors='replace').read().split('\n')[:30]
    except Exception: return ''
    text = ''
    if f.endswith(('.c', '.h', '.S', '.ld', '.dts')):
        for i, l in enumerate(lines):
            m = re.match(r'\s*(/\*|//)\s*(.*)', l)
            if m:
                text = m.group(2)
                j = i + 1
                while not text.rstrip().endswith(('*/', '.')) and j < len(lines) and j < i + 3:
                    text += ' ' + lines[j].strip().lstrip('*').strip(); j += 1
                break
    elif f.endswith('.py'):
        s = '\n'.join(lines)
        m = re.search(r'"""(.*?)"""', s, re.S)
        if m: text = m.group(1).split('\n\n')[0]
    elif f.endswith('.md'):
        text = lines[0].lstrip('# ')
    else:
        for l in lines:
            if l.startswith('#') and not l.startswith('#!'):
                text = l.lstrip('# '); break
    text = re.sub(r'\*/.*', '', text)
    text = re.sub(r'^[\w./-]+(\s+\[[^]]*\])*\s+-\s+', '', text).strip()
    text = re.sub(r'\s+', ' ', text)
    if '. ' in text: text = text.split('. ')[0]
    text = text.rstrip('.')
    if len(text) > 150:
        cut = max(text.rfind(c, 0, 150) for c in (':', ';', ',', ' ('))
        text = text[:cut if cut > 60 else 150].rstrip(' ,;:(') + ' ...'
    return text.replace('|', '\\|')
OVERRIDE = {
    'README.md': 'what Bulkhead is, the two commands, what `make run` shows',
    'docs/benchmarks.md': 'sizes, boot times, P1-P10, loaded-machine runs of `make check`',
    'tests/configs/good/*.dts': 'configs the validator must accept (tests/test_config.py checks each, and what `explain` says of some)',
    'tests/configs/bad/*.dts': 'configs the validator must refuse, each with the exact error lines it must print (tests/test_config.py)',
    'tests/configs/hw/*.dts': 'hardware trees the config tests check against (QEMU ppce500, variants with flash, PAMU, more CPUs)',
    'tests/fuzz/regress/*': 'inputs the fuzzers once crashed on, replayed by tests/test_fuzz.py',
}
HEAD = ('## File map\n\nEvery file of the repository, folder by folder, with the job its own header '
        'states\n(`tests/test_docs.py` checks that none is missing and none is stale; a `*` names a '
        'group;\n`scripts/filemap.py --update` rewrites this section).\n')
seen = set()
cur = None
out = [HEAD]
for f in files:
    g = next((pat for pre, pat in GROUPS if f.startswith(pre)), None)
    key = g or f
    if key in seen: continue
    seen.add(key)
    d = os.path.dirname(f) or '.'
    if d != cur:
        cur = d
        out.append(f'\n### `{d}/`\n\n| File | Job |\n| --- | --- |')
    out.append(f'| `{key}` | {OVERRIDE.get(key) or desc(f)} |')
text = '\n'.join(out) + '\n'
if '--update' in sys.argv[1:]:
    doc = 'docs/architecture.md'
    old = open(doc).read()
    keep = old[:old.index('## File map')] if '## File map' in old else old.rstrip('\n') + '\n\n'
    open(doc, 'w').write(keep + text)
else:
    sys.stdout.write(text)
