#!/usr/bin/env bash
# Builds the fuzz harnesses (clang, ASan+UBSan, build-fuzz/) and runs one:
#   tests/fuzz/run.sh pprof_text 300      # harness name, seconds
# New inputs go to build-fuzz/corpus/<name>; crashes to build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1
secs=${2:-60}
if [[ ! -f build-fuzz/build.ninja ]]; then
  CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=disabled -Db_lundef=false --buildtype=debugoptimized
fi
ninja -C build-fuzz "tests/fuzz/fuzz_$name"
mkdir -p "build-fuzz/corpus/$name" build-fuzz/crashes
dict=()
[[ -f "tests/fuzz/$name.dict" ]] && dict=(-dict="tests/fuzz/$name.dict")
exec "build-fuzz/tests/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/ "${dict[@]}" \
  "build-fuzz/corpus/$name" "tests/fuzz/seeds/$name"
