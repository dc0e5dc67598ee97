#!/bin/sh
# check-errors.sh - the one error space (issue 14, docs/architecture.md "Errors"): fail if C
# sources under the given directories (default: hv arch) return a bare -1 as a status, use
# errno's -E* codes or include <errno.h>, or let libfdt's codes or messages past the boundary
# (-FDT_ERR_*, fdt_strerror() outside hv/core/err.c: hv_err_fdt() and hv_strerror() instead).
# Allowed: hv/core/libc_glue.c, the libc's own glue (errno, -1 as libc wants them).
# Run by tests/test_errors.py (make check), which also shows it failing on bad samples.
cd "${CHECK_ERRORS_ROOT:-$(dirname "$0")/..}" || exit 2
[ $# -gt 0 ] || set -- hv arch
bad=0

# scan RULE REGEX ALLOWED-FILES DIR...: report every line that matches, outside the allowed files.
scan() {
	rule=$1 re=$2 allow=$3
	shift 3
	hits=$(grep -rnE --include='*.c' --include='*.h' -e "$re" "$@" |
	       grep -vE "^($allow):" || true)
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits" | awk -v r="$rule" '{ print "check-errors: " r ": " $0 }'
		bad=1
	fi
}

GLUE='hv/core/libc_glue.c'
scan 'bare -1 status (use an HV_E* code from hv/err.h, or a named constant for a value)' \
	'return[[:space:]]+\(?-1\)?[[:space:]]*;' "$GLUE" "$@"
scan 'errno code (use the HV_E* codes of hv/err.h)' \
	'(^|[^A-Za-z0-9_])-E[A-Z0-9]{2,}([^A-Za-z0-9_]|$)' "$GLUE" "$@"
scan '<errno.h> (hv/err.h instead)' '#[[:space:]]*include[[:space:]]*<errno\.h>' "$GLUE" "$@"
scan 'libfdt error code past the boundary (hv_err_fdt(), -HV_EFDT_*)' \
	'-FDT_ERR_[A-Z]+' 'hv/core/err.c|hv/include/hv/err.h' "$@"
scan 'libfdt message outside hv/core/err.c (hv_strerror())' 'fdt_strerror[[:space:]]*\(' \
	'hv/core/err.c|hv/include/hv/err.h' "$@"
exit $bad
