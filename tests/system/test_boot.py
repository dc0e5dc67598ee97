"""Boot tests: both boot paths reach the banner and the shell, the inventory printed at boot
matches the device tree QEMU generated for the same options, and -smp N brings N CPUs online."""
import re

import pytest

from qemu_console import BANNER_RE, parse_cpus_table

PATHS = ["--direct", "--uboot"]


@pytest.mark.parametrize("path", PATHS)
def test_boot_reaches_banner_and_shell(qemu, path):
    con = qemu(path)
    banner = con.expect_line(BANNER_RE)
    version, arch = banner.group(1), banner.group(2)
    assert arch == "powerpc"
    con.expect_line(re.escape("(QEMU: press Ctrl-A then X to leave the emulator)"))
    out = con.wait_ready()
    if path == "--uboot":
        # U-Boot ran first and booted the uImage without stopping at its prompt.
        assert re.search(r"U-Boot 20\d\d", out), "no U-Boot output before the banner"
        assert out.index("Image Name:   bulkhead") < out.index("partitioning hypervisor")
        assert "=>" not in out, "U-Boot stopped at its prompt"
    else:
        assert "U-Boot" not in out
    # The demo config is found and listed.
    assert re.search(r"(?m)^config   \d+ bytes  2 partitions: p0 p1$", out)
    # The shell answers with the same version the banner showed.
    reply = con.command("version")
    assert re.search(rf"(?m)^Bulkhead {re.escape(version)} \(powerpc\)$", reply), (
        f"banner says version {version} but 'version' says {reply.splitlines()[0]!r}: the "
        "objects of bulkhead.elf were compiled at different commits")
    assert re.search(r"(?m)^boot: banner at \d+ time-base ticks \(\d+ us at \d+ Hz\)$", reply)
    assert "unknown command" in con.command("frobnicate")
    helptext = con.command("help")
    for cmd in ("help", "version", "cpus"):
        assert re.search(rf"(?m)^  {cmd}\s+\S", helptext), f"help does not list {cmd}"
    # What the banner promises: Ctrl-A then X leaves QEMU.
    con.quit_qemu()


@pytest.mark.parametrize("path,smp", [("--direct", 4), ("--direct", 2), ("--uboot", 4),
                                      ("--uboot", 2), ("--direct", 1)])
def test_smp_cpus_come_online(qemu, path, smp):
    con = qemu(path, "--smp", smp)
    out = con.wait_ready()
    online = [int(n) for n in re.findall(r"(?m)^cpu (\d+) online$", out)]
    assert online == list(range(smp))
    assert "did not come online" not in out
    assert re.search(rf"(?m)^cpus     {smp} x ", out)
    table = parse_cpus_table(con.command("cpus"))
    assert sorted(table) == list(range(smp))
    assert all(state == "online" for state, _ in table.values()), table


# --- inventory ---------------------------------------------------------------------------------
UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
HEX9 = r"0x([0-9a-f]{9})"
SIZE = r"(\d+) (B|KiB|MiB|GiB|TiB)"


def size_of(num, unit):
    return int(num) * UNITS[unit]


def inventory_block(out):
    """The inventory lines: from the line after the banner hint up to the config line."""
    lines = out.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("(QEMU: press Ctrl-A")) + 1
    end = next(i for i, l in enumerate(lines) if l.startswith("config"))
    return lines[start:end]


def parse_inventory(lines):
    inv = {"board": [], "cpus": [], "memory": [], "ccsr": [], "uart": [], "mpic": [], "pci": []}
    pats = {
        "board": r"board    (.+) \((\S+)\)",
        "cpus": r"cpus     (\d+) x (\S+)  timebase (\d+) Hz  clock (\d+) Hz",
        "memory": rf"memory   {HEX9}-{HEX9}  {SIZE}",
        "ccsr": rf"ccsr     {HEX9}  {SIZE}  (\S+)",
        "uart": rf"uart     {HEX9}  irq (-?\d+)\s+(\S+?)(  \(console\))?",
        "mpic": rf"mpic     {HEX9}  {SIZE}  (\S+)",
        "pci": rf"pci      {HEX9}  (\S+)",
        "window": rf"           (io|mem|mem64)\s+{HEX9}-{HEX9} -> bus 0x([0-9a-f]+)  {SIZE}",
    }
    for line in lines:
        for key, pat in pats.items():
            m = re.fullmatch(pat, line)
            if m:
                if key == "window":
                    assert inv["pci"], f"PCI window line before any pci line: {line!r}"
                    inv["pci"][-1]["windows"].append(m.groups())
                elif key == "pci":
                    inv["pci"].append({"m": m.groups(), "windows": []})
                else:
                    inv[key].append(m.groups())
                break
        else:
            pytest.fail(f"unexpected inventory line {line!r}")
    return inv


