# cache.sh - the build cache outside the clone, shared by scripts/build-linux.sh and
# scripts/build-initramfs.sh (sourced, POSIX sh; the caller defines die() and say()).
#
# $BULKHEAD_CACHE/<kind>/<key>/ is one finished entry; BULKHEAD_CACHE defaults to
# /var/cache/bulkhead (root) or ${XDG_CACHE_HOME:-$HOME/.cache}/bulkhead (others). An entry is
# built in a temporary directory beside it and renamed into place only when complete, under a
# per-key lock, so an interrupted or concurrent build never leaves a partial entry; a second
# builder of the same key waits for the lock and then finds the entry.

# cache_init KIND KEY MARKER: CACHE, ENTRY; prints the entry and exits when MARKER (a file
# every complete entry has) is there already.
cache_init() {
	if [ -z "${BULKHEAD_CACHE:-}" ]; then
		if [ "$(id -u)" -eq 0 ]; then
			BULKHEAD_CACHE=/var/cache/bulkhead
		else
			BULKHEAD_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/bulkhead
		fi
	fi
	CACHE=$BULKHEAD_CACHE/$1
	CACHE_KEY=$2
	CACHE_MARKER=$3
	ENTRY=$CACHE/$CACHE_KEY
	if [ -f "$ENTRY/$CACHE_MARKER" ]; then
		say "cached: $ENTRY"
		echo "$ENTRY"
		exit 0
	fi
}

# cache_begin: take the key's lock (fd 9, held until the script ends) and make TMP, the
# directory the entry is built in; exits (printing the entry) if another builder finished it
# while this one waited.
cache_begin() {
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock-$CACHE_KEY"
	flock 9
	if [ -f "$ENTRY/$CACHE_MARKER" ]; then
		say "cached (built meanwhile): $ENTRY"
		echo "$ENTRY"
		exit 0
	fi
	# Holding the lock, any temporary directory for this key is left from an interrupted
	# build, and an entry without its marker is not a finished one.
	rm -rf "$CACHE/.tmp-$CACHE_KEY".* "$ENTRY"
	TMP=$(mktemp -d "$CACHE/.tmp-$CACHE_KEY.XXXXXX")
	chmod 755 "$TMP"
	trap 'rm -rf "$TMP"' EXIT
	trap 'exit 1' INT TERM HUP
}

# cache_commit: rename(2) of a directory is atomic, the entry appears complete or not at all.
cache_commit() {
	mv "$TMP" "$ENTRY"
	trap - EXIT
	say "built: $ENTRY"
	echo "$ENTRY"
}
