# Test guests (partitions/): a small runtime library (partitions/lib, its architecture part in
# partitions/lib/$(ARCH)) and one program per directory, each an ELF linked at 1 MiB (docs/
# guests.md). PowerPC: a plain e500mc supervisor-mode image that runs bare on QEMU ppce500 and
# as a Bulkhead partition; x86: a 32-bit protected-mode image for x86 partitions.
#   build/<arch>/partitions/<name>.elf     the image (ELF, entry = e_entry)
#   build/powerpc/partitions/<name>.uimg   the same as a U-Boot legacy image (load 1 MiB)
# An architecture may build only some guests (GUEST_ONLY) and its own C library and libfdt
# for them (GUEST_CPU_FLAGS, GUEST_TGT_CFLAGS, GUEST_NEWLIB_LIBC, GUEST_LIBFDT_A: x86's guests
# are 32-bit, its hypervisor 64-bit); by default the hypervisor's. GUEST_OTHER_ARCH names
# the guests of another architecture's hardware that an architecture does not build.

GUEST_OTHER   := lib x86 $(GUEST_OTHER_ARCH)
GUEST_ALL     := $(filter-out $(GUEST_OTHER),$(notdir $(patsubst %/,%,$(dir $(wildcard partitions/*/main.c)))))
GUEST_NAMES   := $(if $(GUEST_ONLY),$(filter $(GUEST_ONLY),$(GUEST_ALL)),$(GUEST_ALL))
GUEST_OUT     := $(BA)/partitions
GUEST_OBJDIR  := $(GUEST_OUT)/obj
GUEST_LOAD    := 0x00100000
GUEST_ARCH_DIR := partitions/lib/$(ARCH)
GUEST_LD      := $(GUEST_ARCH_DIR)/guest.ld
GUEST_LIB_SRCS := $(wildcard partitions/lib/*.c $(GUEST_ARCH_DIR)/*.c $(GUEST_ARCH_DIR)/*.S lib/*.c)
GUEST_LIB_OBJS := $(GUEST_LIB_SRCS:%=$(GUEST_OBJDIR)/%.o)
GUEST_LIB     := $(GUEST_OUT)/libguest.a
GUEST_START   := $(GUEST_OBJDIR)/$(GUEST_ARCH_DIR)/start.S.o
GUEST_CPU_FLAGS   ?= $(TGT_CPU_FLAGS)
GUEST_TGT_CFLAGS  ?= $(TGT_CFLAGS)
GUEST_NEWLIB_LIBC ?= $(NEWLIB_LIBC)
GUEST_LIBFDT_A    ?= $(LIBFDT_A)
GUEST_CFLAGS   = $(GUEST_TGT_CFLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
		 -Werror=implicit -Ipartitions/lib/include -I$(GUEST_ARCH_DIR)/include -Iinclude \
		 -Iarch/$(ARCH)/include -I$(LIBFDT_SRC) -MMD -MP
# Integer-only formatted output, as for the hypervisor (the cross libgcc is hard-float only).
GUEST_LDFLAGS := -Wl,--defsym=snprintf=sniprintf -Wl,--defsym=vsnprintf=vsniprintf \
		 -Wl,--defsym=printf=iprintf -Wl,--defsym=sprintf=siprintf

GUEST_LIBGCC ?= -lgcc

# The guests' own newlib and libfdt when they are not the hypervisor's.
ifneq ($(GUEST_NEWLIB_LIBC),$(NEWLIB_LIBC))
$(GUEST_NEWLIB_LIBC): scripts/build-newlib.sh | $(DEPS_STAMP)
	scripts/build-newlib.sh "$(CROSS)" $(GUEST_NEWLIB_TRIPLE) "$(GUEST_CFLAGS_LIBC)" \
		$(abspath $(GUEST_NEWLIB_DIR))
endif
ifneq ($(GUEST_LIBFDT_A),$(LIBFDT_A))
GUEST_LIBFDT_OBJS := $(LIBFDT_NAMES:%=$(dir $(GUEST_LIBFDT_A))%.o)
$(GUEST_LIBFDT_OBJS): $(dir $(GUEST_LIBFDT_A))%.o: $(LIBFDT_SRC)/libfdt.h $(GUEST_NEWLIB_LIBC)
	@mkdir -p $(@D)
	$(TGT_CC) $(GUEST_TGT_CFLAGS) -w -I$(LIBFDT_SRC) -c $(LIBFDT_SRC)/$*.c -o $@
$(GUEST_LIBFDT_A): $(GUEST_LIBFDT_OBJS)
	rm -f $@ && $(CROSS)ar rcs $@ $^
endif
GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_UIMGS := $(if $(filter powerpc,$(ARCH)),$(GUEST_NAMES:%=$(GUEST_OUT)/%.uimg))

$(GUEST_OBJDIR)/%.c.o: %.c $(LIBFDT_SRC)/libfdt.h $(GUEST_NEWLIB_LIBC)
	@mkdir -p $(@D)
	$(TGT_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_OBJDIR)/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TGT_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(GUEST_LIB): $(filter-out $(GUEST_START),$(GUEST_LIB_OBJS))
	rm -f $@ && $(CROSS)ar rcs $@ $^

# start.S.o is linked as an object (it holds the entry point and the vectors); the archives
# are grouped because newlib calls back into the runtime (write, sbrk, _exit).
$(GUEST_OUT)/%.elf: $(GUEST_OBJDIR)/partitions/%/main.c.o $(GUEST_START) $(GUEST_LIB) \
		    $(GUEST_LIBFDT_A) $(GUEST_NEWLIB_LIBC) $(GUEST_LD)
	$(TGT_CC) $(GUEST_CPU_FLAGS) -nostdlib -static -no-pie -Wl,-T,$(GUEST_LD) -Wl,--gc-sections \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments $(GUEST_LDFLAGS) \
		$(GUEST_START) $< -Wl,--start-group $(GUEST_LIB) $(GUEST_LIBFDT_A) $(GUEST_NEWLIB_LIBC) \
		$(GUEST_LIBGCC) \
		-Wl,--end-group -o $@

$(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	$(CROSS)objcopy -O binary $< $@
$(GUEST_OUT)/%.uimg: $(GUEST_OUT)/%.bin
	mkimage -A powerpc -O linux -T kernel -C none -a $(GUEST_LOAD) -e $(GUEST_LOAD) \
		-n $* -d $< $@ > /dev/null

.PHONY: guests
guests: $(GUEST_ELFS) $(GUEST_UIMGS)
ALL_TARGETS += $(GUEST_ELFS) $(GUEST_UIMGS)
CHECK_DEPS += $(GUEST_ELFS)
.SECONDARY: $(GUEST_START) $(GUEST_NAMES:%=$(GUEST_OBJDIR)/partitions/%/main.c.o) \
	    $(GUEST_NAMES:%=$(GUEST_OUT)/%.bin)

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_NAMES:%=$(GUEST_OBJDIR)/partitions/%/main.c.d)