def pci_space(hi):
    return {1: "io", 2: "mem", 3: "mem64"}.get((hi >> 24) & 3)


@pytest.mark.parametrize("path,opts", [
    ("--direct", ["--smp", "4", "--mem", "512"]),
    ("--direct", ["--smp", "2", "--mem", "256"]),
    ("--uboot", ["--smp", "4", "--mem", "512"]),
    ("--uboot", ["--smp", "3", "--mem", "1024"]),
])
def test_inventory_matches_qemu_tree(qemu, qemu_tree, path, opts):
    tree = qemu_tree(path, *opts)
    con = qemu(path, *opts)
    inv = parse_inventory(inventory_block(con.wait_ready()))

    # board: model (first root compatible)
    assert inv["board"] == [(tree.text("/", "model"), tree.strings("/", "compatible")[0])]

    # cpus: count, first CPU's node name and frequencies
    cpus = [n for n in tree.walk("/cpus") if tree.has(n, "device_type")
            and tree.string(n, "device_type") == "cpu"]
    first = cpus[0]
    assert inv["cpus"] == [(str(len(cpus)), tree.name(first),
                            str(tree.u32(first, "timebase-frequency")),
                            str(tree.u32(first, "clock-frequency")))]

    # memory: every reg range of every memory node
    want = [(a, a + s - 1, s) for n in tree.by_type("memory") for a, s in tree.reg(n)]
    got = [(int(a, 16), int(e, 16), size_of(num, u)) for a, e, num, u in inv["memory"]]
    assert got == want and want

    # ccsr: the soc bus's first range
    soc = tree.by_type("soc")[0]
    _, pa, size = tree.ranges(soc)[0]
    assert [(int(a, 16), size_of(n, u), p) for a, n, u, p in inv["ccsr"]] == [(pa, size, soc)]

    # uarts: every ns16550, translated address, first interrupt, console marker
    stdout = tree.string("/chosen", "stdout-path")
    want = [(tree.reg_phys(n)[0], tree.cells(n, "interrupts")[0], n, n == stdout)
            for n in tree.compatible("ns16550")]
    got = [(int(a, 16), int(irq), p, bool(c)) for a, irq, p, c in inv["uart"]]
    assert got == want and want

    # mpic
    want = [(*tree.reg_phys(n), n) for n in tree.compatible("fsl,mpic")]
    got = [(int(a, 16), size_of(n, u), p) for a, n, u, p in inv["mpic"]]
    assert got == want and want

    # PCI host bridges and their outbound windows
    want = []
    for n in tree.by_type("pci"):
        pac = tree.addr_cells(tree.parent(n))
        cells = tree.cells(n, "ranges")
        step = 3 + pac + 2
        windows = []
        for i in range(0, len(cells) - step + 1, step):
            bus = tree.number(cells[i + 1:i + 3])
            cpu = tree.number(cells[i + 3:i + 3 + pac])
            size = tree.number(cells[i + 3 + pac:i + step])
            windows.append((pci_space(cells[i]), cpu, cpu + size - 1, bus, size))
        want.append((tree.reg_phys(n)[0], n, windows))
    got = [(int(p["m"][0], 16), p["m"][1],
            [(sp, int(a, 16), int(e, 16), int(b, 16), size_of(num, u))
             for sp, a, e, b, num, u in p["windows"]]) for p in inv["pci"]]
    assert got == want and want
