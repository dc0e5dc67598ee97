#!/bin/sh
# Partition overheads P1 (CPU-bound ratio) and P2 (hypervisor instructions per hypercall and
# per emulated instruction) in emulated time; see bench/partitions.py.
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/partitions.py
