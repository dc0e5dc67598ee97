#!/bin/sh
# format.sh [--check] [FILE...] - the project's C style (.clang-format) applied to its C sources
# in place (`make format`), or with --check: every file whose layout differs is named and the
# exit status is 1 (`make check` runs the check through tests/test_format.py).
# Default files: every .c and .h under hv, arch, include, lib, partitions, tools, tests/unit and
# tests/fuzz. CLANG_FORMAT names the binary (default clang-format, Debian's clang-format 14).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cf=${CLANG_FORMAT:-clang-format}
mode=fix
if [ "${1:-}" = --check ]; then
	mode=check
	shift
fi
if [ $# -eq 0 ]; then
	cd "$root"
	set -- $(find hv arch include lib partitions tools tests/unit tests/fuzz -name '*.[ch]' | sort)
fi
bad=0
for f; do
	if [ $mode = fix ]; then
		"$cf" --style="file:$root/.clang-format" -i "$f"
	elif ! "$cf" --style="file:$root/.clang-format" --dry-run --Werror "$f" 2>/dev/null; then
		echo "format: $f: layout differs from .clang-format (make format fixes it)"
		bad=1
	fi
done
exit $bad
