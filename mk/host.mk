# Host build: the config parser/validator (hv/config/*.c, hv/fdt/util.c) compiled for the build
# machine against Debian's libfdt, the bhctl tool, the sanitizer unit tests and the fuzz target.
#   make build/host/bhctl     the host control tool
#   make fuzz                 libFuzzer on the config parser for FUZZ_SECONDS (default 60)

BH           := $(B)/host
HOST_CC      ?= gcc
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
HOST_CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Werror=implicit \
		-Ihv/include -Iinclude -Itools/bhctl -MMD -MP
SAN_FLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

HOST_LIB_SRCS := hv/core/err.c hv/fdt/util.c hv/dev/desc.c $(wildcard hv/config/*.c)
# (hv/dev/desc.c: the descriptors "bhctl devices" prints and the validator resolves irqs with)
BHCTL_SRCS    := $(wildcard tools/bhctl/*.c)
UNIT_TESTS    := $(patsubst tests/unit/%.c,$(BH)/unit/%,$(wildcard tests/unit/test_*.c))
CONFIG_DTS    := $(wildcard tests/configs/good/*.dts tests/configs/bad/*.dts)

# Release objects (bhctl, bench) and sanitizer objects (bhctl-san, unit tests).
$(BH)/obj/%.c.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
$(BH)/san/%.c.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(SAN_FLAGS) -c $< -o $@

$(BH)/bhctl: $(patsubst %,$(BH)/obj/%.o,$(HOST_LIB_SRCS) $(BHCTL_SRCS))
	$(HOST_CC) $^ -lfdt -o $@
$(BH)/bhctl-san: $(patsubst %,$(BH)/san/%.o,$(HOST_LIB_SRCS) $(BHCTL_SRCS))
	$(HOST_CC) $(SAN_FLAGS) $^ -lfdt -o $@
# issue 5: the descriptor builder's unit test also links hv/dev/desc.c
$(BH)/unit/test_device_desc: $(BH)/san/hv/dev/desc.c.o
$(BH)/unit/%: $(BH)/san/tests/unit/%.c.o $(patsubst %,$(BH)/san/%.o,$(HOST_LIB_SRCS))
	@mkdir -p $(@D)
	$(HOST_CC) $(SAN_FLAGS) $^ -lfdt -o $@

# issue 6: the PAMU entry encoder (arch/powerpc/iommu/pamu_core.c) is host code too.
$(BH)/unit/test_pamu: $(BH)/san/arch/powerpc/iommu/pamu_core.c.o
$(BH)/san/tests/unit/test_pamu.c.o: HOST_CFLAGS += -Iarch/powerpc

# issue 6: the real hv/dma/iommu.c, hv/hcall/handle.c and hv/partition/partition.c against the fakes of
# tests/unit/fake_core.c (DMA back end, console, manager doorbell, loading); the headers in
# tests/unit/host/ stand in for an architecture's <arch/...>. Issue 14: with the unit framework
# (hv/partition/unit.c) and the memory and vCPU units (hv/partition/build.c).
IOMMU_UNIT_OBJS := $(patsubst %,$(BH)/san/%.o,hv/dma/iommu.c hv/hcall/handle.c hv/partition/partition.c \
		   hv/partition/unit.c hv/partition/build.c hv/core/stats.c hv/partition/errmgr.c \
		   tests/unit/fake_core.c)
$(BH)/unit/test_iommu: $(IOMMU_UNIT_OBJS)
$(IOMMU_UNIT_OBJS) $(BH)/san/tests/unit/test_iommu.c.o: HOST_CFLAGS += -Itests/unit/host
# issue 12: a partition's vCPUs from a 64-bit CPU mask (hv/partition/partition.c setup_vcpus)
$(BH)/unit/test_vcpu_mask: $(IOMMU_UNIT_OBJS)
$(BH)/san/tests/unit/test_vcpu_mask.c.o: HOST_CFLAGS += -Itests/unit/host

# issue 14: the unit framework (hv/partition/unit.c) with the test's own units
$(BH)/unit/test_units: $(BH)/san/hv/partition/unit.c.o
$(BH)/san/tests/unit/test_units.c.o: HOST_CFLAGS += -Itests/unit/host

# issue 13: the guest image loader (ELF by p_paddr, uImage) against hostile headers
$(BH)/unit/test_image: $(BH)/san/hv/guest/image.c.o $(BH)/san/hv/guest/inflate.c.o
$(BH)/unit/test_inflate: $(BH)/san/hv/guest/inflate.c.o
$(BH)/san/hv/guest/image.c.o $(BH)/san/tests/unit/test_image.c.o: HOST_CFLAGS += -Itests/unit/host

# The fuzz target links libfdt built from source with the same instrumentation, so that
# libFuzzer sees coverage inside it and ASan checks its reads.
# Two targets: fuzz_config (arbitrary config, QEMU ppce500 hardware tree) and fuzz_hw (arbitrary
# hardware tree, the Topaz example config).
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BH)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(HOST_LIB_SRCS) hv/config/priv.h hv/include/hv/config.h \
		   hv/include/hv/fdt_util.h hv/include/hv/device_desc.h $(LIBFDT_SRC)/libfdt.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 -Ihv/include -Iinclude -I$(LIBFDT_SRC) $< $(HOST_LIB_SRCS) \
		$(addprefix $(LIBFDT_SRC)/,$(addsuffix .c,$(LIBFDT_NAMES))) -o $@

# Seed corpora: every good and bad config, compiled; the fixed trees the targets load.
$(BH)/fuzz/hw.dtb: tests/configs/hw/qemu-ppce500.dts | $(DEPS_STAMP)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<
$(BH)/fuzz/cfg.dtb: tests/configs/good/topaz-2p-linux.dts | $(DEPS_STAMP)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<
$(BH)/fuzz/hw-seeds.stamp: $(BH)/fuzz/hw.dtb bench/gen-config.py
	@rm -rf $(BH)/fuzz/hw-seeds && mkdir -p $(BH)/fuzz/hw-seeds
	cp $< $(BH)/fuzz/hw-seeds/qemu-ppce500.dtb
	python3 bench/gen-config.py 8 $(BH)/fuzz/hw8.dts $(BH)/fuzz/cfg8.dts
	dtc -q -I dts -O dtb -o $(BH)/fuzz/hw-seeds/qemu-8cpu.dtb $(BH)/fuzz/hw8.dts
	@touch $@
$(BH)/fuzz/seeds.stamp: $(CONFIG_DTS)
	@rm -rf $(BH)/fuzz/seeds && mkdir -p $(BH)/fuzz/seeds
	@for f in $(CONFIG_DTS); do \
		n=$$(basename $$(dirname $$f))-$$(basename $$f .dts); \
		dtc -q -I dts -O dtb -o $(BH)/fuzz/seeds/$$n.dtb $$f || exit 1; done
	@touch $@

FUZZ_DEPS := $(BH)/fuzz/fuzz_config $(BH)/fuzz/fuzz_hw $(BH)/fuzz/hw.dtb $(BH)/fuzz/cfg.dtb \
	     $(BH)/fuzz/seeds.stamp $(BH)/fuzz/hw-seeds.stamp

# Each target runs FUZZ_SECONDS; crashes land in build/host/fuzz/crashes/ (copy them into
# tests/fuzz/regress/ once fixed: the tests replay that directory).
.PHONY: fuzz
fuzz: $(FUZZ_DEPS)
	@mkdir -p $(BH)/fuzz/corpus $(BH)/fuzz/hw-corpus $(BH)/fuzz/crashes
	BULKHEAD_FUZZ_HW=$(BH)/fuzz/hw.dtb $(BH)/fuzz/fuzz_config -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -artifact_prefix=$(BH)/fuzz/crashes/ \
		$(BH)/fuzz/corpus $(BH)/fuzz/seeds
	BULKHEAD_FUZZ_CFG=$(BH)/fuzz/cfg.dtb $(BH)/fuzz/fuzz_hw -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -artifact_prefix=$(BH)/fuzz/crashes/hw- \
		$(BH)/fuzz/hw-corpus $(BH)/fuzz/hw-seeds

ALL_TARGETS += $(BH)/bhctl
CHECK_DEPS  += $(BH)/bhctl $(BH)/bhctl-san $(UNIT_TESTS) $(FUZZ_DEPS)

-include $(shell find $(BH) -name '*.d' 2>/dev/null)
