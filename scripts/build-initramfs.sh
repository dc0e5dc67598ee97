#!/bin/sh
# Build the initramfs of the Linux test partition (docs/linux.md), once, into a cache outside
# the clone; later runs only print where it is.
#
# Usage: scripts/build-initramfs.sh        prints the cache entry's directory on stdout
#
# Contents (all static, hard-float, built with powerpc-linux-gnu-gcc and Debian's cross glibc
# from libc6-dev-powerpc-cross):
#   /init                 partitions/linux/init.c (console line reader, docs/linux.md)
#   /bin/NAME             partitions/linux/progs/NAME.c, one program per file (if any)
#   /modules/NAME.ko      partitions/linux/modules/NAME/ (Kbuild), built against the test
#                         kernel (scripts/build-linux.sh, which runs first if needed)
#   /dev/console, /dev, /proc, /sys; root/ in the entry holds the unpacked files.
# The archive is written here (newc, owner root, time 0, gzip) so it needs neither root nor
# the cpio tool and is byte-for-byte reproducible.
# Cache:   $BULKHEAD_CACHE/initramfs/<key>/initramfs.cpio.gz (scripts/cache.sh); the key
#          hashes the sources, this script, the compiler version and the cross glibc version.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
SELF="$TOP/scripts/build-initramfs.sh"
LDIR="$TOP/partitions/linux"
CROSS=${CROSS_COMPILE:-powerpc-linux-gnu-}
CFLAGS="-static -O2 -mcpu=e500mc -mhard-float -Wall -Wextra -Werror -s"
LIBC_PKG=libc6-dev-powerpc-cross

die() { echo "build-initramfs: $*" >&2; exit 1; }
say() { echo "build-initramfs: $*" >&2; }

# shellcheck source=scripts/cache.sh
. "$TOP/scripts/cache.sh"

command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc not found (scripts/deps.sh)"
LIBC_VER=$(dpkg-query -W -f='${Version}' "$LIBC_PKG" 2>/dev/null) ||
	die "$LIBC_PKG is not installed (scripts/deps.sh)"
PROGS=$(ls "$LDIR"/progs/*.c 2>/dev/null || true)
MODS=$(ls -d "$LDIR"/modules/*/ 2>/dev/null || true)
KERNEL=""
if [ -n "$MODS" ]; then
	KERNEL=$("$TOP/scripts/build-linux.sh") || die "no kernel to build the modules against"
fi
# The script's own comments are left out of the key: editing them needs no rebuild.
# shellcheck disable=SC2086
HASH=$( { grep -v '^[[:space:]]*#' "$SELF"; cat "$LDIR/init.c" $PROGS;
	"${CROSS}gcc" --version | head -n 1; echo "$LIBC_VER $PROGS $MODS";
	[ -z "$MODS" ] || { cat "$KERNEL/key" | head -n 1; find $MODS -type f | sort | xargs cat;
	cat "$TOP"/include/bulkhead/*.h; }; } | sha256sum | cut -c1-12)
KEY=$HASH
cache_init initramfs "$KEY" initramfs.cpio.gz
cache_begin

mkdir -p "$TMP/root/bin"
# shellcheck disable=SC2086
"${CROSS}gcc" $CFLAGS -o "$TMP/root/init" "$LDIR/init.c" -lm
for src in $PROGS; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2086
	"${CROSS}gcc" $CFLAGS -o "$TMP/root/bin/$name" "$src" -lm
done

mkdir -p "$TMP/root/modules"
for dir in $MODS; do
	name=$(basename "$dir")
	cp -r "$dir" "$TMP/mod-$name"
	make -C "$KERNEL/src" ARCH=powerpc CROSS_COMPILE="$CROSS" M="$TMP/mod-$name" \
		BULKHEAD_INCLUDE="$TOP/include" modules >"$TMP/mod-$name.log" 2>&1 ||
		{ tail -n 30 "$TMP/mod-$name.log" >&2; die "module $name failed to build"; }
	cp "$TMP/mod-$name/$name.ko" "$TMP/root/modules/"
	rm -rf "$TMP/mod-$name" "$TMP/mod-$name.log"
done

# newc archive: 110-byte ASCII header, NUL-terminated name and data each padded to 4 bytes.
python3 - "$TMP/root" "$TMP/initramfs.cpio.gz" <<'EOF'
import gzip, os, stat, sys

root, out = sys.argv[1], sys.argv[2]
entries = [("dev", stat.S_IFDIR | 0o755, 0, b""),
           ("dev/console", stat.S_IFCHR | 0o600, (5, 1), b""),
           ("proc", stat.S_IFDIR | 0o755, 0, b""),
           ("sys", stat.S_IFDIR | 0o755, 0, b""),
           ("bin", stat.S_IFDIR | 0o755, 0, b""),
           ("modules", stat.S_IFDIR | 0o755, 0, b"")]
for name in ["init"] + sorted("bin/" + n for n in os.listdir(os.path.join(root, "bin"))) + \
        sorted("modules/" + n for n in os.listdir(os.path.join(root, "modules"))):
    with open(os.path.join(root, name), "rb") as f:
        entries.append((name, stat.S_IFREG | 0o755, 0, f.read()))

def pad(n):
    return b"\0" * (-n % 4)

blob = bytearray()
for ino, (name, mode, rdev, data) in enumerate(entries + [("TRAILER!!!", 0, 0, b"")], 1):
    major, minor = rdev if rdev else (0, 0)
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, major, minor, len(name) + 1, 0]
    hdr = b"070701" + b"".join(b"%08X" % v for v in fields)
    blob += hdr + name.encode() + b"\0"
    blob += pad(len(hdr) + len(name) + 1)
    blob += data + pad(len(data))
with open(out, "wb") as f:
    f.write(gzip.compress(bytes(blob), mtime=0))
EOF

echo "$KEY" >"$TMP/key"
cache_commit
