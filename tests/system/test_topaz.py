"""Topaz semantics the hypervisor honours (issue 15, docs/config.md):

- an area mapped by two partitions without bulkhead,shared is shared memory: one warning line
  at boot, and a restart of one partition does not scrub it. Controls: the same area mapped by
  one partition only is private and scrubbed; the test image with
  bulkhead.mutate=implicit-share (implicit shares scrubbed as private) must lose the pattern;
- zero-pma zeroes an area once at boot: QEMU's loader fills it with 0xa5 first; control: without
  zero-pma the partition finds the bytes the loader put there;
- two partitions manage each other (p1 <-> p2): each stops and starts the other;
- sysreset-on-partition-stop resets the board once no partition runs (control: without it the
  hypervisor stays up);
- node-update-phandle points a device's property at the guest's copy of another device;
- map-ranges maps a bus device's ranges windows (control: without it an access there is an
  isolation fault).
Images from flash: QEMU ppce500 has no NOR flash; the translation is tested on the host
(tests/test_config.py, tests/configs/hw/ppce500-flash-pamu.dts)."""
import re

from partcfg import config, partition

SHARED_HOST, SHARED_GUEST, SHARED_SIZE = 0x1B000000, 0x02000000, 0x10000


def area(flags=""):
    return f"""
	topaz_area: topaz-area {{
		compatible = "phys-mem-area";
		addr = <0x0 0x{SHARED_HOST:x}>;
		size = <0x0 0x{SHARED_SIZE:x}>;
		{flags}
	}};
"""


GPMA = f"""
		area-gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&topaz_area>;
			guest-addr = <0x0 0x{SHARED_GUEST:x}>;
		}};"""


def guest_line(con, label, regex):
    m = re.search(rf"(?m)^\[{label}\] " + regex + r"\r*\n", con.output)
    return m or con.expect_line(rf"\[{label}\] " + regex)


def boot_scrub(qemu, tmp_path, *, other_maps, flags="", launcher=(), preload=None):
    """partition s runs partitions/scrub with the area at guest SHARED_GUEST; partition o
    (hello) maps it too when other_maps. Returns the console once s asked for a restart."""
    parts = [partition("s", "scrub", 1, bootargs=f"shared=0x{SHARED_GUEST:x}"),
             partition("o", "hello", 2, bootargs="count=0 interval=500",
                       extra=GPMA if other_maps else "")]
    dts, extra = config(parts)
    private = "guest-addr = <0x0 0x0>;\n\t\t};"
    dts = dts.replace(private, private + GPMA, 1)          # s: after its private memory
    end = dts.rindex("};")
    cfg = tmp_path / "topaz.dts"
    cfg.write_text(dts[:end] + area(flags) + dts[end:])
    if preload:
        extra += ["-device", f"loader,file={preload},addr=0x{SHARED_HOST:x},force-raw=on"]
    con = qemu("--direct", *launcher, "--config", cfg, "--", *extra, timeout=60)
    con.wait_ready()
    return con


def restart_and_count(con):
    """Pattern bytes the area kept across a restart of s. A scrubbed area loses the first
    run's mark too: the next run is a first run again and finds the page all zero."""
    guest_line(con, "s", r"first run: restart me")
    since = len(con.output)
    con.command("restart s")
    m = con.wait_line(r"\[s\] (next run: shared area kept (\d+) of 4092 pattern bytes|"
                      r"first run: shared area has (\d+) non-zero bytes of 4096)", since=since)
    if m.group(2) is not None:
        return int(m.group(2))
    assert int(m.group(3)) == 0, m.group(0)
    return 0


WARNING = ('config: /topaz-area: warning: mapped by partitions "s" (/part-s/area-gpma) and '
           '"o" (/part-o/area-gpma): shared memory, not scrubbed when a partition restarts '
           '(add bulkhead,shared to say so)')


def test_implicit_share_warns_once_and_is_not_scrubbed(qemu, tmp_path):
    con = boot_scrub(qemu, tmp_path, other_maps=True)
    assert con.output.count("warning:") == 1
    assert WARNING in con.output
    assert restart_and_count(con) == 4092


def test_control_area_of_one_partition_is_scrubbed(qemu, tmp_path):
    con = boot_scrub(qemu, tmp_path, other_maps=False)
    assert "warning:" not in con.output
    assert restart_and_count(con) == 0


def test_negative_control_implicit_share_mutation_scrubs_it(qemu, tmp_path, hv_test_elf):
    con = boot_scrub(qemu, tmp_path, other_maps=True,
                     launcher=("--elf", str(hv_test_elf), "--append",
                               "bulkhead.mutate=implicit-share"))
    assert WARNING in con.output
    assert restart_and_count(con) == 0


def nonzero_at_first_run(qemu, tmp_path, flags):
    pattern = tmp_path / "a5.bin"
    pattern.write_bytes(b"\xa5" * SHARED_SIZE)
    con = boot_scrub(qemu, tmp_path, other_maps=True, flags="bulkhead,shared; " + flags,
                     preload=pattern)
    m = guest_line(con, "s", r"first run: shared area has (\d+) non-zero bytes of 4096")
    return con, int(m.group(1))


def test_zero_pma_zeroes_the_area_at_boot(qemu, tmp_path):
    con, nonzero = nonzero_at_first_run(qemu, tmp_path, "zero-pma;")
    assert "memory: /topaz-area zeroed (zero-pma, 64 KiB)" in con.output
    assert nonzero == 0


