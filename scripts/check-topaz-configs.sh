#!/bin/sh
# Check a directory of Topaz (Freescale/NXP embedded hypervisor) config trees with
# "bhctl config check" against a board's hardware tree, one verdict per file.
#
# Usage: scripts/check-topaz-configs.sh CONFIG_DIR HW_DTS [MEMORY_SIZE]
#   CONFIG_DIR   searched for *_p4080ds.dts (set PATTERN to change), each compiled with dtc
#                from its own directory so that its /include/s resolve
#   HW_DTS       the board's hardware tree source, e.g. Linux's
#                arch/powerpc/boot/dts/fsl/p4080ds.dts (its includes beside it)
#   MEMORY_SIZE  RAM from physical 0 that U-Boot would fill into /memory (default 0x100000000,
#                4 GiB; the P4080DS ships with 4 GiB)
# Prints "ACCEPT file" or "REFUSE file" followed by the errors (indented), then totals.
# A refusal whose errors all name DPAA is marked "(DPAA only)". Not part of make check: the
# configurations are not in this repository (docs/config.md, "Topaz's published configs").
# Exit status 0 when every file was checked (whatever the verdicts), 2 on a usage error.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '5,14p' "$0" >&2; exit 2; }
CFG_DIR=$1
HW=$2
MEM=${3:-0x100000000}
PATTERN=${PATTERN:-*_p4080ds.dts}
BHCTL=build/host/bhctl
[ -x $BHCTL ] || make -s $BHCTL
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The hardware tree with the memory U-Boot fills in (two cells each: reg = <0 0 hi lo>).
hi=$(printf '0x%x' $((MEM >> 32)))
lo=$(printf '0x%x' $((MEM & 0xffffffff)))
printf '/include/ "%s"\n/ { memory { reg = <0x0 0x0 %s %s>; }; };\n' \
	"$(realpath "$HW")" "$hi" "$lo" >"$TMP/hw.dts"
dtc -q -i "$(dirname "$(realpath "$HW")")" -I dts -O dtb -o "$TMP/hw.dtb" "$TMP/hw.dts"

accepted=0
refused=0
dpaa=0
for f in $(find "$CFG_DIR" -name "$PATTERN" | sort); do
	rel=${f#"$CFG_DIR"/}
	if ! dtc -q -i "$(dirname "$f")" -I dts -O dtb -o "$TMP/cfg.dtb" "$f" 2>"$TMP/err"; then
		echo "REFUSE $rel (dtc cannot compile it)"
		sed 's/^/    /' "$TMP/err"
		refused=$((refused + 1))
		continue
	fi
	if $BHCTL config check "$TMP/hw.dtb" "$TMP/cfg.dtb" >/dev/null 2>"$TMP/err"; then
		echo "ACCEPT $rel"
		grep 'warning:' "$TMP/err" | sed "s|^$TMP/cfg.dtb: |    |" || true
		accepted=$((accepted + 1))
		continue
	fi
	grep -v 'warning:' "$TMP/err" >"$TMP/errors" || true
	tag=""
	if ! grep -qv 'DPAA' "$TMP/errors"; then
		tag=" (DPAA only)"
		dpaa=$((dpaa + 1))
	fi
	echo "REFUSE $rel$tag"
	sed "s|^$TMP/cfg.dtb: |    |" "$TMP/err"
	refused=$((refused + 1))
done
echo "total: $accepted accepted, $refused refused ($dpaa of them only for DPAA)"
