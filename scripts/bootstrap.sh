#!/usr/bin/env bash
# Sets up a fresh Debian (bookworm) machine for goleash, builds it, and runs
# the main job: a leaky example program built with gc under `goleash run`,
# then built with gccgo under the shim, showing the reports.
#   --no-demo   install and build only (CI)
# Go itself is the machine's: gc at /usr/local/go (never whatever `go` is
# first in PATH); Go 1.27 is fetched through the module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=1
[[ "${1:-}" == "--no-demo" ]] && demo=0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# libunwind-dev conflicts with and replaces the image's LLVM libunwind-14-dev:
# name it explicitly so apt resolves the conflict in its favour.
packages=(gccgo golang-go libunwind-dev uthash-dev check meson ninja-build pkg-config
          libdw-dev libelf-dev libjansson-dev nettle-dev zlib1g-dev python3 gcc valgrind
          libprotobuf-c-dev protobuf-c-compiler libgraphviz-dev chromium
          clang libclang-rt-14-dev time gzip man-db debhelper dpkg-dev libcurl4-openssl-dev
          libmicrohttpd-dev prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
# The prometheus package starts a server of its own; the watch test starts
# its own on a free loopback port and never uses it.
$SUDO systemctl disable --now prometheus 2>/dev/null || true

GO=/usr/local/go/bin/go
GO_NEWEST=go1.27.3
if [[ ! -x $GO ]]; then
  echo "bootstrap: no Go at $GO (the gc toolchain goleash's gc backend is tested with)" >&2
  exit 1
fi
# The newest release for the gc suite, and the release older than any
# layout table (tests/gc/run_unsupported.py's --old-toolchain): fetched
# now, so that a missing or slow module proxy fails here, never in the
# middle of the tests.
GO_UNSUPPORTED=go1.18.10
for tc in "$GO_NEWEST" "$GO_UNSUPPORTED"; do
  echo "==> $($GO version); fetching $tc"
  GOTOOLCHAIN=$tc GOFLAGS= "$GO" version
done

if [[ ! -f build/build.ninja ]]; then
  meson setup build --buildtype=debugoptimized
fi
ninja -C build

if ((demo)); then
  mkdir -p build/examples
  echo "==> a gc build: $GO build -o build/examples/leaky-gc examples/leaky/main.go"
  GOTOOLCHAIN=local GOFLAGS= "$GO" build -o build/examples/leaky-gc examples/leaky/main.go
  echo "==> build/analyzer/goleash run -- build/examples/leaky-gc"
  set +e
  build/analyzer/goleash run -- build/examples/leaky-gc
  rc=$?
  set -e
  echo "==> exit code $rc (1: leaks found)"
  echo
  echo "==> a gccgo build under the shim alone"
  gccgo -g -O0 examples/leaky/main.go -o build/examples/leaky
  echo "==> LD_PRELOAD=build/shim/libgoleash.so build/examples/leaky"
  set +e
  LD_PRELOAD="$PWD/build/shim/libgoleash.so" build/examples/leaky
  rc=$?
  set -e
  echo "==> exit code $rc (23: leaks found)"
  echo "==> the same with file:line, via the analyzer: build/analyzer/goleash run -- build/examples/leaky"
  build/analyzer/goleash run -- build/examples/leaky || true
fi
