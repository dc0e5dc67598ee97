"""bhctl config check/explain/map over every config in tests/configs (see docs/config.md).

Each tests/configs/bad/NAME.dts states the errors bhctl must print, one "expect:" comment line per
error; the test asserts exactly those lines (no more, no fewer) and exit status 1."""
import json
import pathlib
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BHCTL = ROOT / 'build/host/bhctl'
BHCTL_SAN = ROOT / 'build/host/bhctl-san'
CONFIGS = ROOT / 'tests/configs'
HW = CONFIGS / 'hw/qemu-ppce500.dts'
BAD = sorted((CONFIGS / 'bad').glob('*.dts'))
GOOD = sorted((CONFIGS / 'good').glob('*.dts'))
TOPAZ = CONFIGS / 'good/topaz-2p-linux.dts'


def bhctl(*args, exe=BHCTL):
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=60)


def expected(path):
    return re.findall(r'^ \* expect: (.*)$', path.read_text(), re.M)


def warnings(path):
    """The warning lines a config states ("warn:" comments); a valid config may have some."""
    return re.findall(r'^ \* warn: (.*)$', path.read_text(), re.M)


def hw_for(path):
    """The hardware tree a config is checked against: tests/configs/hw/qemu-ppce500.dts unless
    a " * hw: NAME" comment names another one (e.g. with a flash or a PAMU QEMU lacks)."""
    if path.suffix != '.dts':
        return HW
    m = re.search(r'^ \* hw: (\S+)$', path.read_text(), re.M)
    return CONFIGS / 'hw' / m.group(1) if m else HW


def test_enough_bad_config_classes():
    assert len(BAD) >= 40
    assert all(expected(p) for p in BAD), 'every bad config states its expected errors'


@pytest.mark.parametrize('cfg', BAD, ids=lambda p: p.stem)
def test_bad_config_rejected_with_exact_messages(cfg):
    r = bhctl('config', 'check', hw_for(cfg), cfg)
    assert r.returncode == 1, r.stderr
    assert r.stdout == ''
    assert r.stderr.splitlines() == ['%s: %s' % (cfg, e) for e in expected(cfg)]


@pytest.mark.parametrize('cfg', GOOD, ids=lambda p: p.stem)
def test_good_config_accepted(cfg):
    r = bhctl('config', 'check', hw_for(cfg), cfg)
    n = len(re.findall(r'compatible = "partition"', cfg.read_text()))
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == ['%s: %s' % (cfg, w) for w in warnings(cfg)]
    assert r.stdout == '%s: valid (%d partition%s)\n' % (cfg, n, '' if n == 1 else 's')


def test_check_json_lists_every_error():
    for cfg in BAD:
        r = bhctl('config', 'check', '--json', hw_for(cfg), cfg)
        doc = json.loads(r.stdout)
        assert r.returncode == 1 and r.stderr == ''
        assert doc['valid'] is False and doc['config'] == str(cfg)
        got = ['%s: %s: %s' % (e['node'], e['property'], e['message']) if e['property']
               else '%s: %s' % (e['node'], e['message']) for e in doc['errors']]
        assert got == expected(cfg), cfg.name


def test_check_json_valid():
    doc = json.loads(bhctl('config', 'check', '--json', HW, TOPAZ).stdout)
    assert doc == {'hardware': str(HW), 'config': str(TOPAZ), 'valid': True, 'partitions': 2,
                   'errors': [], 'warnings': []}


def test_check_json_lists_warnings():
    """An implicit share (issue 15): valid, one warning, in --json's "warnings" list."""
    cfg = CONFIGS / 'good/implicit-share.dts'
    r = bhctl('config', 'check', '--json', HW, cfg)
    doc = json.loads(r.stdout)
    assert (r.returncode, r.stderr, doc['valid'], doc['errors']) == (0, '', True, [])
    assert ['%s: warning: %s' % (w['node'], w['message']) for w in doc['warnings']] == \
        warnings(cfg)


def test_image_source_must_be_in_a_memory_like_node():
    """The flash config is valid only against a tree that has the flash (host test of the
    local bus ranges translation: QEMU ppce500 has no NOR flash, docs/config.md)."""
    cfg = CONFIGS / 'good/image-from-flash.dts'
    r = bhctl('config', 'check', HW, cfg)
    assert r.returncode == 1
    assert [l.split(': ')[2] for l in r.stderr.splitlines()] == ['guest-image', 'linux-rootfs']
    assert bhctl('config', 'check', hw_for(cfg), cfg).returncode == 0


