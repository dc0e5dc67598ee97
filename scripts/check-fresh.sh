#!/usr/bin/env bash
# check-fresh.sh [COMMAND...] - run a command as a brand-new user would: in a new Debian 12 root
# (mmdebstrap, 'apt' variant plus make, git and ca-certificates: nothing else) holding a fresh
# clone of this repository's committed HEAD, as root. Default command: the README's two
# commands, "make check" and then "make run" up to the hypervisor's prompt.
# Needs root (chroot and mounts) and Debian's archive. "make check-fresh" runs it; it is not part
# of "make check". Takes about 25 s for the root plus the command's own time (docs/boot.md).
# Uncommitted changes are not in the clone: commit first.
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
# make run never ends by itself (QEMU waits for the user): wait for its prompt, then stop it
# (timeout forwards the TERM to QEMU, its process group). It fails when no prompt comes in 120 s.
default='make check && { timeout 120 make run </dev/null > run.log 2>&1 & t=$!;
	for i in $(seq 240); do grep -q "^hypervisor ready" run.log && break; sleep 0.5; done;
	kill $t; wait $t; tail -n 25 run.log; grep -q "^hypervisor ready" run.log; }'
cmd=${*:-$default}
[ "$(id -u)" -eq 0 ] || { echo "check-fresh: needs root (chroot, mounts)" >&2; exit 2; }
root=$(mktemp -d /tmp/bulkhead-fresh.XXXXXX)
cleanup() {
	for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
if ! command -v mmdebstrap >/dev/null; then
	apt-get update -qq && apt-get install -y -qq mmdebstrap >/dev/null
fi
# Debian's archive as this machine's apt knows it (deb822 or one-line format).
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "check-fresh: no Debian archive found in apt's sources" >&2; exit 2; }

start=$(date +%s)
echo "check-fresh: new Debian 12 root in $root"
mmdebstrap --quiet --variant=apt --include=make,git,ca-certificates bookworm "$root" "$mirror"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
git clone -q "$repo" "$root/root/bulkhead"
echo "check-fresh: root ready in $(($(date +%s) - start)) s; running '$cmd' in a clone of" \
	"$(git -C "$repo" rev-parse --short HEAD)"
set +e
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
	bash -o pipefail -c "cd /root/bulkhead && $cmd"
rc=$?
echo "check-fresh: exit $rc after $(($(date +%s) - start)) s"
exit $rc
