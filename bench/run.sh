#!/bin/sh
# make bench: figures for docs/benchmarks.md. Not a test: nothing here passes or fails on a
# number. Prints
#   - the hypervisor image's text/data/bss (powerpc-linux-gnu-size),
#   - the emulated time from reset to the banner for both boot paths (bench/boot_time.py),
#   - then runs every other bench/*.sh in name order (add your own bench there; each prints
#     its own lines and gets the tree already built by "make bench").
# Usage: bench/run.sh [ONLY...]   ONLY: names of bench/*.sh to run (default: all of them)
set -eu
cd "$(dirname "$0")/.."
ELF=build/powerpc/bulkhead.elf
PY=/usr/bin/python3
[ -f $ELF ] || { echo "bench: $ELF missing: run make first" >&2; exit 1; }

echo "== Bulkhead bench ($(git describe --always --dirty 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d))"
powerpc-linux-gnu-size $ELF | awk 'NR == 2 { printf "image-size: bulkhead.elf text %d  data %d  bss %d  (total %d bytes)\n", $1, $2, $3, $4 }'
printf 'image-size: bulkhead.uimg %d bytes\n' "$(stat -c %s build/powerpc/bulkhead.uimg)"
$PY bench/boot_time.py

status=0
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	if [ $# -gt 0 ]; then
		case " $* " in *" $(basename "$b" .sh) "*|*" $(basename "$b") "*) ;; *) continue ;; esac
	fi
	echo "== $b"
	sh "$b" || { echo "bench: $b failed" >&2; status=1; }
done
exit $status
