# The x86-64 image for the tests of the other architecture's "make check"
# (tests/system/test_x86_*.py boot build/x86/bulkhead.elf32 and the test image
# bulkhead-test.elf32 with the x86 guests): one sub-make with ARCH=x86.
# arch/x86/arch.mk does not include this fragment.
.PHONY: x86-image
x86-image: $(DEPS_STAMP)
	$(MAKE) --no-print-directory ARCH=x86 all build/x86/bulkhead-test.elf32
CHECK_DEPS += x86-image
