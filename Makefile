# Bulkhead top-level Makefile.
#   make run     - install what is missing, build, boot the hypervisor through U-Boot on QEMU
#   make check   - install what is missing, build, run every test (unit + QEMU system tests)
#   make bench   - sizes and emulated boot time (docs/benchmarks.md)
#   make check-fresh - make check + make run in a brand-new Debian 12 root (scripts/check-fresh.sh)
#   make format  - lay out the C sources as .clang-format says (make check checks it)
# Each part of the build lives in a fragment under mk/ or arch/$(ARCH)/; the fragments add
# their outputs to ALL_TARGETS and their test prerequisites to CHECK_DEPS. arch/$(ARCH)/arch.mk
# lists the mk/*.part.mk fragments the architecture builds (ARCH_MK_PARTS).
#   make ARCH=x86 [run]  - the x86-64 port (docs/x86.md)

ARCH    ?= powerpc
B       := build
BA      := $(B)/$(ARCH)
PYTEST  := /usr/bin/python3 -m pytest
ALL_TARGETS :=
CHECK_DEPS  :=

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# Debian packages: installed once (scripts/deps.sh does nothing when all are present).
DEPS_STAMP := $(B)/.deps-ok
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p $(B) && touch $@

include arch/$(ARCH)/arch.mk
include mk/target-libs.mk
include mk/hv.mk
-include mk/host.mk
-include $(ARCH_MK_PARTS)

.PHONY: all deps check check-fresh run bench format clean distclean
deps: $(DEPS_STAMP)
all: $(DEPS_STAMP) $(ALL_TARGETS)

# One runner for everything: pytest drives the unit-test binaries and the QEMU system tests,
# and prints the closing "N passed, N failed" line.
check: all $(CHECK_DEPS)
	$(PYTEST) -q tests $(PYTEST_ARGS)

# The README's commands on a brand-new Debian 12 root with a fresh clone of HEAD (needs root;
# not part of check). CHECK_FRESH_CMD overrides what runs there.
check-fresh:
	scripts/check-fresh.sh $(CHECK_FRESH_CMD)

# The C style (.clang-format, Debian's clang-format 14): rewrite every C file in place.
format: $(DEPS_STAMP)
	scripts/format.sh

run: all
	@tools/run-qemu.sh --arch $(ARCH) $(RUN_BOOT) $(RUN_ARGS)

bench: all
	@bench/run.sh

clean:
	rm -rf $(BA) $(B)/host
distclean:
	rm -rf $(B)
