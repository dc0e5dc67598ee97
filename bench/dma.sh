#!/bin/sh
# Bench P3 (docs/dma.md), the part that exists today: a partition reset with an assigned DMA
# device (the self-test's edu) - quiesce, scrub, postreset - against a bare memset of the same
# memory, emulated time under -icount. The guest's image reload and first instruction are not
# in it yet (they need PCI device assignment to restart a partition that owns the edu).
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tools/run-qemu.sh --direct --icount --append bulkhead.selftest=dma \
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
	printf "p3: (quiesce + scrub + postreset) / memset = %.3f  (goal <= 1.3; image reload not included)\n", (q + s + p) / m
}'
