# Third-party libraries for the target, built from Debian's sources and cached in build/.
#   libfdt: scripts/dtc/libfdt from linux-source-6.1
#   newlib: newlib-source, configured for the arch's TGT_CFLAGS_LIBC

LIBFDT_SRC  := $(B)/src/libfdt
LIBFDT_A    := $(BA)/libfdt/libfdt.a
NEWLIB_DIR  := $(BA)/newlib
NEWLIB_LIBC := $(NEWLIB_DIR)/$(NEWLIB_TRIPLE)/lib/libc.a
NEWLIB_INC  := $(NEWLIB_DIR)/$(NEWLIB_TRIPLE)/include
LIBFDT_NAMES := fdt fdt_ro fdt_wip fdt_sw fdt_rw fdt_strerror fdt_empty_tree fdt_addresses
LIBFDT_OBJS := $(LIBFDT_NAMES:%=$(BA)/libfdt/%.o)

$(LIBFDT_SRC)/libfdt.h: | $(DEPS_STAMP)
	scripts/extract-libfdt.sh $(LIBFDT_SRC)

$(NEWLIB_LIBC): scripts/build-newlib.sh | $(DEPS_STAMP)
	scripts/build-newlib.sh "$(CROSS)" $(NEWLIB_TRIPLE) "$(TGT_CFLAGS_LIBC)" $(abspath $(NEWLIB_DIR))

$(BA)/libfdt/%.o: $(LIBFDT_SRC)/libfdt.h $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	$(TGT_CC) $(TGT_CFLAGS) -w -I$(LIBFDT_SRC) -c $(LIBFDT_SRC)/$*.c -o $@

$(LIBFDT_A): $(LIBFDT_OBJS)
	rm -f $@ && $(CROSS)ar rcs $@ $^
