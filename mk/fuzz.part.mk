# make soak, fuzzer part (issue 12, R3; docs/reliability.md): the guest-side fuzzers of
# tests/system/test_fuzz_guests.py at soak size — over 10^6 hypercalls made per run (random
# under --mttcg and under round-robin TCG, and the byte-channel/vPIC/DMA race run under --mttcg)
# and 10^5 instruction words per guest state. make check runs the same tests short.
# FUZZ_SEED picks another seed (each run prints its seed; the same seed replays it).
# Calls asked for; about 97 % are made (the rest are skipped: docs/reliability.md).
SOAK_FUZZ_CALLS ?= 1100000
SOAK_FUZZ_WORDS ?= 100000
FUZZ_SEED ?= 1

.PHONY: soak-fuzz
soak-fuzz: all
	$(MAKE) --no-print-directory $(CHECK_DEPS)
	BULKHEAD_FUZZ_CALLS=$(SOAK_FUZZ_CALLS) BULKHEAD_FUZZ_WORDS=$(SOAK_FUZZ_WORDS) \
	BULKHEAD_FUZZ_SEED=$(FUZZ_SEED) BULKHEAD_FUZZ_MODES=fuzz-mttcg,hammer-mttcg,fuzz \
		$(PYTEST) -q tests/system/test_fuzz_guests.py -k "not negative_control" \
		$(PYTEST_ARGS)

# The soak target's recipe is in mk/dma.part.mk; this adds the fuzzers to it.
soak: soak-fuzz