@pytest.fixture(scope='module')
def blobs(tmp_path_factory):
    """Malformed blobs made from the Topaz example at test time (tests/configs/mkblobs.py)."""
    d = tmp_path_factory.mktemp('blobs')
    good = d / 'good.dtb'
    subprocess.run(['dtc', '-q', '-I', 'dts', '-O', 'dtb', '-o', good, TOPAZ], check=True)
    out = subprocess.run(['python3', CONFIGS / 'mkblobs.py', good, d], check=True,
                         capture_output=True, text=True).stdout
    return d, [line.split('\t') for line in out.splitlines()]


def test_dtb_input_accepted(blobs):
    d, _ = blobs
    r = bhctl('config', 'check', HW, d / 'good.dtb')
    assert (r.returncode, r.stdout) == (0, '%s: valid (2 partitions)\n' % (d / 'good.dtb'))


def test_malformed_blobs_rejected(blobs):
    d, cases = blobs
    assert len(cases) >= 8
    for name, msg in cases:
        blob = d / (name + '.dtb')
        r = bhctl('config', 'check', HW, blob)
        assert (r.returncode, r.stderr) == (1, '%s: /: %s\n' % (blob, msg)), name


def test_malformed_hardware_tree_reported_against_it(blobs):
    d, _ = blobs
    hw = d / 'bad-magic.dtb'
    r = bhctl('config', 'check', hw, TOPAZ)
    assert r.returncode == 1
    assert r.stderr == ('%s: /: bad magic 0xdeadbeef (expected 0xd00dfeed): not a flattened '
                        'device tree\n' % hw)


def test_dts_syntax_error_is_usage_error(tmp_path):
    bad = tmp_path / 'broken.dts'
    bad.write_text('/dts-v1/;\n/ { oops\n')
    r = bhctl('config', 'check', HW, bad)
    assert r.returncode == 2
    assert r.stderr.endswith('%s: dtc could not compile it\n' % bad)


def test_missing_file_is_usage_error(tmp_path):
    r = bhctl('config', 'check', HW, tmp_path / 'nope.dtb')
    assert r.returncode == 2
    assert r.stderr == '%s: No such file or directory\n' % (tmp_path / 'nope.dtb')


@pytest.mark.parametrize('args', [[], ['frobnicate'], ['config'], ['config', 'check', HW],
                                  ['config', 'map', HW, TOPAZ], ['config', 'lint', HW, TOPAZ]])
def test_usage_errors(args):
    r = bhctl(*args)
    assert r.returncode == 2 and 'usage: bhctl' in r.stderr


def test_help_lists_config():
    r = bhctl('help')
    assert r.returncode == 0 and re.search(r'^  config +check, explain or map', r.stdout, re.M)


def test_explain_topaz_example():
    r = bhctl('config', 'explain', HW, TOPAZ)
    assert r.returncode == 0
    out = r.stdout
    for line in ['partition "p1-linux" (/part1)',
                 '  cpus: 0-1',
                 '    0x000000000-0x007ffffff -> 0x008000000-0x00fffffff    128 MiB  /part1/gpma0',
                 '    0x010000000-0x010ffffff -> 0x018000000-0x018ffffff     16 MiB  '
                 '/part1/gpma1 [shared: p1-linux, p2-linux]',
                 '  image: 0x800000 bytes from physical 0x1c000000 to guest 0x0',
                 '    /soc@fe0000000/i2c@3000',
                 '      region 0xfe0003000-0xfe0003013 (20 bytes)',
                 '      interrupts 43',
                 '      dma-window guest 0x0-0x1fffffff',
                 '  byte-channel /part1/byte-channel@1 <-> mux /uartmux channel 1',
                 '  doorbell send /doorbells/p1-to-p2',
                 '  manages "p2-linux"',
                 '  start: by a manager (no-auto-start)',
                 '  doorbell receive /doorbells/p1-to-p2',
                 'hypervisor (/hv-config)',
                 '  memory: 0x000000000-0x003ffffff']:
        assert line + '\n' in out, line


def test_explain_channels_between_partitions():
    out = bhctl('config', 'explain', HW, CONFIGS / 'good/three-partitions.dts').stdout
    assert '  byte-channel /p1/to-p3 <-> /p3/from-p1 (p3)\n' in out
    assert '  byte-channel /p3/from-p1 <-> /p1/to-p3 (p1)\n' in out
    assert '    0x008000000-0x00bffffff -> 0x008000000-0x00bffffff     64 MiB  /p2/mem\n' in out


def test_explain_gdb_stubs():
    out = bhctl('config', 'explain', HW, CONFIGS / 'good/gdb-stubs.dts').stdout
    assert ('  gdb-stub /debugged/gdb-stub@0: mux /uart-mux channel 2, vcpu 0, waits for gdb '
            'at start\n') in out
    assert '  gdb-stub /debugged/gdb-stub@1: mux /uart-mux channel 3, vcpu 1\n' in out


