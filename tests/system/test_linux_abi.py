"""What an unmodified Linux 6.1 needs of its partition (issue 13, tree part), seen by a user:
the guest tree as `gdt` prints it and as a guest reads it (partitions/lnxabi), an ELF entered
at its entry translated to physical and uImages (plain and gzip'd) loaded, console input reaching a guest by the
byte channel's rx interrupt, and a partition stopping and restarting itself (handle -1).
Each "did not happen" has its mutation of the test image (docs/security.md)."""
import gzip
import re
import struct
import subprocess

from partcfg import GUESTS, config, partition

LINUX_ROOT = 'compatible = "fsl,P4080DS-hv", "fsl,qoriq-hv";'


def boot(qemu, tmp_path, parts, *qemu_args, smp=4, root_update=None, launcher=()):
    """root_update: (label, properties) added to that partition's node-update (the root of
    its guest tree), as a Linux partition's config sets the root compatible."""
    dts, extra = config(parts)
    if root_update:
        at = dts.index("node-update {", dts.index(f"part-{root_update[0]} {{"))
        at += len("node-update {")
        dts = dts[:at] + "\n\t\t\t" + root_update[1] + dts[at:]
    cfg = tmp_path / "linux-abi.dts"
    cfg.write_text(dts)
    con = qemu("--direct", "--smp", str(smp), "--config", cfg, *launcher, "--", *extra,
               *qemu_args)
    con.wait_ready()
    return con


def lines_of(con, label):
    return re.findall(r"(?m)^\[" + re.escape(label) + r"\] (.*?)\r*\n", con.output)


def wait_line(con, regex, timeout=None):
    m = re.search(r"(?m)^" + regex + r"\r*\n", con.output)
    return m or con.expect_line(regex, timeout=timeout)


# ---- the guest tree ------------------------------------------------------------------------

ROOTFS_SRC, ROOTFS_GUEST = 0x1e000000, 0x00a00000


def test_guest_tree_has_what_linux_reads(qemu, tmp_path):
    rootfs = tmp_path / "rootfs.bin"
    rootfs.write_bytes(b"BULKHEAD-ROOTFS\n" * 256)
    con = boot(qemu, tmp_path, [
        partition("t", "lnxabi", 1, ncpus=2, bootargs="test=tree", manages=["w"],
                  extra=f"linux-rootfs = <0x0 0x{ROOTFS_SRC:x} 0x0 0x{ROOTFS_GUEST:x} "
                        f"0x0 0x1000>;"),
        partition("w", "hello", 3, bootargs="count=0 interval=500")],
        "-device", f"loader,file={rootfs},addr=0x{ROOTFS_SRC:x},force-raw=on",
        root_update=("t", LINUX_ROOT))
    wait_line(con, r"partition t: exited with code 0")
    lines = lines_of(con, "t")
    for check in ("the boot CPU comes first in /cpus, the others in order",
                  "every cpu-release-addr is under a /memreserve/ entry",
                  "the device tree itself is under a /memreserve/ entry",
                  "/hypervisor has fsl,hv-version",
                  "the console byte channel has rx and tx interrupts at the epapr,hv-pic",
                  "the linux-rootfs is where /chosen linux,initrd-start says"):
        assert f"PASS: {check}" in lines, (check, lines)
    assert "lnxabi: 6 checks, 0 failed" in lines
    assert f"lnxabi: initrd 0x{ROOTFS_GUEST:x}-0x{ROOTFS_GUEST + 0x1000:x}" in lines
    tree = con.command("gdt t")
    # the root compatible from the partition's node-update (Topaz: "fsl,P4080DS-hv")
    assert re.search(r'(?m)^\s*compatible = "fsl,P4080DS-hv", "fsl,qoriq-hv";', tree), tree
    assert "bulkhead,partition" not in tree
    assert re.search(r"fsl,hv-version = <0x[0-9a-f]+ 0x0>;", tree), tree
    assert tree.index("cpu@0 {") < tree.index("cpu@1 {")
    # the console byte channel: rx and tx at the hv-pic, level (ehv_pic sense 2)
    bc = tree[tree.index("byte-channel@0 {"):]
    bc = bc[:bc.index("};")]
    assert re.search(r"interrupts = <0x([0-9a-f]+) 0x2 0x([0-9a-f]+) 0x2>;", bc), bc
    assert "interrupt-parent = <" in bc
    # the managed partition's handle, with its state-change doorbell as Linux's
    # fsl_hypervisor driver looks for it (receive doorbell, child of the partition handle)
    ph = tree[tree.index("partition@"):]
    assert 'label = "w";' in ph[:ph.index("};")]
    db = ph[ph.index("state-change-doorbell {"):]
    db = db[:db.index("};")]
    assert 'compatible = "fsl,hv-state-change-doorbell", "epapr,hv-receive-doorbell";' in db
    assert re.search(r"interrupts = <0x[0-9a-f]+ 0x0>;", db) and "interrupt-parent = <" in db


# ---- the loader --------------------------------------------------------------------------

