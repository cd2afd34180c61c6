# The two commands of the README:
#   make demo   build everything, then run the main job end to end on the corpus in corpora/
#   make test   build everything, then run the whole test suite (release mode)
# Each installs the system packages it needs first (idempotent).

SYSTEM_PACKAGES := pkg-config libicu-dev libdnnl-dev libopenmpi-dev openmpi-bin iproute2
# For the test that Python's safetensors loads what we write (skipped, saying why, when they cannot be installed).
PYTHON_PACKAGES := safetensors numpy
# The fuzz harnesses link libFuzzer (shipped with the Swift toolchain), which needs the C++ library.
FUZZ_PACKAGES := libstdc++-12-dev
# Only for `make test`: the browser test of `nmt serve`'s page drives headless Chromium (it skips without it).
TEST_PACKAGES := chromium
SWIFT_TEST_FLAGS := -c release --disable-swift-testing
# One GEMM thread in tests: the models there are tiny, and results stay reproducible run to run.
TEST_ENV := OMP_NUM_THREADS=1
NMT := .build/release/nmt

.PHONY: deps build test demo clean fuzz-smoke

deps:
	@missing=""; for p in $(SYSTEM_PACKAGES) $(EXTRA_PACKAGES) $(if $(filter test,$(MAKECMDGOALS)),$(TEST_PACKAGES)); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; \
	fi
	@if ! python3 -c "import safetensors, numpy" >/dev/null 2>&1; then \
	  echo "installing Python packages: $(PYTHON_PACKAGES)"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  python3 -m pip --version >/dev/null 2>&1 || { $$SUDO apt-get update && $$SUDO apt-get install -y python3 python3-pip; }; \
	  python3 -m pip install --quiet $(PYTHON_PACKAGES) 2>/dev/null \
	    || python3 -m pip install --quiet --user --break-system-packages $(PYTHON_PACKAGES) \
	    || echo "warning: could not install $(PYTHON_PACKAGES); the safetensors interoperability test will be skipped"; \
	fi

build: deps
	swift build -c release

test: deps
	$(TEST_ENV) swift test $(SWIFT_TEST_FLAGS)

# Every libFuzzer harness on its seed corpus plus 2,000 mutated inputs (docs/fuzzing.md); .ci/run calls it
# after `make test`. The long campaigns are `Tools/fuzz/run.sh NAME SECONDS`.
fuzz-smoke:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(FUZZ_PACKAGES)"
	@mkdir -p .build-fuzz
	@for h in $$(Tools/fuzz/run.sh --list); do \
	  if Tools/fuzz/run.sh $$h -runs=2000 >.build-fuzz/smoke-$$h.log 2>&1; then \
	    echo "fuzz-smoke $$h: $$(grep -o 'number_of_executed_units: [0-9]*' .build-fuzz/smoke-$$h.log), no crash"; \
	  else echo "fuzz-smoke $$h FAILED:"; tail -n 30 .build-fuzz/smoke-$$h.log; exit 1; fi; \
	done

demo: build
	./scripts/demo.sh

clean:
	rm -rf .build .build-fuzz
