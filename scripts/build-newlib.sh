#!/bin/sh
# Build newlib (libc.a, libm.a and headers) for one target from Debian's newlib-source.
# Usage: scripts/build-newlib.sh CROSS_PREFIX TRIPLE TARGET_CFLAGS OUT_DIR
#   TRIPLE: newlib's target (powerpc-eabi, x86_64-elf); CROSS_PREFIX: the binutils/gcc prefix
#   that builds for it (powerpc-linux-gnu-, x86_64-linux-gnu-).
# Result: OUT_DIR/TRIPLE/{include,lib}. Takes ~30 s (PowerPC) to ~2 min; the Makefile caches it.
set -eu
cross=$1 triple=$2 cflags=$3 out=$4
src_tar=/usr/src/newlib/newlib-3.3.0.tar.xz
work=$out.work
rm -rf "$work" "$out"
mkdir -p "$work/build"
tar -xJf "$src_tar" -C "$work"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d ! -name build | head -n 1)
# gcc 12 refuses newlib 3.3's ".sdata" section attribute on both the const and the mutable
# impure pointer (section type conflict); we build with -mno-sdata, so drop the attribute.
sed -i '/For the PowerPC eabi, force the _impure_ptr/,+4{s/^#define __ATTRIBUTE_IMPURE_PTR__ .*$/\/* dropped by bulkhead build *\//}' \
	"$src/newlib/libc/include/sys/config.h"
cd "$work/build"
"$src/configure" --target="$triple" --prefix="$out" --disable-multilib \
	--disable-newlib-supplied-syscalls --enable-newlib-nano-malloc --disable-nls \
	--enable-newlib-io-c99-formats --enable-newlib-io-long-long \
	CC_FOR_TARGET="${cross}gcc" AR_FOR_TARGET="${cross}ar" RANLIB_FOR_TARGET="${cross}ranlib" \
	AS_FOR_TARGET="${cross}as" LD_FOR_TARGET="${cross}ld" NM_FOR_TARGET="${cross}nm" \
	CFLAGS_FOR_TARGET="$cflags" > configure.log 2>&1 || { tail -20 configure.log; exit 1; }
make -j"$(nproc)" all-target-newlib > build.log 2>&1 || { grep -m5 -B2 -A3 'error' build.log; exit 1; }
make install-target-newlib > install.log 2>&1 || { tail -20 install.log; exit 1; }
cd /
rm -rf "$work"
