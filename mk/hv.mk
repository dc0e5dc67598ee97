# The hypervisor image: portable core (hv/) + arch/$(ARCH) + what it shares with the test
# guests (lib/), linked with libfdt and newlib.
HV_SRCS := $(wildcard hv/*/*.c lib/*.c) $(ARCH_SRCS)
HV_OBJS := $(HV_SRCS:%=$(BA)/obj/%.o)
HV_CFLAGS = $(TGT_CFLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror=implicit \
	    -Ihv/include -Iinclude -Iarch/$(ARCH)/include -Iarch/$(ARCH) -I$(LIBFDT_SRC) -MMD -MP \
	    $(HV_DEBUG_CFLAGS)
HV_VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# The version lives in one generated file, rewritten only when "git describe" changes.
HV_VERSION_C := $(BA)/version.c
$(HV_VERSION_C): FORCE
	@mkdir -p $(@D)
	@printf 'const char bulkhead_version[] = "%s";\n' '$(HV_VERSION)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BA)/version.o: $(HV_VERSION_C) | $(DEPS_STAMP)
	$(TGT_CC) $(HV_CFLAGS) -c $< -o $@
HV_OBJS += $(BA)/version.o
.PHONY: FORCE

$(BA)/obj/%.c.o: %.c $(LIBFDT_SRC)/libfdt.h $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	$(TGT_CC) $(HV_CFLAGS) -c $< -o $@
$(BA)/obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TGT_CC) $(HV_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# link.ld is shared by the architectures; arch/$(ARCH)/include/arch/layout.h gives the numbers.
$(BA)/link.ld: link.ld arch/$(ARCH)/include/arch/layout.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TGT_CC) -E -P -x c -undef -D__ASSEMBLY__ -Iarch/$(ARCH)/include $< -o $@

# The hypervisor does no floating point: the formatted-output calls bind to newlib's integer-only
# variants, so no soft-float helpers are needed (the cross libgcc is hard-float only).
HV_LDFLAGS := -Wl,--defsym=snprintf=sniprintf -Wl,--defsym=vsnprintf=vsniprintf \
	      -Wl,--defsym=printf=iprintf -Wl,--defsym=sprintf=siprintf

$(BA)/bulkhead.elf: $(HV_OBJS) $(LIBFDT_A) $(NEWLIB_LIBC) $(BA)/link.ld
	$(TGT_CC) $(TGT_CPU_FLAGS) -nostdlib -static -no-pie -Wl,-T,$(BA)/link.ld -Wl,--gc-sections \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,-Map,$@.map $(HV_LDFLAGS) \
		$(HV_OBJS) $(LIBFDT_A) $(NEWLIB_LIBC) -lgcc -o $@
ALL_TARGETS += $(BA)/bulkhead.elf

# The test image: the same objects but hv/core/mutate.c built with HV_TEST_BUILD, so that it honours
# bulkhead.mutate= (hv/include/hv/mutate.h), plus the self-tests of arch/$(ARCH)/test/
# (bulkhead.selftest=, which the release image refuses). Only tests boot it; it is never
# installed.
ARCH_TEST_SRCS := $(wildcard arch/$(ARCH)/test/*.c)
HV_TEST_OBJS := $(filter-out $(BA)/obj/hv/core/mutate.c.o,$(HV_OBJS)) $(BA)/obj/hv/core/mutate-test.o \
		$(ARCH_TEST_SRCS:%=$(BA)/obj/%.o)
$(BA)/obj/hv/core/mutate-test.o: hv/core/mutate.c $(LIBFDT_SRC)/libfdt.h $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	$(TGT_CC) $(HV_CFLAGS) -DHV_TEST_BUILD -c $< -o $@
$(BA)/bulkhead-test.elf: $(HV_TEST_OBJS) $(LIBFDT_A) $(NEWLIB_LIBC) $(BA)/link.ld
	$(TGT_CC) $(TGT_CPU_FLAGS) -nostdlib -static -no-pie -Wl,-T,$(BA)/link.ld -Wl,--gc-sections \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments $(HV_LDFLAGS) \
		$(HV_TEST_OBJS) $(LIBFDT_A) $(NEWLIB_LIBC) -lgcc -o $@
CHECK_DEPS += $(BA)/bulkhead-test.elf

-include $(HV_OBJS:.o=.d) $(ARCH_TEST_SRCS:%=$(BA)/obj/%.d)