def test_control_without_zero_pma_the_loaded_bytes_remain(qemu, tmp_path):
    con, nonzero = nonzero_at_first_run(qemu, tmp_path, "")
    assert "zero-pma" not in con.output
    assert nonzero == 4096


def test_mutual_managers_stop_and_start_each_other(qemu, tmp_path):
    dts, extra = config([
        partition("p1", "partman", 1, bootargs="target=p2 mode=mutual", manages=["p2"]),
        partition("p2", "partman", 2, bootargs="target=p1 mode=mutual", manages=["p1"],
                  no_auto_start=True)])
    cfg = tmp_path / "mutual.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--config", cfg, "--", *extra, timeout=60)
    con.wait_ready()
    for me, peer in (("p1", "p2"), ("p2", "p1")):
        for check in ("started the partition that manages me",
                      "stopped the partition that manages me", "started it again"):
            guest_line(con, me, "PASS: " + re.escape(check))
        con.wait_line(rf"partition {me}: exited with code 0")
    # each stop of the other went through its manager's hypercall
    assert "partition p2: stopped (stopped by its manager)" in con.output
    assert "partition p1: stopped (stopped by its manager)" in con.output
    assert not re.search(r"(?m)^\[p[12]\] FAIL", con.output)


def boot_exiting_partition(qemu, tmp_path, sysreset):
    dts, extra = config([partition("a", "hello", 1, bootargs="count=1 interval=1")])
    if sysreset:
        dts = dts.replace("stdout = <&hv_con>;",
                          "stdout = <&hv_con>;\n\t\tsysreset-on-partition-stop;")
    cfg = tmp_path / "sysreset.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--config", cfg, "--", *extra, timeout=60)
    con.wait_ready()
    con.wait_line(r"partition a: exited with code 0")
    return con


def test_sysreset_on_partition_stop_resets_when_none_runs(qemu, tmp_path):
    con = boot_exiting_partition(qemu, tmp_path, True)
    con.wait_line(r"sysreset-on-partition-stop: no partition is running: resetting the system")
    while con.output.count("partitioning hypervisor") < 2:   # the board reset: a second boot
        con.expect(r"partitioning hypervisor")
    assert con.output.count("partitioning hypervisor") == 2


def test_control_without_sysreset_the_hypervisor_stays_up(qemu, tmp_path):
    con = boot_exiting_partition(qemu, tmp_path, False)
    assert re.search(r"(?m)^1\s+a\s+stopped\s", con.command("list"))
    assert "sysreset" not in con.output and con.output.count("partitioning hypervisor") == 1


def test_node_update_phandle_points_at_the_guests_copy(qemu, tmp_path):
    """node-update-phandle { fsl,msi = <&msi>; } on a device: the guest's copy of the device
    gets fsl,msi = the phandle of the guest's copy of the MSI bank the config assigns."""
    extra_nodes = """
		i2c {
			device = "i2c";
			node-update-phandle {
				fsl,msi = <&a_msi>;
			};
		};
		a_msi: msi {
			device = "/soc@fe0000000/msi@41600";
		};"""
    dts, extra = config([partition("a", "hello", 1, bootargs="count=0 interval=500",
                                   extra=extra_nodes)])
    cfg = tmp_path / "phandle.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--config", cfg, "--", *extra, timeout=60)
    con.wait_ready()
    guest_line(con, "a", r"hello from a")        # the tree is built at the first start
    tree = con.command("gdt a")
    i2c = re.search(r"i2c@3000 \{(.*?)\n\t*\};", tree, re.S)
    msi = re.search(r"msi@41600 \{(.*?)\n\t*\};", tree, re.S)
    assert i2c and msi, tree
    ref = re.search(r"fsl,msi = <(0x[0-9a-f]+)>;", i2c.group(1))
    ph = re.search(r"\bphandle = <(0x[0-9a-f]+)>;", msi.group(1))
    assert ref and ph and ref.group(1) == ph.group(1), tree


def attack_pci_io_window(qemu, tmp_path, map_ranges):
    """Partition a owns the whole PCI controller (its registers); with map-ranges its ranges
    windows too. partitions/attacker reads the I/O window (0xf_e100_0000 on QEMU ppce500)."""
    flag = "map-ranges;" if map_ranges else ""
    dts, extra = config([partition("a", "attacker", 1, bootargs="target=0xfe1000000",
                                   extra=f'pci {{ device = "pci0"; {flag} }};')])
    cfg = tmp_path / "ranges.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--config", cfg, "--", *extra, timeout=60)
    con.wait_ready()
    con.wait_line(r"partition a: (exited with code 0|stopped \(.*\))")
    return con.output


def test_map_ranges_maps_the_bus_windows(qemu, tmp_path):
    out = attack_pci_io_window(qemu, tmp_path, True)
    assert re.search(r"(?m)^\[a\] attacker: read 0xfe1000000 = 0x[0-9a-f]{8}", out), out
    assert "[a] attacker: not stopped" in out


def test_control_without_map_ranges_the_window_is_not_mapped(qemu, tmp_path):
    out = attack_pci_io_window(qemu, tmp_path, False)
    assert "[a] attacker: reading 0xfe1000000" in out
    assert "attacker: read 0xfe1000000" not in out and "attacker: not stopped" not in out
    assert "partition a: stopped (isolation fault)" in out
