# Test guests (partitions/): a small runtime library (partitions/lib) and one program per
# directory, each a plain e500mc supervisor-mode ELF linked at 1 MiB that runs bare on QEMU
# ppce500 and as a Bulkhead partition (docs/guests.md).
#   build/powerpc/partitions/<name>.elf    the image (ELF, entry = e_entry)
#   build/powerpc/partitions/<name>.uimg   the same as a U-Boot legacy image (load 1 MiB)

GUEST_NAMES   := $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard partitions/*/main.c)))))
GUEST_OUT     := $(BA)/partitions
GUEST_OBJDIR  := $(GUEST_OUT)/obj
GUEST_LOAD    := 0x00100000
GUEST_LD      := partitions/lib/guest.ld
GUEST_LIB_SRCS := $(wildcard partitions/lib/*.c partitions/lib/*.S lib/*.c)
GUEST_LIB_OBJS := $(GUEST_LIB_SRCS:%=$(GUEST_OBJDIR)/%.o)
GUEST_LIB     := $(GUEST_OUT)/libguest.a
GUEST_START   := $(GUEST_OBJDIR)/partitions/lib/start.S.o
GUEST_CFLAGS   = $(TGT_CFLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror=implicit \
		 -Ipartitions/lib/include -Iinclude -Iarch/$(ARCH)/include -I$(LIBFDT_SRC) -MMD -MP
# Integer-only formatted output, as for the hypervisor (the cross libgcc is hard-float only).
GUEST_LDFLAGS := -Wl,--defsym=snprintf=sniprintf -Wl,--defsym=vsnprintf=vsniprintf \
		 -Wl,--defsym=printf=iprintf -Wl,--defsym=sprintf=siprintf

GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_UIMGS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.uimg)

$(GUEST_OBJDIR)/%.c.o: %.c $(LIBFDT_SRC)/libfdt.h $(NEWLIB_LIBC)
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
		    $(LIBFDT_A) $(NEWLIB_LIBC) $(GUEST_LD)
	$(TGT_CC) $(TGT_CPU_FLAGS) -nostdlib -static -no-pie -Wl,-T,$(GUEST_LD) -Wl,--gc-sections \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments $(GUEST_LDFLAGS) \
		$(GUEST_START) $< -Wl,--start-group $(GUEST_LIB) $(LIBFDT_A) $(NEWLIB_LIBC) -lgcc \
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
