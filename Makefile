# Thin wrapper over CMake presets. `make run` and `make test` are the README's two commands.
PRESET ?= release
JOBS ?= $(shell nproc)
BIN := build/$(PRESET)/bin

.PHONY: deps configure build run test bench clean

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

# Google Benchmark binaries (not timed tests).
bench: build
	$(BIN)/offloadsim_bench

clean:
	rm -rf build