def test_explain_claimable_and_error_manager():
    """issue 15: failover owners and error managers, as bhctl explain and its JSON show them."""
    cfg = CONFIGS / 'good/claimable-failover.dts'
    out = bhctl('config', 'explain', HW, cfg).stdout
    assert '      claimable: active (holds it at boot)\n' in out
    assert ('      claimable: standby (takes it with FH_CLAIM_DEVICE once the holder is '
            'stopped)\n') in out
    assert '  error-manager /part1/error-manager: doorbell to vcpu 1, claimable active\n' in out
    assert '  error-manager /part2/error-manager: doorbell to vcpu 0, claimable standby\n' in out
    doc = json.loads(bhctl('config', 'explain', '--json', HW, cfg).stdout)
    claims = [d['claimable'] for p in doc['partitions'] for d in p['devices']]
    assert claims == ['active', 'standby']


def test_explain_json():
    r = bhctl('config', 'explain', '--json', HW, TOPAZ)
    doc = json.loads(r.stdout)
    p1, p2 = doc['partitions']
    assert (p1['label'], p1['cpus'], p1['auto_start']) == ('p1-linux', [0, 1], True)
    assert (p2['label'], p2['cpus'], p2['auto_start']) == ('p2-linux', [2, 3], False)
    assert p1['memory'][0] == {'guest': 0, 'phys': 0x8000000, 'size': 0x8000000, 'shared': False}
    pci = [d for d in p1['devices'] if d['path'] == '/pci@fe0008000'][0]
    assert pci['regions'] == [{'addr': 0xfe0008000, 'size': 0x1000}]
    assert pci['interrupts'] == [24] and pci['dma_window'] == {'guest': 0, 'size': 0x20000000}
    assert p1['manages'] == ['p2-linux']
    assert p2['doorbells'] == [{'doorbell': '/doorbells/p1-to-p2', 'direction': 'receive'}]
    assert doc['hypervisor']['memory'] == {'phys': 0, 'size': 0x4000000}
    assert p1['byte_channels'] == [{'node': '/part1/byte-channel@1', 'mux': '/uartmux',
                                    'mux_channel': 1}]


def test_explain_refuses_invalid_config():
    cfg = CONFIGS / 'bad/cpu-assigned-twice.dts'
    r = bhctl('config', 'explain', HW, cfg)
    assert r.returncode == 1 and r.stdout == ''
    assert r.stderr == '%s: %s\n' % (cfg, expected(cfg)[0])


def test_map_svg(tmp_path):
    svg = tmp_path / 'map.svg'
    r = bhctl('config', 'map', HW, TOPAZ, '-o', svg)
    assert (r.returncode, r.stderr) == (0, '')
    root = ET.parse(svg).getroot()
    ns = '{http://www.w3.org/2000/svg}'
    texts = [t.text for t in root.iter(ns + 'text')]
    assert 'memory hv: hypervisor (64 MiB)' in texts
    assert 'memory linux1: p1-linux (128 MiB)' in texts
    assert 'memory shared (shared: p1-linux, p2-linux): p1-linux (16 MiB)' in texts
    assert 'device i2c@3000: p1-linux (20 bytes)' in texts
    assert 'device serial@4500: hypervisor (256 bytes)' in texts
    assert 'RAM free RAM: free (64 MiB)' in texts
    fills = {r.get('fill') for r in root.iter(ns + 'rect')}
    assert len(fills) >= 4, 'hypervisor, two partitions and free RAM have their own colours'


def test_sanitizer_build_agrees_on_every_config(blobs):
    """The same validator built with ASan+UBSan: same verdict, no sanitizer report."""
    d, cases = blobs
    inputs = BAD + GOOD + [d / (n + '.dtb') for n, _ in cases]
    for cfg in inputs:
        a, b = (bhctl('config', 'check', hw_for(cfg), cfg),
                bhctl('config', 'check', hw_for(cfg), cfg, exe=BHCTL_SAN))
        assert (b.returncode, b.stderr) == (a.returncode, a.stderr), cfg.name
    for sub in (['explain'], ['explain', '--json']):
        for cfg in GOOD:
            r = bhctl('config', *sub, hw_for(cfg), cfg, exe=BHCTL_SAN)
            assert r.returncode == 0 and 'runtime error' not in r.stderr, cfg.name


def test_documented_example_is_valid(tmp_path):
    """The complete annotated example in docs/config.md passes the validator."""
    doc = (ROOT / 'docs/config.md').read_text()
    example = re.search(r'```dts\n(.*?)```', doc, re.S).group(1)
    cfg = tmp_path / 'doc-example.dts'
    cfg.write_text(example)
    r = bhctl('config', 'check', HW, cfg)
    assert (r.returncode, r.stderr, r.stdout) == (0, '', '%s: valid (2 partitions)\n' % cfg)


