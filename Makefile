# Thin wrapper over CMake presets. `make run` and `make test` are the README's two commands.
PRESET ?= release
JOBS ?= $(shell nproc)
BIN := build/$(PRESET)/bin

.PHONY: deps configure build run test bench reproduce clean

deps:
	scripts/install-deps

configure: deps
	cmake --preset $(PRESET)

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

# The main job on the default scenario: summary table on stdout, CSVs and figures in results/quickstart/.
run: build
	$(BIN)/offloadsim run scenarios/quickstart.yaml

# The whole test suite through ctest.
test: build
	ctest --preset $(PRESET) -j $(JOBS)

# Every experiment of the paper that offloadsim reproduces, then results/reproduction/REPORT.md
# (and report.html): about 30 minutes here; run it again after a stop to continue.
reproduce: build
	$(BIN)/offloadsim reproduce

# Google Benchmark binaries (not timed tests).
bench: build
	$(BIN)/offloadsim_bench

clean:
	rm -rf build
