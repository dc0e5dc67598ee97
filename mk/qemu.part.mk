# QEMU launch glue (tools/run-qemu.sh): the board configs under dts/ are compiled as part of
# "make" so a broken .dts fails the build, not the boot.
#   make run                        U-Boot path, dts/qemu-ppce500/demo.dts, 4 CPUs, 512 MiB
#   make run RUN_ARGS="--smp 2"     any launcher option (tools/run-qemu.sh --help)
#   make run-direct                 firmware-less path (-kernel bulkhead.elf)

BOARD_DTS := $(wildcard dts/qemu-ppce500/*.dts)
BOARD_DTB := $(patsubst dts/%.dts,$(B)/dts/%.dtb,$(BOARD_DTS))

$(B)/dts/%.dtb: dts/%.dts | $(DEPS_STAMP)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<
ALL_TARGETS += $(BOARD_DTB)

.PHONY: run-direct
run-direct: all
	@tools/run-qemu.sh --arch $(ARCH) --direct $(RUN_ARGS)
