# A thin wrapper over CMake, so that two commands do all the set-up:
#   make run    installs what is missing, builds, and runs `concviz loiter`
#   make test   installs what is missing, builds, and runs every test
# and, to install: `make install PREFIX=DIR` (default /usr/local) puts
# bin/concviz, its man page and its bash completion under DIR; `make deb`
# makes build/concviz_VERSION_ARCH.deb with CPack.
# Missing Debian packages are installed with apt-get (as root, or through
# sudo); without either, the exact command to run is printed.

DEBIAN_PACKAGES := cmake make gcc pkg-config libncurses-dev libcurl4-openssl-dev \
                   libmicrohttpd-dev libgif-dev libcjson-dev libzstd-dev libcmocka-dev tmux \
                   python3 python3-httpx zstd
# Only the benchmarks need these: CPython's side of the comparison.
BENCH_PACKAGES := python3-aiohttp
# Only make fuzz needs these: clang and its libFuzzer runtime.
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev
FUZZ_CC ?= $(shell command -v clang-14 || command -v clang || echo clang-14)
FUZZ_SECONDS ?= 45
# Only make deb needs these: dpkg-shlibdeps computes the package's Depends.
DEB_PACKAGES := dpkg-dev
# Where make install puts bin/concviz, the man page and the completion.
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ARGS ?=


.PHONY: all deps bench-deps deb-deps fuzz-deps fuzz install-packages build run test test-asan test-tsan test-all bench screenshots screenshots-record install deb clean

all: build

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEBIAN_PACKAGES)"

bench-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(BENCH_PACKAGES)"

fuzz-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(FUZZ_PACKAGES)"

deb-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

install-packages:
	@missing=""; for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "concviz: installing Debian packages:$$missing"; \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else echo "concviz: please run: sudo apt-get install$$missing"; exit 1; fi; \
	fi

build: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS)

run: build
	./build/concviz loiter $(ARGS)

test: build
	ctest --preset default -j $(JOBS)

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

test-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

test-all: test test-asan test-tsan

# The replay fuzz target under libFuzzer for FUZZ_SECONDS (tests/fuzz/run.sh).
fuzz: deps fuzz-deps
	@cmake --preset fuzz -DCMAKE_C_COMPILER=$(FUZZ_CC) >/dev/null
	@cmake --build --preset fuzz --target fuzz_replay -j $(JOBS)
	bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

bench: build bench-deps
	@cmake --build --preset default --target benchmarks -j $(JOBS)
	bash tests/bench/run.sh build

screenshots: build
	@cmake --build --preset default --target screenshots

screenshots-record: build
	@cmake --build --preset default --target screenshots-record

install: build
	cmake --install build --prefix "$(PREFIX)"

deb: build deb-deps
	cd build && cpack -G DEB

clean:
	rm -rf build build-asan build-tsan
