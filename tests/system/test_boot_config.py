"""Boot-time config checks: each way the config blob can be missing or broken prints its own
error line, then "config: refused; no partition started", and the console stays usable.

Corrupt blobs are made at test time from the compiled demo config (struct edits of the FDT
header), never committed."""
import re
import struct
import subprocess

import pytest

from qemu_console import ROOT

DEMO_DTS = ROOT / "dts" / "qemu-ppce500" / "demo.dts"
CONFIG_ADDR = 0x06000000
REFUSED = "config: refused; no partition started"

# FDT header (big endian): magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap,
# version, last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct.
HDR = struct.Struct(">10I")


@pytest.fixture(scope="module")
def good_dtb(tmp_path_factory):
    out = tmp_path_factory.mktemp("cfg") / "good.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out), str(DEMO_DTS)],
                   check=True, timeout=30)
    return out.read_bytes()


def with_header(blob, **fields):
    names = ["magic", "totalsize", "off_dt_struct", "off_dt_strings", "off_mem_rsvmap",
             "version", "last_comp_version", "boot_cpuid_phys", "size_dt_strings",
             "size_dt_struct"]
    hdr = dict(zip(names, HDR.unpack_from(blob)))
    hdr.update(fields)
    return HDR.pack(*(hdr[n] for n in names)) + blob[HDR.size:]


def boot_refused(qemu, *args):
    con = qemu("--direct", *args)
    out = con.wait_ready()
    assert REFUSED in out
    assert not re.search(r"(?m)^config   \d+ bytes", out), "a refused config was listed"
    assert not re.search(r"(?m)^partition ", out), "a partition was started"
    # The console is alive: the shell answers.
    assert re.search(r"(?m)^Bulkhead \S+ \(powerpc\)$", con.command("version"))
    return out


def error_lines(out):
    """The config error lines printed before the refusal (without the "N errors" summary,
    whose count is checked here)."""
    lines = out.split("\n")
    i = lines.index(REFUSED)
    errs = [l for l in lines[:i] if l.startswith("config: ")]
    summary = [l for l in errs if re.fullmatch(r"config: \d+ errors?", l)]
    errs = [l for l in errs if l not in summary]
    assert errs, "no config error line before the refusal"
    if summary:
        assert summary == [f"config: {len(errs)} error{'s' if len(errs) > 1 else ''}"], summary
    return errs


def assert_error(out, pattern):
    """Exactly one error line, matching pattern (a regex, whole line)."""
    errs = error_lines(out)
    assert len(errs) == 1, errs
    assert re.fullmatch(pattern, errs[0]), errs[0]
    return errs[0]


# --- where the blob is -----------------------------------------------------------------------
def test_missing_config_addr(qemu):
    out = boot_refused(qemu, "--no-config")
    assert_error(out, re.escape("config: no config-addr=<address> in /chosen/bootargs"))


def test_missing_config_addr_uboot(qemu):
    con = qemu("--uboot", "--no-config")
    out = con.wait_ready()
    assert_error(out, re.escape("config: no config-addr=<address> in /chosen/bootargs"))
    assert re.search(r"(?m)^Bulkhead \S+ \(powerpc\)$", con.command("version"))


def test_config_addr_not_a_number(qemu):
    out = boot_refused(qemu, "--no-config", "--append", "config-addr=0x6zz")
    assert_error(out, re.escape("config: config-addr=0x6zz is not a number"))


@pytest.mark.parametrize("addr", ["0x20000000", "0x7ffff000", "0x100000000"])
def test_config_addr_outside_ram(qemu, addr):
    # 512 MiB of RAM: 0x20000000 is the first address past it.
    out = boot_refused(qemu, "--mem", "512", "--no-config", "--append", f"config-addr={addr}")
    assert_error(out, re.escape(f"config: config-addr={addr} is not in RAM"))


# --- what the blob is ------------------------------------------------------------------------
def test_bad_magic(qemu, good_dtb, tmp_path):
    f = tmp_path / "bad-magic.dtb"
    f.write_bytes(with_header(good_dtb, magic=0xdeadbeef))
    out = boot_refused(qemu, "--config", f)
    assert_error(out, re.escape("config: /: bad magic 0xdeadbeef (expected 0xd00dfeed): "
                                "not a flattened device tree"))


@pytest.mark.parametrize("version,last_comp", [(1, 1), (32, 32)])
def test_wrong_version(qemu, good_dtb, tmp_path, version, last_comp):
    f = tmp_path / "bad-version.dtb"
    f.write_bytes(with_header(good_dtb, version=version, last_comp_version=last_comp))
    out = boot_refused(qemu, "--config", f)
    assert_error(out, re.escape(f"config: /: unsupported FDT version {version} (last "
                                f"compatible {last_comp}); Bulkhead reads versions 16 and 17"))


def test_truncated_blob(qemu, good_dtb, tmp_path):
    # The file stops half-way through the structure block; the header still claims it all
    # (the RAM after it is zero, so the structure block ends in invalid tokens).
    f = tmp_path / "cut.dtb"
    f.write_bytes(good_dtb[:len(good_dtb) // 2])
    out = boot_refused(qemu, "--config", f)
    assert_error(out, re.escape("config: /: malformed device tree "
                                "(libfdt: FDT_ERR_BADSTRUCTURE)"))


def test_totalsize_smaller_than_its_blocks(qemu, good_dtb, tmp_path):
    # The header's own size cuts the structure and strings blocks short.
    half = len(good_dtb) // 2
    hdr = HDR.unpack_from(good_dtb)
    off_struct, size_struct = hdr[2], hdr[9]
    assert off_struct + size_struct > half
    f = tmp_path / "short.dtb"
    f.write_bytes(with_header(good_dtb, totalsize=half)[:half])
    out = boot_refused(qemu, "--config", f)
    assert_error(out, re.escape(f"config: /: structure block (offset {off_struct}, "
                                f"{size_struct} bytes) extends past totalsize {half}"))


def larger_pattern(size, room):
    return (rf"config: /: truncated: header totalsize is {size} bytes but only {room} "
            r"are available")


@pytest.mark.parametrize("addr,size,room", [
    (CONFIG_ADDR, 2 << 20, 1 << 20),     # beyond the hypervisor's 1 MiB limit for a config
    (0x1ffff000, 8192, 4096),            # runs past the end of RAM (512 MiB)
])
def test_totalsize_larger_than_space(qemu, good_dtb, tmp_path, addr, size, room):
    f = tmp_path / "big.dtb"
    f.write_bytes(with_header(good_dtb, totalsize=size))
    out = boot_refused(qemu, "--mem", "512", "--config", f, "--config-addr", hex(addr))
    assert_error(out, larger_pattern(size, room))


def test_good_config_is_accepted(qemu, good_dtb, tmp_path):
    """The control case: the same blob, unmodified, is listed and not refused."""
    f = tmp_path / "good.dtb"
    f.write_bytes(good_dtb)
    con = qemu("--direct", "--config", f)
    out = con.wait_ready()
    assert REFUSED not in out
    assert not re.search(r"(?m)^config: ", out)
    assert re.search(rf"(?m)^config   {len(good_dtb)} bytes  2 partitions: p0 p1$", out)
