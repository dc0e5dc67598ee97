#!/bin/sh
# Time "bhctl config check" on a generated 64-partition config (goal: <= 20 ms per check).
# Usage: bench/config-check.sh [RUNS]   (default 200; needs build/host/bhctl: run make first)
# Prints one line per input form; the .dtb line times the validator, the .dts line adds dtc.
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-200}
N=64
OUT=build/bench/config
BHCTL=build/host/bhctl
[ -x $BHCTL ] || make -s $BHCTL
mkdir -p $OUT
python3 bench/gen-config.py $N $OUT/hw.dts $OUT/cfg.dts
dtc -q -I dts -O dtb -o $OUT/hw.dtb $OUT/hw.dts
dtc -q -I dts -O dtb -o $OUT/cfg.dtb $OUT/cfg.dts
$BHCTL config check $OUT/hw.dtb $OUT/cfg.dtb >/dev/null || {
	echo "config-check: the generated config is not valid" >&2
	$BHCTL config check $OUT/hw.dtb $OUT/cfg.dtb >&2
	exit 1
}

# Mean wall time per run of "$@" over RUNS runs, in ms with two decimals.
time_runs() {
	start=$(date +%s%N)
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$@" >/dev/null
		i=$((i + 1))
	done
	end=$(date +%s%N)
	echo "$start $end $RUNS" | awk '{ printf "%.2f", ($2 - $1) / $3 / 1e6 }'
}

dtb=$(time_runs $BHCTL config check $OUT/hw.dtb $OUT/cfg.dtb)
dts=$(time_runs $BHCTL config check $OUT/hw.dts $OUT/cfg.dts)
size=$(stat -c %s $OUT/cfg.dtb)
echo "config-check: $N partitions ($size-byte config blob), $RUNS runs: .dtb input $dtb ms/check, .dts input (with dtc) $dts ms/check"
