"""Scrub seen from the guest (issue 11, docs/dma.md "Scrub"): partitions/scrub fills every
word of its private memory it does not run from with an address-dependent pattern, and a page
of a shared memory area too; the operator restarts it; the next run scans all of its private
memory (its reloaded image included) and the shared page. A start scrubs private memory, so no
pattern word is left there; the shared area keeps its contents. Negative control: the test
image with bulkhead.mutate=scrub (the start skips the scrub) must leave the pattern in place."""
import re

import pytest

from partcfg import config, partition

SHARED_HOST, SHARED_GUEST, SHARED_SIZE = 0x1B000000, 0x02000000, 0x10000
SHARED_PMA = f"""
	scrub_shared: scrub-shared {{
		compatible = "phys-mem-area";
		addr = <0x0 0x{SHARED_HOST:x}>;
		size = <0x0 0x{SHARED_SIZE:x}>;
		bulkhead,shared;
	}};
"""
SHARED_GPMA = f"""
		shared-gpma {{
			compatible = "guest-phys-mem-area";
			phys-mem = <&scrub_shared>;
			guest-addr = <0x0 0x{SHARED_GUEST:x}>;
		}};"""
PRIVATE = 16 << 20


def guest_line(con, regex):
    m = re.search(r"(?m)^\[s\] " + regex + r"\r*\n", con.output)
    return m or con.expect_line(r"\[s\] " + regex)


def scrub_runs(qemu, tmp_path, *launcher):
    """Both runs; returns (pattern bytes left in private memory, shared bytes kept)."""
    dts, extra = config([partition("s", "scrub", 1, bootargs=f"shared=0x{SHARED_GUEST:x}")])
    # the shared area after the private one: the first memory range is the initial mapping
    private = "guest-addr = <0x0 0x0>;\n\t\t};"
    assert dts.count(private) == 1
    dts = dts.replace(private, private + SHARED_GPMA)
    end = dts.rindex("};")
    cfg = tmp_path / "scrub.dts"
    cfg.write_text(dts[:end] + SHARED_PMA + dts[end:])
    con = qemu("--direct", *launcher, "--config", cfg, "--", *extra, timeout=60)
    con.wait_ready()
    m = guest_line(con, r"first run: pattern in (\d+) bytes of private memory \(of (\d+)\)")
    filled, size = int(m.group(1)), int(m.group(2))
    assert size == PRIVATE
    assert filled > PRIVATE - (1 << 20), filled      # all but its image, stack, heap, tree
    guest_line(con, r"first run: restart me")
    con.command("restart s")
    m = guest_line(con, r"next run: scanned (\d+) bytes of private memory: (\d+) bytes of the "
                   r"pattern remain")
    assert int(m.group(1)) == PRIVATE
    kept = guest_line(con, r"next run: shared area kept (\d+) of 4092 pattern bytes")
    return int(m.group(2)), int(kept.group(1))


def test_restart_leaves_no_byte_of_the_pattern(qemu, tmp_path):
    left, kept = scrub_runs(qemu, tmp_path)
    assert left == 0
    assert kept == 4092         # the shared area is not scrubbed


def test_negative_control_scrub_mutation_leaves_the_pattern(qemu, tmp_path, hv_test_elf):
    left, kept = scrub_runs(qemu, tmp_path, "--elf", str(hv_test_elf),
                            "--append", "bulkhead.mutate=scrub")
    assert left > PRIVATE - (2 << 20), left     # only what the reload and the tree overwrote
    assert kept == 4092
