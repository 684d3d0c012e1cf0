#!/usr/bin/env bash
# Runs every test: the unit suites (Check) and the end-to-end suite (real
# gccgo programs under the shim), then the unit suites again in an
# AddressSanitizer + UBSan build. Ends with one line: N passed, N failed.
set -uo pipefail
cd "$(dirname "$0")/.."

[[ -f build/build.ninja ]] || meson setup build --buildtype=debugoptimized >/dev/null
ninja -C build || { echo "0 passed, 1 failed"; exit 1; }

count() { # testlog.json -> "ok fail skip"
  python3 - "$1" <<'PY'
import json, sys
ok = fail = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r == "SKIP": skip += 1
    else: fail += 1
print(ok, fail, skip)
PY
}

meson test -C build -v --num-processes "$(nproc)"
read -r ok1 fail1 skip1 < <(count build/meson-logs/testlog.json)

# Sanitizers: the analyzer, the common library and the shim's core under
# ASan+UBSan. (The preloaded shim itself cannot carry ASan into gccgo
# programs, so the end-to-end suite runs in the plain build above.)
if [[ ! -f build-asan/build.ninja ]]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug >/dev/null
fi
ninja -C build-asan || { echo "$ok1 passed, $((fail1 + 1)) failed"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan -v --suite unit --num-processes "$(nproc)"
read -r ok2 fail2 skip2 < <(count build-asan/meson-logs/testlog.json)

ok=$((ok1 + ok2)); fail=$((fail1 + fail2)); skip=$((skip1 + skip2))
echo "$ok passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