def vmlinux_like(src, dst):
    """src (linked and loaded at 1 MiB) with every PT_LOAD's p_vaddr and e_entry moved up by
    0xc0000000, p_paddr kept: what Linux's vmlinux looks like (entry 0xc0000000, paddr 0)."""
    data = bytearray(src.read_bytes())
    assert data[:4] == b"\x7fELF" and data[4] == 1 and data[5] == 2
    entry, phoff = struct.unpack_from(">II", data, 24)
    phentsize, phnum = struct.unpack_from(">HH", data, 42)
    struct.pack_into(">I", data, 24, entry + 0xc0000000)
    for i in range(phnum):
        off = phoff + i * phentsize
        if struct.unpack_from(">I", data, off)[0] == 1:
            vaddr = struct.unpack_from(">I", data, off + 8)[0]
            struct.pack_into(">I", data, off + 8, vaddr + 0xc0000000)
    dst.write_bytes(bytes(data))


def test_elf_with_a_virtual_entry_runs_from_its_physical_address(qemu, tmp_path):
    elf = tmp_path / "hello-virt.elf"
    vmlinux_like(GUESTS / "hello.elf", elf)
    con = boot(qemu, tmp_path, [partition("v", "hello", 1, bootargs="count=1 interval=1",
                                          image=str(elf))])
    wait_line(con, r"partition v: exited with code 0")
    assert lines_of(con, "v")[:2] == ["hello from v", "tick 1"]
    assert "isolation fault" not in con.output


def test_uimage_loads_and_runs(qemu, tmp_path):
    con = boot(qemu, tmp_path, [partition("u", "hello", 1, bootargs="count=1 interval=1",
                                          image="hello.uimg")])
    wait_line(con, r"partition u: exited with code 0")
    assert lines_of(con, "u")[:2] == ["hello from u", "tick 1"]


def test_gzip_uimage_is_inflated_and_runs(qemu, tmp_path):
    """As Linux's `make uImage` builds it: mkimage -C gzip."""
    gz = tmp_path / "hello.bin.gz"
    gz.write_bytes(gzip.compress((GUESTS / "hello.bin").read_bytes(), compresslevel=9))
    subprocess.run(["mkimage", "-A", "powerpc", "-O", "linux", "-T", "kernel", "-C", "gzip",
                    "-a", "0x100000", "-e", "0x100000", "-n", "hello", "-d", str(gz),
                    str(tmp_path / "hello-gz.uimg")], check=True, capture_output=True)
    con = boot(qemu, tmp_path, [partition("z", "hello", 1, bootargs="count=1 interval=1",
                                          image=str(tmp_path / "hello-gz.uimg"))])
    wait_line(con, r"partition z: exited with code 0")
    assert lines_of(con, "z")[:2] == ["hello from z", "tick 1"]


def test_bad_images_are_refused_with_the_reason(qemu, tmp_path):
    gz = bytearray((GUESTS / "hello.uimg").read_bytes())
    gz[31] = 1                                      # ih_comp = gzip, data not gzip'd
    (tmp_path / "gz.uimg").write_bytes(bytes(gz))
    gz[31] = 2                                      # bzip2
    (tmp_path / "bz.uimg").write_bytes(bytes(gz))
    elf = bytearray((GUESTS / "hello.elf").read_bytes())
    phoff = struct.unpack_from(">I", elf, 28)[0]
    struct.pack_into(">I", elf, phoff + 12, 0x7f000000)    # first PT_LOAD's p_paddr
    (tmp_path / "far.elf").write_bytes(bytes(elf))
    con = boot(qemu, tmp_path, [partition("g", "hello", 1, image=str(tmp_path / "gz.uimg")),
                                partition("f", "hello", 2, image=str(tmp_path / "far.elf")),
                                partition("ok", "hello", 3, bootargs="count=1 interval=1"),
                                partition("b", "hello", 4, image=str(tmp_path / "bz.uimg"))],
               smp=5)
    wait_line(con, r"partition ok: exited with code 0")          # positive control
    wait_line(con, r"partition g: guest-image at 0x[0-9a-f]+: not gzip data \(or an "
              r"unsupported gzip header\)")
    wait_line(con, r"partition b: guest-image at 0x[0-9a-f]+: a uImage compressed other than "
              r"with gzip \(use gzip, none, or the vmlinux ELF\)")
    wait_line(con, r"partition f: guest-image at 0x[0-9a-f]+: an ELF segment's physical "
              r"addresses \(p_paddr\) are outside the partition's memory")
    assert re.search(r"(?m)^1\s+g\s+stopped\s", con.command("list"))
    assert not lines_of(con, "g") and not lines_of(con, "f") and not lines_of(con, "b")


# ---- byte-channel interrupts ---------------------------------------------------------------

def run_rx(qemu, tmp_path, *launcher):
    con = boot(qemu, tmp_path, [partition("r", "lnxabi", 1, bootargs="test=rx")],
               launcher=launcher)
    wait_line(con, r"\[r\] lnxabi: type a line")
    con.child.send("console r\r")
    con.expect_exact("console: attached to r")
    con.child.send("hello1\r")
    m = wait_line(con, r"(\[r\] lnxabi: waiting for input, interrupts only|"
                  r"partition r: exited with code \d+)")
    if m.group(1).startswith("[r]"):
        con.child.send("second line\r")
        wait_line(con, r"partition r: exited with code \d+")
    con.child.send("\x1d")
    con.expect_exact("bulkhead> ")
    return lines_of(con, "r")