def test_generated_64_partition_config_is_valid(tmp_path):
    """The bench's generated config (bench/gen-config.py) is valid, at the 64-partition maximum."""
    hw, cfg = tmp_path / 'hw.dts', tmp_path / 'cfg.dts'
    subprocess.run(['python3', ROOT / 'bench/gen-config.py', '64', hw, cfg], check=True)
    r = bhctl('config', 'check', hw, cfg)
    assert (r.returncode, r.stdout) == (0, '%s: valid (64 partitions)\n' % cfg)
    doc = json.loads(bhctl('config', 'explain', '--json', hw, cfg).stdout)
    assert len(doc['partitions']) == 64 and doc['partitions'][0]['manages'][-1] == 'guest63'


def test_65th_partition_rejected(tmp_path):
    hw, cfg = tmp_path / 'hw.dts', tmp_path / 'cfg.dts'
    subprocess.run(['python3', ROOT / 'bench/gen-config.py', '65', hw, cfg], check=True)
    r = bhctl('config', 'check', hw, cfg)
    assert r.returncode == 1
    assert '%s: /part64: too many partitions (max 64)\n' % cfg in r.stderr


def test_map_escapes_xml(tmp_path):
    cfg = tmp_path / 'a&b.dts'
    cfg.write_text((CONFIGS / 'good/minimal.dts').read_text().replace(
        'linux {', 'linux {\n\t\tlabel = "<x&y>";'))
    svg = tmp_path / 'map.svg'
    assert bhctl('config', 'map', HW, cfg, '-o', svg).returncode == 0
    texts = [t.text for t in ET.parse(svg).getroot().iter('{http://www.w3.org/2000/svg}text')]
    assert 'memory guest-mem: <x&y> (448 MiB)' in texts


def test_implicit_share_shown_for_every_user(tmp_path):
    """explain and map name both partitions of an area shared by mapping alone (issue 15)."""
    cfg = CONFIGS / 'good/implicit-share.dts'
    out = bhctl('config', 'explain', HW, cfg).stdout
    assert '/part1/gpma [shared by mapping: p1, p2]' in out
    assert '/part2/gpma-p1 [shared by mapping: p1, p2]' in out
    svg = tmp_path / 'map.svg'
    assert bhctl('config', 'map', HW, cfg, '-o', svg).returncode == 0
    texts = [t.text for t in ET.parse(svg).getroot().iter('{http://www.w3.org/2000/svg}text')]
    assert 'memory p1-pma (shared: p1, p2): p1 (128 MiB)' in texts


def test_zero_pma_shown_in_explain():
    cfg = CONFIGS / 'good/topaz-extras.dts'
    assert '[zeroed at boot]' in bhctl('config', 'explain', hw_for(cfg), cfg).stdout


def test_explain_names_the_flash_an_image_comes_from():
    cfg = CONFIGS / 'good/image-from-flash.dts'
    out = bhctl('config', 'explain', hw_for(cfg), cfg).stdout
    assert ('image: 0xe00000 bytes from physical 0xfe8020000 (in /localbus@fe0124000/flash@0,0) '
            'to guest 0x0') in out
    assert 'linux-rootfs: 0x800000 bytes from physical 0xfe9300000 (in /localbus@fe0124000/' \
        'flash@0,0) to guest 0x1300000' in out


# x86 (issue 16, docs/x86.md): the same checker against the q35 hardware tree.
Q35 = ROOT / 'dts/qemu-q35/q35.dts'
X86_CONFIGS = [ROOT / 'dts/qemu-q35/demo.dts', CONFIGS / 'x86/one-partition.dts']


@pytest.mark.parametrize('cfg', X86_CONFIGS, ids=lambda p: p.stem)
def test_x86_configs_are_valid_for_q35(cfg):
    r = bhctl('config', 'check', Q35, cfg)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r'valid \(\d partitions?\)', r.stdout)


def test_x86_config_errors_name_the_q35_nodes(tmp_path):
    bad = tmp_path / 'x86-bad.dts'
    bad.write_text((ROOT / 'dts/qemu-q35/demo.dts').read_text()
                   .replace('cpus = <2 1>;', 'cpus = <6 1>;')
                   .replace('device = "serial0";', 'device = "/isa/serial@i2f8";'))
    r = bhctl('config', 'check', Q35, bad)
    assert r.returncode == 1
    assert re.search(r'(?m)/part1: cpus: CPU 6 does not exist \(the hardware tree has CPUs '
                     r'0-3\)$', r.stderr), r.stderr
    assert re.search(r'(?m)/hv-config/serial0: device: "/isa/serial@i2f8" is neither a path nor '
                     r'an alias in the hardware tree$', r.stderr), r.stderr
