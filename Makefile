# The two commands of the README:
#   make demo   build everything, then run the main job end to end on the corpus in corpora/
#   make test   build everything, then run the whole test suite (release mode)
# Each installs the system packages it needs first (idempotent).

SYSTEM_PACKAGES := pkg-config libicu-dev libdnnl-dev libopenmpi-dev openmpi-bin iproute2
# For the test that Python's safetensors loads what we write (skipped, saying why, when they cannot be installed).
PYTHON_PACKAGES := safetensors numpy
SWIFT_TEST_FLAGS := -c release --disable-swift-testing
# One GEMM thread in tests: the models there are tiny, and results stay reproducible run to run.
TEST_ENV := OMP_NUM_THREADS=1
NMT := .build/release/nmt

.PHONY: deps build test demo clean

deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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

demo: build
	./scripts/demo.sh

clean:
	rm -rf .build