def test_console_input_arrives_by_rx_interrupt(qemu, tmp_path):
    lines = run_rx(qemu, tmp_path)
    assert "PASS: each waiting byte came with an rx interrupt (level: again after EOI)" in lines
    assert 'lnxabi: got "hello1"' in lines
    assert "PASS: a typed line arrived by interrupt" in lines
    assert 'lnxabi: got "second line"' in lines
    assert "PASS: the tx interrupt comes while there is room" in lines
    assert "lnxabi: 4 checks, 0 failed" in lines, lines


def test_mutation_bc_irq_edge_leaves_bytes_waiting(qemu, tmp_path, hv_test_elf):
    lines = run_rx(qemu, tmp_path, "--elf", str(hv_test_elf),
                   "--append", "bulkhead.mutate=bc-irq-edge")
    assert [l for l in lines if l.startswith("FAIL: each waiting byte came with an rx "
                                             "interrupt")], lines


def run_txfull(qemu, tmp_path, *launcher):
    con = boot(qemu, tmp_path, [
        partition("a", "lnxabi", 1, bootargs="test=txfull", channels=[("peer", "b", "peer")]),
        partition("b", "lnxabi", 2, bootargs="test=drain", channels=[("peer", "a", "peer")])],
        launcher=launcher)
    wait_line(con, r"\[b\] lnxabi: press Enter to drain")
    wait_line(con, r"\[a\] lnxabi: tx full, waiting")
    con.child.send("console b\r")
    con.expect_exact("console: attached to b")
    con.child.send("\r")
    wait_line(con, r"partition a: exited with code \d+")
    con.child.send("\x1d")
    con.expect_exact("bulkhead> ")
    return con


def test_tx_interrupt_when_the_peer_frees_space(qemu, tmp_path):
    con = run_txfull(qemu, tmp_path)
    lines = lines_of(con, "a")
    for check in ("the peer's ring fills (1024 bytes)",
                  "no tx interrupt while the peer's ring is full",
                  "the tx interrupt comes when the peer frees space"):
        assert f"PASS: {check}" in lines, (check, lines)
    assert "lnxabi: drained 64 bytes" in lines_of(con, "b")


def test_mutation_bc_tx_always_interrupts_while_full(qemu, tmp_path, hv_test_elf):
    con = run_txfull(qemu, tmp_path, "--elf", str(hv_test_elf),
                     "--append", "bulkhead.mutate=bc-tx-always")
    lines = lines_of(con, "a")
    assert [l for l in lines if l.startswith("FAIL: no tx interrupt while the peer's ring is "
                                             "full")], lines


# ---- a partition stopping or restarting itself ---------------------------------------------

def test_partition_stops_itself_with_handle_minus_one(qemu, tmp_path):
    con = boot(qemu, tmp_path, [partition("s", "lnxabi", 1, bootargs="test=stop"),
                                partition("n", "hello", 2, bootargs="count=0 interval=100")])
    m = wait_line(con, r"(partition s: stopped \(stopped itself\)|\[s\] lnxabi: "
                  r"PARTITION_STOP on handle -1 returned \d+)")
    assert m.group(1) == "partition s: stopped (stopped itself)", m.group(1)
    assert re.search(r"(?m)^1\s+s\s+stopped\s", con.command("list"))
    wait_line(con, r"\[n\] tick 2")                               # the neighbour goes on


def test_mutation_self_handle_leaves_the_partition_spinning(qemu, tmp_path, hv_test_elf):
    con = boot(qemu, tmp_path, [partition("s", "lnxabi", 1, bootargs="test=stop")],
               launcher=("--elf", str(hv_test_elf), "--append", "bulkhead.mutate=self-handle"))
    m = wait_line(con, r"(partition s: stopped \(stopped itself\)|\[s\] lnxabi: "
                  r"PARTITION_STOP on handle -1 returned \d+)")
    assert m.group(1) == "[s] lnxabi: PARTITION_STOP on handle -1 returned 8", m.group(1)


def test_partition_restarts_itself_with_handle_minus_one(qemu, tmp_path):
    con = boot(qemu, tmp_path, [partition("r", "lnxabi", 1, bootargs="test=restart")])
    first = wait_line(con, r"(partition r: stopped \(restart\)|\[r\] lnxabi: "
                      r"PARTITION_RESTART on handle -1 returned \d+)")
    assert first.group(1) == "partition r: stopped (restart)", first.group(1)
    # the image is loaded again and boots again (and restarts itself again)
    while len(re.findall(r"(?m)^\[r\] lnxabi: PARTITION_RESTART myself", con.output)) < 2:
        con.expect(r"\[r\] lnxabi: PARTITION_RESTART myself")
    assert len(re.findall(r"(?m)^partition r: started on cpu 1", con.output)) >= 2
    con.command("stop r")
