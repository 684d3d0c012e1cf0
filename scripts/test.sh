#!/usr/bin/env bash
# Runs every test: the unit suites (Check) and the end-to-end suite (real
# gccgo programs under the shim), then the unit suites again in an
# AddressSanitizer + UBSan build, then a brief libFuzzer run of every fuzz
# harness (tests/fuzz; one test each: a crash, leak, timeout or UBSan report
# fails it; skipped without clang's libFuzzer), then the Debian package
# (scripts/check_deb.sh, one test). Ends with one line:
# N passed, N failed, N skipped. GOLEASH_FUZZ_SECONDS sets the time per
# harness (default 20; 0 skips the fuzz pass).
set -uo pipefail
cd "$(dirname "$0")/.."

[[ -f build/build.ninja ]] || meson setup build --buildtype=debugoptimized >/dev/null
ninja -C build || { echo "0 passed, 1 failed"; exit 1; }

# A CI log is often read from its end only: every failure is named again
# there, with its last lines, just above the count.
failures=$(mktemp)
trap 'rm -f "$failures"' EXIT
count() { # testlog.json -> "ok fail skip"; failures appended to $failures
  python3 - "$1" "$failures" <<'PY'
import json, sys
ok = fail = skip = 0
with open(sys.argv[2], "a") as out:
    for line in open(sys.argv[1]):
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"): ok += 1
        elif r == "SKIP": skip += 1
        else:
            fail += 1
            tail = (t.get("stdout") or "").splitlines()[-25:]
            out.write(f"FAILED: {t.get('name')} ({r}, {t.get('duration', 0):.1f}s)\n")
            out.writelines(f"  | {l}\n" for l in tail)
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

# Fuzzing: from the committed seeds into a fresh corpus, so a CI run does
# not depend on what earlier runs found; two harnesses per core pair at once.
fuzz_secs=${GOLEASH_FUZZ_SECONDS:-20}
harnesses=()
for f in tests/fuzz/fuzz_*.c; do
  n=${f##*/fuzz_}
  harnesses+=("${n%.c}")
done
ok3=0; fail3=0; skip3=0
fuzz_probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
  >"$fuzz_probe/probe.c"
if [[ $fuzz_secs == 0 ]]; then
  echo "fuzz: SKIPPED ${#harnesses[@]} harness(es): GOLEASH_FUZZ_SECONDS=0"
  skip3=${#harnesses[@]}
elif ! command -v clang >/dev/null \
     || ! clang -fsanitize=fuzzer,address,undefined "$fuzz_probe/probe.c" -o "$fuzz_probe/probe" 2>/dev/null; then
  echo "fuzz: SKIPPED ${#harnesses[@]} harness(es): clang with the libFuzzer runtime not found" \
       "(apt-get install clang libclang-rt-14-dev)"
  skip3=${#harnesses[@]}
elif ! tests/fuzz/run.sh --build; then
  echo "fuzz: FAILED: the harnesses do not build (build-fuzz/)"
  fail3=${#harnesses[@]}
else
  out=build-fuzz/ci
  rm -rf "$out"
  mkdir -p "$out"
  for name in "${harnesses[@]}"; do
    mkdir -p "$out/corpus/$name"
    echo "FUZZ_NO_BUILD=1 FUZZ_CORPUS=$out/corpus/$name FUZZ_ARTIFACTS=$out/$name- tests/fuzz/run.sh $name $fuzz_secs >$out/$name.log 2>&1; echo \$? >$out/$name.rc"
  done | xargs -P "$(nproc)" -I{} bash -c {}
  for name in "${harnesses[@]}"; do
    rc=$(cat "$out/$name.rc" 2>/dev/null || echo missing)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
    if [[ $rc == 0 ]]; then
      echo "fuzz: $name: ok, ${runs:-?} runs in ${fuzz_secs}s"
      ok3=$((ok3 + 1))
    else
      artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out/$name.log" | head -n 1)
      grep -m 1 -E '^(SUMMARY|==[0-9]+==ERROR)|runtime error' "$out/$name.log" | sed 's/^/  /'
      echo "fuzz: $name: FAILED (exit $rc), input: ${artifact:-none written}, log: $out/$name.log"
      fail3=$((fail3 + 1))
    fi
  done
fi
rm -rf "$fuzz_probe"

# The Debian package: builds, holds what meson installs, and its goleash
# reports the leaky example (GOLEASH_DEB_INSTALL=1, as CI sets: installed
# with apt; otherwise unpacked into a temporary root).
ok4=0; fail4=0
if scripts/check_deb.sh; then ok4=1; else fail4=1; fi

ok=$((ok1 + ok2 + ok3 + ok4)); fail=$((fail1 + fail2 + fail3 + fail4)); skip=$((skip1 + skip2 + skip3))
[[ $fail4 -eq 0 ]] || echo "FAILED: the Debian package (scripts/check_deb.sh)" >>"$failures"
[[ $fail3 -eq 0 ]] || echo "FAILED: $fail3 fuzz harness(es), named above" >>"$failures"
cat "$failures"
echo "$ok passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
