# Linux partition kernel and initramfs (docs/linux.md). Both are built once into a cache
# outside the clone (scripts/build-linux.sh, scripts/build-initramfs.sh; a first kernel build
# takes many minutes) and linked here as
#   build/powerpc/linux/kernel/{uImage,vmlinux,src/}     the cache entry of the kernel
#   build/powerpc/linux/initramfs/initramfs.cpio.gz      the cache entry of the initramfs
# `make check` builds (or finds) them first: tests/system/test_linux.py boots them; a first
# build on a new machine takes about 3 minutes on 2 idle cores (docs/linux.md).
LINUX_OUT := $(BA)/linux

.PHONY: linux
linux: $(DEPS_STAMP)
	@mkdir -p $(LINUX_OUT)
	@k=$$(scripts/build-linux.sh) && ln -sfn "$$k" $(LINUX_OUT)/kernel
	@i=$$(scripts/build-initramfs.sh) && ln -sfn "$$i" $(LINUX_OUT)/initramfs
	@echo "linux: $(LINUX_OUT)/kernel/uImage $(LINUX_OUT)/initramfs/initramfs.cpio.gz"

CHECK_DEPS += linux
