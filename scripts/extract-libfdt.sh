#!/bin/sh
# Extract libfdt's sources from Debian's linux-source-6.1 tarball (scripts/dtc/libfdt).
# Usage: scripts/extract-libfdt.sh OUT_DIR     (~10 s; the Makefile caches it)
set -eu
out=$1
tarball=/usr/src/linux-source-6.1.tar.xz
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
tar -xJf "$tarball" -C "$out.tmp" --wildcards 'linux-source-6.1/scripts/dtc/libfdt/*'
mv "$out.tmp/linux-source-6.1/scripts/dtc/libfdt" "$out"
rm -rf "$out.tmp"
