#!/usr/bin/env python3
"""Make malformed config blobs from a good .dtb, each paired with the error bhctl must report.

Usage: mkblobs.py GOOD.dtb OUTDIR   -> writes OUTDIR/NAME.dtb, prints NAME<TAB>expected message.
Used by tests/test_config.py at test time, so no broken binaries are committed."""
import struct
import sys

# Header fields (big-endian u32): magic totalsize off_dt_struct off_dt_strings off_mem_rsvmap
# version last_comp_version boot_cpuid_phys size_dt_strings size_dt_struct
FIELDS = ['magic', 'totalsize', 'off_dt_struct', 'off_dt_strings', 'off_mem_rsvmap',
          'version', 'last_comp_version', 'boot_cpuid_phys', 'size_dt_strings', 'size_dt_struct']


def header(blob):
    return dict(zip(FIELDS, struct.unpack('>10I', blob[:40])))


def patch(blob, **fields):
    h = header(blob)
    h.update(fields)
    return struct.pack('>10I', *(h[f] for f in FIELDS)) + blob[40:]


def cases(good):
    h = header(good)
    total = h['totalsize']
    half = good[:total // 2]
    # The first property of the root: BEGIN_NODE, empty name (4 bytes), PROP, len, nameoff.
    prop = h['off_dt_struct'] + 8
    assert struct.unpack('>I', good[prop:prop + 4])[0] == 3, 'root has no first property'
    bad_name = bytearray(good)
    struct.pack_into('>I', bad_name, prop + 8, h['size_dt_strings'] + 100)
    yield ('bad-magic', patch(good, magic=0xdeadbeef),
           'bad magic 0xdeadbeef (expected 0xd00dfeed): not a flattened device tree')
    yield ('too-short', good[:20], 'truncated: 20 bytes is less than an FDT header (40 bytes)')
    yield ('truncated', half,
           'truncated: header totalsize is %d bytes but only %d are available'
           % (total, len(half)))
    yield ('wrong-version', patch(good, version=1, last_comp_version=1),
           'unsupported FDT version 1 (last compatible 1); Bulkhead reads versions 16 and 17')
    yield ('size-field-too-large', patch(good, totalsize=total + 4096),
           'truncated: header totalsize is %d bytes but only %d are available'
           % (total + 4096, total))
    yield ('size-field-too-small', patch(good, totalsize=100),
           'structure block (offset %d, %d bytes) extends past totalsize 100'
           % (h['off_dt_struct'], h['size_dt_struct']))
    yield ('struct-block-out-of-range', patch(good, size_dt_struct=total),
           'structure block (offset %d, %d bytes) extends past totalsize %d'
           % (h['off_dt_struct'], total, total))
    yield ('strings-block-out-of-range', patch(good, off_dt_strings=total - 8),
           'strings block (offset %d, %d bytes) extends past totalsize %d'
           % (total - 8, h['size_dt_strings'], total))
    beyond = (total + 15) // 8 * 8
    yield ('rsvmap-out-of-range', patch(good, off_mem_rsvmap=beyond),
           'memory reservation block offset %d is outside the blob (totalsize %d)'
           % (beyond, total))
    # Found by the fuzzer: libfdt reads the structure block with 4-byte loads.
    yield ('struct-block-misaligned', patch(good, off_dt_struct=h['off_dt_struct'] + 1),
           'misaligned: the structure block offset is not 4-byte aligned')
    yield ('rsvmap-misaligned', patch(good, off_mem_rsvmap=h['off_mem_rsvmap'] + 4),
           'misaligned: the memory reservation block offset is not 8-byte aligned')
    yield ('property-name-out-of-range', bytes(bad_name),
           'malformed device tree (libfdt: FDT_ERR_BADOFFSET)')


def main():
    good = open(sys.argv[1], 'rb').read()
    for name, blob, msg in cases(good):
        with open('%s/%s.dtb' % (sys.argv[2], name), 'wb') as f:
            f.write(blob)
        print('%s\t%s' % (name, msg))


if __name__ == '__main__':
    main()
