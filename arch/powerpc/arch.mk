# PowerPC e500mc (32-bit, Book E) build settings and image rules.
CROSS          := powerpc-linux-gnu-
TGT_CC         := $(CROSS)gcc
NEWLIB_TRIPLE  := powerpc-eabi
# Recursive ('='): expanded in each compile recipe, after deps has installed the cross compiler
# (a ':=' would run the compiler when the Makefile is parsed, before it exists on a new machine).
TGT_GCC_INC     = $(shell $(TGT_CC) -print-file-name=include)
TGT_CPU_FLAGS  := -mcpu=e500mc -m32 -mbig-endian -msoft-float -mlong-double-64 -fno-pic -mno-sdata
TGT_CFLAGS_LIBC := -O2 -g $(TGT_CPU_FLAGS) -ffunction-sections -fdata-sections
TGT_CFLAGS      = -O2 -g $(TGT_CPU_FLAGS) -ffreestanding -nostdinc \
		  -isystem $(NEWLIB_INC) -isystem $(TGT_GCC_INC) \
		  -fno-stack-protector -fno-asynchronous-unwind-tables -ffunction-sections \
		  -Wa,-mregnames
# One folder a subsystem (docs/architecture.md); arch/powerpc/test/ is the test image's only.
ARCH_DIRS := cpu vcpu emulate mmu irq pci iommu gdb
ARCH_SRCS := arch/powerpc/platform.c \
	     $(wildcard $(foreach d,$(ARCH_DIRS),arch/powerpc/$(d)/*.S arch/powerpc/$(d)/*.c))
# Image load address (U-Boot uImage and -kernel ELF), see arch/powerpc/include/arch/layout.h.
HV_LOAD_ADDR := 0x01000000

# uImage for U-Boot's bootm: type kernel, OS linux, so bootm passes r3 = DTB, r6 = ePAPR magic.
$(BA)/bulkhead.bin: $(BA)/bulkhead.elf
	$(CROSS)objcopy -O binary $< $@
$(BA)/bulkhead.uimg: $(BA)/bulkhead.bin
	mkimage -A powerpc -O linux -T kernel -C none -a $(HV_LOAD_ADDR) -e $(HV_LOAD_ADDR) \
		-n bulkhead -d $< $@ > /dev/null
ALL_TARGETS += $(BA)/bulkhead.uimg
$(BA)/bulkhead-test.bin: $(BA)/bulkhead-test.elf
	$(CROSS)objcopy -O binary $< $@
$(BA)/bulkhead-test.uimg: $(BA)/bulkhead-test.bin
	mkimage -A powerpc -O linux -T kernel -C none -a $(HV_LOAD_ADDR) -e $(HV_LOAD_ADDR) \
		-n bulkhead-test -d $< $@ > /dev/null
CHECK_DEPS += $(BA)/bulkhead-test.uimg

# How "make run" boots (tools/run-qemu.sh) and the fragments of mk/ this architecture builds
# (test guests, Linux guest, soak targets, QEMU glue).
RUN_BOOT := --uboot
ARCH_MK_PARTS := $(wildcard mk/*.part.mk)
# Test guests of x86 hardware (the local APIC, SSE, HLT, VMMCALL) are not built here.
GUEST_OTHER_ARCH := lapic fpu irq nullcall
