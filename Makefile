# The two commands of the README:
#   make demo   build everything, then run the main job end to end on the corpus in corpora/
#   make test   build everything, then run the whole test suite (release mode)
# Each installs the system packages it needs first (idempotent).

SYSTEM_PACKAGES := pkg-config libicu-dev libdnnl-dev
# Only for `make test`: the browser test of `nmt serve`'s page drives headless Chromium (it skips without it).
TEST_PACKAGES := chromium
SWIFT_TEST_FLAGS := -c release --disable-swift-testing
# One GEMM thread in tests: the models there are tiny, and results stay reproducible run to run.
TEST_ENV := OMP_NUM_THREADS=1
NMT := .build/release/nmt

.PHONY: deps build test demo clean

deps:
	@missing=""; for p in $(SYSTEM_PACKAGES) $(if $(filter test,$(MAKECMDGOALS)),$(TEST_PACKAGES)); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; \
	fi

build: deps
	swift build -c release

test: deps
	$(TEST_ENV) swift test $(SWIFT_TEST_FLAGS)

demo: build
	./scripts/demo.sh

clean:
	rm -rf .build
