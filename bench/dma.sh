#!/bin/sh
# Bench P3 (docs/dma.md): first the self-test's partition reset with the edu's DMA in flight -
# quiesce, scrub, postreset - against a bare memset of the same memory; then (bench/restart.py)
# whole restarts of a partition that owns the edu by PCI assignment, stop request to first
# guest instruction, against the same memset. Emulated time under -icount.
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# the self-test is in the test image only (arch/powerpc/test/)
tools/run-qemu.sh --direct --icount --elf build/powerpc/bulkhead-test.elf \
	--append bulkhead.selftest=dma \
	-- -device edu,dma_mask=0xffffffff </dev/null >"$log" 2>&1 &
pid=$!
i=0
while ! grep -q '^dma-selftest: p3 ' "$log" && [ $i -lt 240 ]; do	# 120 s at most
	sleep 0.5
	i=$((i + 1))
done
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
out=$(grep -m1 '^dma-selftest: p3 ' "$log" || true)
[ -n "$out" ] || { echo "dma: no p3 line from the self-test" >&2; exit 1; }
echo "$out" | awk '{
	q = $4; s = $6; p = $8; m = $10; kib = $12
	printf "p3: quiesce %d + scrub %d + postreset %d ticks vs memset %d ticks of %d KiB\n", q, s, p, m, kib
	printf "p3: (quiesce + scrub + postreset) / memset = %.3f  (the DMA part alone)\n", (q + s + p) / m
}'
/usr/bin/python3 bench/restart.py
# the same on x86 when its hypervisor is built (make ARCH=x86)
if [ -f build/x86/bulkhead.elf32 ] && [ -f build/x86/partitions/dma.elf ]; then
	/usr/bin/python3 bench/restart.py x86
fi
