# x86-64 build settings and image rules (docs/x86.md). The host's gcc builds for the target:
# freestanding, no red zone (exceptions in the hypervisor use the interrupted stack), linked at
# its physical address below 2 GiB (-mcmodel=small, identity-mapped by head.S).
CROSS          := x86_64-linux-gnu-
TGT_CC         := $(CROSS)gcc
NEWLIB_TRIPLE  := x86_64-elf
TGT_GCC_INC     = $(shell $(TGT_CC) -print-file-name=include)
TGT_CPU_FLAGS  := -m64 -march=x86-64 -mno-red-zone -mcmodel=small -fno-pic -fno-pie
# newlib keeps its floating-point code (SSE registers; head.S enables SSE); loops are not
# vectorised, so the integer functions the hypervisor calls use no SSE registers.
TGT_CFLAGS_LIBC := -O2 -g $(TGT_CPU_FLAGS) -fno-stack-protector -fno-tree-vectorize \
		   -ffunction-sections -fdata-sections
# The hypervisor itself uses general registers only: guest SSE state is never touched by it.
TGT_CFLAGS      = -O2 -g $(TGT_CPU_FLAGS) -mgeneral-regs-only -ffreestanding -nostdinc \
		  -isystem $(NEWLIB_INC) -isystem $(TGT_GCC_INC) \
		  -fno-stack-protector -fno-asynchronous-unwind-tables -ffunction-sections
ARCH_DIRS := boot cpu vcpu mmu irq pci iommu gdb
ARCH_SRCS := arch/x86/platform.c arch/x86/acpi.c \
	     $(wildcard $(foreach d,$(ARCH_DIRS),arch/x86/$(d)/*.S arch/x86/$(d)/*.c))
HV_LOAD_ADDR := 0x01000000
# How "make run" boots (tools/run-qemu.sh): through U-Boot, as on PowerPC (docs/x86.md).
RUN_BOOT := --uboot

# QEMU's -kernel (and GRUB's multiboot) load only ELF32 multiboot images: the 64-bit image is
# converted; its entry code is 32-bit (head.S) and every address is below 4 GiB.
$(BA)/bulkhead.elf32: $(BA)/bulkhead.elf
	$(CROSS)objcopy -O elf32-i386 $< $@
$(BA)/bulkhead-test.elf32: $(BA)/bulkhead-test.elf
	$(CROSS)objcopy -O elf32-i386 $< $@
ALL_TARGETS += $(BA)/bulkhead.elf32
CHECK_DEPS += $(BA)/bulkhead-test.elf32

# The q35 hardware descriptions, passed as the first boot module: q35.dtb when SeaBIOS
# started the board (multiboot, GRUB), q35-uboot.dtb when U-Boot did.
X86_HW_DTB := $(B)/dts/qemu-q35/q35.dtb $(B)/dts/qemu-q35/q35-uboot.dtb
$(B)/dts/qemu-q35/%.dtb: dts/qemu-q35/%.dts dts/qemu-q35/q35-board.dtsi | $(DEPS_STAMP)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<
ALL_TARGETS += $(X86_HW_DTB)

# The mk/ fragments built for x86: the board files and the shared test guests (the Linux guest
# and the soak targets are PowerPC-only so far, docs/x86.md).
ARCH_MK_PARTS := mk/qemu.part.mk mk/partitions.part.mk

# The shared test guests (mk/partitions.part.mk) that run on x86 so far: 32-bit protected
# mode, paging off, on the runtime of partitions/lib + partitions/lib/x86 with their own
# newlib and libfdt (the hypervisor's are 64-bit). No 32-bit libgcc exists here: the
# runtime has the few helpers it needs (partitions/lib/x86/libgcc.c).
GUEST_ONLY         := hello lsdev hcfuzz partman errmgr chat echo devabi attacker conspam cpubound \
		      dma edu irqlat smp lapic wdog fpu irq nullcall
GUEST_CPU_FLAGS    := -m32 -march=i686 -fno-pic -fno-pie
GUEST_NEWLIB_TRIPLE := i686-elf
GUEST_NEWLIB_DIR   := $(BA)/newlib32
GUEST_NEWLIB_LIBC  := $(GUEST_NEWLIB_DIR)/i686-elf/lib/libc.a
GUEST_LIBFDT_A     := $(BA)/libfdt32/libfdt.a
GUEST_LIBGCC       :=
# The compiler is Linux's: its __linux__ would turn on newlib's Linux configuration (64-bit
# file offsets, a dynamic reentrancy pointer) for what is a bare-metal target.
GUEST_NOT_LINUX    := -U__linux__ -U__gnu_linux__ -Ulinux -U__unix__ -Uunix
GUEST_CFLAGS_LIBC  := -O2 -g $(GUEST_CPU_FLAGS) $(GUEST_NOT_LINUX) -fno-stack-protector \
		      -ffunction-sections -fdata-sections
GUEST_TGT_CFLAGS    = -O2 -g $(GUEST_CPU_FLAGS) $(GUEST_NOT_LINUX) -mgeneral-regs-only \
		      -ffreestanding -nostdinc \
		      -isystem $(GUEST_NEWLIB_DIR)/i686-elf/include -isystem $(TGT_GCC_INC) \
		      -fno-stack-protector -fno-asynchronous-unwind-tables -ffunction-sections

# The hypervisor never saves a guest's SSE state around an exit (docs/x86.md): the code linked
# in may use SSE registers only where it is known not to disturb them (fpu_reset() loads the
# initial state at a vCPU's start, on purpose). A newlib rebuild or new libc calls that bring
# in other SSE code fail the build here.
X86_SSE_OK := _mallinfo_r sniprintf fpu_reset
$(BA)/sse-check.ok: $(BA)/bulkhead.elf
	@bad=$$($(CROSS)objdump -d $< | awk '/>:$$/ { f = $$2 } \
		/%xmm|%ymm|%mm[0-7]|fxsave|fxrstor|ldmxcsr|stmxcsr/ { print f }' | sort -u | \
		tr -d '<>:' | grep -vxF $(X86_SSE_OK:%=-e %) || true); \
	if [ -n "$$bad" ]; then echo "SSE registers used by: $$bad (docs/x86.md)"; exit 1; fi
	@touch $@
ALL_TARGETS += $(BA)/sse-check.ok
