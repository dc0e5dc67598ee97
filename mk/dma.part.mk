# make soak: the long runs of what make check runs short. Today: the DMA restart loop
# (tests/system/test_dma.py, issue 6) with 1000 partition restarts, each with a DMA in flight,
# instead of 20 (docs/dma.md; under --icount, ~1.7 s of host time per restart: ~30 min). SOAK_CYCLES overrides the count. (The recipe names the test
# prerequisites itself: they are only all known once every fragment is read.)
SOAK_CYCLES ?= 1000

.PHONY: soak
soak: all
	$(MAKE) --no-print-directory $(CHECK_DEPS)
	BULKHEAD_DMA_CYCLES=$(SOAK_CYCLES) $(PYTEST) -q tests/system/test_dma.py \
		-k restart_loop $(PYTEST_ARGS)
