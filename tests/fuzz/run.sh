#!/usr/bin/env bash
# Builds the fuzz harnesses (clang, ASan+UBSan, build-fuzz/) and runs one:
#   tests/fuzz/run.sh pprof_text 300      # harness name, seconds
#   tests/fuzz/run.sh load 600 -seed=1    # more arguments go to libFuzzer
#   tests/fuzz/run.sh --build             # only build them all
# New inputs go to $FUZZ_CORPUS (default build-fuzz/corpus/<name>), crashes,
# leaks and timeouts to $FUZZ_ARTIFACTS (a prefix, default build-fuzz/crashes/).
# FUZZ_NO_BUILD=1 skips the build (scripts/test.sh builds once, then runs
# several harnesses at a time).
set -euo pipefail
cd "$(dirname "$0")/../.."
build() {
  if [[ ! -f build-fuzz/build.ninja ]]; then
    CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=disabled -Db_lundef=false --buildtype=debugoptimized
  fi
  ninja -C build-fuzz "$@"
}
if [[ ${1:-} == --build ]]; then
  targets=()
  for f in tests/fuzz/fuzz_*.c; do
    n=${f##*/}
    targets+=("tests/fuzz/${n%.c}")
  done
  build "${targets[@]}"
  exit
fi
name=${1:?usage: tests/fuzz/run.sh NAME [SECONDS] [libFuzzer args...] | --build}
secs=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
[[ ${FUZZ_NO_BUILD:-0} == 1 ]] || build "tests/fuzz/fuzz_$name"
corpus=${FUZZ_CORPUS:-build-fuzz/corpus/$name}
artifacts=${FUZZ_ARTIFACTS:-build-fuzz/crashes/}
mkdir -p "$corpus" "$(dirname "${artifacts}x")"
dict=()
[[ -f "tests/fuzz/$name.dict" ]] && dict=(-dict="tests/fuzz/$name.dict")
exec "build-fuzz/tests/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" "$@" \
  "$corpus" "tests/fuzz/seeds/$name"
