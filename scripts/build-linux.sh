#!/bin/sh
# Build the Linux kernel that runs as a Bulkhead partition (docs/linux.md), once, into a cache
# outside the clone; later runs only print where the cached kernel is.
#
# Usage: scripts/build-linux.sh            prints the cache entry's directory on stdout
#
# Source:  Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz), unmodified.
# Config:  arch/powerpc corenet32_smp_defconfig + partitions/linux/bulkhead.config, then
#          olddefconfig; every setting of the fragment is checked to hold afterwards.
# Cache:   $BULKHEAD_CACHE/linux/<key>/ (scripts/cache.sh: where, the lock, the atomic
#          rename). The key is the dpkg version of linux-source-6.1 plus a hash of the
#          fragment, this script and the cross compiler's version, so changing any of them
#          builds a new entry.
# Entry:   vmlinux, uImage, System.map, config, build.log, key, and src/ (the whole built tree,
#          for out-of-tree modules: make -C <entry>/src M=<dir>).
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
SELF="$TOP/scripts/build-linux.sh"
FRAGMENT="$TOP/partitions/linux/bulkhead.config"
SRC_PKG=linux-source-6.1
TARBALL=${LINUX_TARBALL:-/usr/src/$SRC_PKG.tar.xz}
CROSS=${CROSS_COMPILE:-powerpc-linux-gnu-}

die() { echo "build-linux: $*" >&2; exit 1; }
say() { echo "build-linux: $*" >&2; }

# shellcheck source=scripts/cache.sh
. "$TOP/scripts/cache.sh"

[ -r "$TARBALL" ] || die "$TARBALL not found (install $SRC_PKG: scripts/deps.sh)"
command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc not found (scripts/deps.sh)"
command -v mkimage >/dev/null || die "mkimage not found (u-boot-tools: scripts/deps.sh)"
SRC_VER=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
	die "$SRC_PKG is not installed as a Debian package"
# The script's own comments are left out of the key: editing them needs no rebuild.
HASH=$( { cat "$FRAGMENT"; grep -v '^[[:space:]]*#' "$SELF"; "${CROSS}gcc" --version |
	head -n 1; } | sha256sum | cut -c1-12)
KEY="$SRC_VER-$HASH"
cache_init linux "$KEY" uImage
cache_begin

START=$(date +%s)
LOG=$TMP/build.log
say "cache miss: building $SRC_PKG $SRC_VER (key $KEY) in $TMP; log $LOG"
tar -xJf "$TARBALL" -C "$TMP"
mv "$TMP/$SRC_PKG" "$TMP/src"

KMAKE="nice -n 10 make -C $TMP/src ARCH=powerpc CROSS_COMPILE=$CROSS -j$(nproc)"
{
	$KMAKE corenet32_smp_defconfig
	(cd "$TMP/src" && ARCH=powerpc scripts/kconfig/merge_config.sh -m .config "$FRAGMENT")
	$KMAKE olddefconfig
} >"$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; die "configuration failed"; }

# Every "CONFIG_X=v" and "# CONFIG_X is not set" of the fragment must survive olddefconfig:
# a misspelt symbol or a missing dependency would otherwise be dropped silently.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$TMP/src/.config" || {
			say "config: '$line' does not hold (have: $(grep "^${line%%=*}=" \
				"$TMP/src/.config" || echo unset))"
			bad=1
		}
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -q "^$sym=" "$TMP/src/.config"; then
			say "config: '$line' does not hold (have: $(grep "^$sym=" "$TMP/src/.config"))"
			bad=1
		fi
		;;
	esac
done <"$FRAGMENT"
[ "$bad" -eq 0 ] || die "$FRAGMENT: settings above are not in the final .config"

# vmlinux and (DEFAULT_UIMAGE) arch/powerpc/boot/uImage, plus the modules and Module.symvers
# that out-of-tree modules build against.
$KMAKE all >>"$LOG" 2>&1 || { tail -n 40 "$LOG" >&2; die "kernel build failed (log above)"; }

cp "$TMP/src/vmlinux" "$TMP/src/System.map" "$TMP/"
cp "$TMP/src/arch/powerpc/boot/uImage" "$TMP/uImage"
cp "$TMP/src/.config" "$TMP/config"
END=$(date +%s)
printf '%s\nbuilt %s in %s s on %s cores\n' "$KEY" "$(date -u +%FT%TZ)" \
	"$((END - START))" "$(nproc)" >"$TMP/key"

say "built in $((END - START)) s"
cache_commit
