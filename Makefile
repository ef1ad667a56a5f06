# Entry points for people and CI. Each target installs missing Debian
# packages first, so a fresh Debian 12 machine needs nothing else.
MAKEFLAGS += --no-print-directory
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTENET_WERROR=ON

.PHONY: all deps configure build test test-sanitize demo clean update-reports update-site update-format screenshots \
	fuzz-build fuzz fuzz-smoke

all: build

deps:
	@./install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	$(MAKE) fuzz-smoke

# The whole test suite again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer: any memory error, leak or undefined behaviour
# in any test fails it.
SANITIZE_DIR ?= build-sanitize
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# -O1 with line tables keeps the build quick and the reports readable. With
# the sanitizers GCC 12 warns falsely that std::regex and std::function use
# uninitialized values, so that warning alone is off here; the normal build
# keeps it.
SANITIZE_CXXFLAGS := -O1 -g1 $(SANITIZE_FLAGS) -Wno-maybe-uninitialized
# ASAN_OPTIONS: leaks fail too. TENET_ROBUST_NO_MEMLIMIT: the robustness
# tests cap memory at 4 GiB, which AddressSanitizer's reservations exceed.
# TENET_TEST_TIMEOUT_FACTOR: the instrumented program is several times
# slower, so the tests wait longer before they call a run hung.
SANITIZE_ENV := ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 TENET_ROBUST_NO_MEMLIMIT=1 TENET_TEST_TIMEOUT_FACTOR=4

$(SANITIZE_DIR)/CMakeCache.txt:
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Sanitize -DTENET_WERROR=ON \
	  -DCMAKE_CXX_FLAGS_SANITIZE="$(SANITIZE_CXXFLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" \
	  -DCMAKE_SHARED_LINKER_FLAGS="$(SANITIZE_FLAGS)"

test-sanitize: deps $(SANITIZE_DIR)/CMakeCache.txt
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	$(SANITIZE_ENV) ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

# The fuzz targets (docs/fuzzing.md), built with clang and libFuzzer in
# their own tree. `make fuzz` runs each for FUZZ_SECONDS; the corpus each
# builds up is kept in $(FUZZ_DIR)/corpus, what fails in $(FUZZ_DIR)/artifacts.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20

$(FUZZ_DIR)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DTENET_FUZZ=ON -DBUILD_TESTING=OFF

fuzz-build: deps $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target tenet_fuzzers

fuzz: fuzz-build
	python3 tests/fuzz/run_fuzzers.py $(FUZZ_DIR) . --seconds $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	python3 tests/fuzz/run_fuzzers.py $(FUZZ_DIR) . --seconds $(FUZZ_SMOKE_SECONDS) --seeds-only

demo: build
	@echo
	@echo "== tenet check examples/acme    (a complete policy repository)"
	@$(BUILD_DIR)/tenet check examples/acme
	@echo
	@echo "== tenet coverage --summary examples/acme    (ISO/IEC 27001 and SOC 2 coverage)"
	@$(BUILD_DIR)/tenet coverage --summary examples/acme
	@echo
	@echo "== tenet lint examples/acme    (what an auditor would flag: nothing, here)"
	@$(BUILD_DIR)/tenet lint examples/acme
	@echo
	@echo "== tenet check examples/mistakes    (typical mistakes, on purpose)"
	@$(BUILD_DIR)/tenet check examples/mistakes || true
	@echo
	@echo "== tenet build examples/acme -o $(BUILD_DIR)/site    (the published policies)"
	@$(BUILD_DIR)/tenet build examples/acme -o $(BUILD_DIR)/site
	@echo
	@echo "Open $(abspath $(BUILD_DIR))/site/index.html in a browser to read the policies,"
	@echo "the Statement of Applicability, coverage and drift as employees and auditors see them."
	@echo "The tenet binary is at $(BUILD_DIR)/tenet. Try: $(BUILD_DIR)/tenet check --help"

# Rewrites the report goldens in tests/reports/expected from the current
# build. Read `git diff tests/reports` before committing what it wrote.
update-reports: build
	python3 tests/reports/check_reports.py $(BUILD_DIR)/tenet . --update

# Rewrites the site goldens in tests/site/golden/expected. Read
# `git diff tests/site` before committing what it wrote.
update-site: build
	python3 tests/site/check_site_golden.py $(BUILD_DIR)/tenet . --update

# Rewrites the formatter goldens in tests/format/expected. Read
# `git diff tests/format` before committing what it wrote.
update-format: build
	python3 tests/format/check_format.py $(BUILD_DIR)/tenet . --update

# Renders the screenshots in docs/images with headless Chromium.
screenshots: build
	python3 tests/site/check_render.py $(BUILD_DIR)/tenet . --update-docs

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
