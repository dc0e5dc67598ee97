#!/bin/sh
# Install the Debian packages Bulkhead needs; do nothing when all are present.
# Usage: scripts/deps.sh        (run as root, or with sudo available)
set -eu
# bc, bison, flex: the Linux kernel build (scripts/build-linux.sh); libc6-dev-powerpc-cross:
# the static glibc of its initramfs (scripts/build-initramfs.sh). gdb-multiarch: debugging the
# hypervisor and partitions through QEMU's gdb stub (run-qemu.sh -- -s). grub-pc-bin,
# grub-common, xorriso, mtools: the x86 GRUB boot path (run-qemu.sh --arch x86 --grub).
PKGS="gcc-powerpc-linux-gnu gdb-multiarch binutils-powerpc-linux-gnu qemu-system-ppc qemu-system-x86 \
u-boot-qemu u-boot-tools device-tree-compiler libfdt-dev linux-source-6.1 newlib-source \
python3-pytest python3-pexpect clang clang-format libclang-rt-14-dev make gcc xz-utils \
bc bison flex libc6-dev-powerpc-cross grub-pc-bin grub-common xorriso mtools"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt (unattended-upgrades, a second terminal) instead of failing at once.
LOCK="-o DPkg::Lock::Timeout=900"
$SUDO apt-get $LOCK update -qq
$SUDO apt-get $LOCK install -y -qq --no-install-recommends $missing >/dev/null
