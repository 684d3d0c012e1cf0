#!/usr/bin/env bash
# goleash overhead benchmark: runs gccgo microbenchmarks with and without the
# LD_PRELOAD shim in one run and compares them against the overhead targets,
# then the gc backend's cost (scripts/bench/gc/gc_overhead.py: `go test`
# with and without `-exec 'goleash run --'`, and the snapshot pause).
#
#   scripts/bench.sh [--quick] [--runs N] [--keep] [--no-gc]
#   SHIM=/path/to/libgoleash.so GOLEASH=/path/to/goleash GO=/path/to/go scripts/bench.sh
#
# Each benchmark (scripts/bench/*.go) times its own hot loop with time.Now()
# and prints one line "RESULT <name> ns_per_op=... ...", so process start-up
# and the shim's init/exit work are excluded; but the whole-program rows
# (exitcost.go, timed from outside by bench/walltime.py with the shim's
# default options: start, 1,000 parked goroutines, exit report; on one P,
# and on two as information) include them. Every configuration is run RUNS
# times, alternating without/with the shim; the median is reported.
#
# The gc and analyzer sections print their own tables too; the run ends with
# one table of every measurement, its target and result (bench/summary.py).
#
# Exit status: 0 all targets met, 1 a target missed, 2 setup problem
# (shim missing, gccgo missing, build failure, a benchmark crashed).
# GO is the gc toolchain (default /usr/local/go/bin/go, never PATH's).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
src="$here/bench"

SHIM="${SHIM:-$root/build/shim/libgoleash.so}"
GOLEASH="${GOLEASH:-$root/build/analyzer/goleash}"
GO="${GO:-/usr/local/go/bin/go}"
gc=1
GOLEASH_BENCH_OPTIONS="${GOLEASH_BENCH_OPTIONS:-report=0:exitcode=0}"
RUN_TIMEOUT="${RUN_TIMEOUT:-600}"
quick=0
keep=0
runs=""

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --runs) shift; runs="${1:?--runs needs a number}" ;;
        --runs=*) runs="${1#--runs=}" ;;
        --keep) keep=1 ;;
        --no-gc) gc=0 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

die2() { echo "bench.sh: $*" >&2; exit 2; }

# ---- preconditions -------------------------------------------------------
if [ ! -f "$SHIM" ]; then
    echo "bench.sh: shim not found: $SHIM" >&2
    echo "bench.sh: build it first:  (cd $root && meson setup build && ninja -C build)" >&2
    echo "bench.sh: or point SHIM=/path/to/libgoleash.so at an existing build" >&2
    exit 2
fi
SHIM="$(cd "$(dirname "$SHIM")" && pwd)/$(basename "$SHIM")"
command -v gccgo >/dev/null || die2 "gccgo not found (apt-get install gccgo)"
command -v python3 >/dev/null || die2 "python3 not found"

# Iterations: full / quick.
if [ "$quick" = 1 ]; then
    n_pingpong=100000; n_buffered=1000000; n_spawn=100000; n_fanin=100000; n_park=100000
    n_spawnpark=20000; n_manyshort=50000; n_firstpark=20000
    : "${runs:=3}"
else
    n_pingpong=1000000; n_buffered=10000000; n_spawn=1000000; n_fanin=1000000; n_park=100000
    n_spawnpark=100000; n_manyshort=200000; n_firstpark=50000
    : "${runs:=5}"
fi
n_exitcost=1000
case "$runs" in ''|*[!0-9]*|0) die2 "--runs must be a positive integer" ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/goleash-bench.XXXXXX")"
cleanup() { if [ "$keep" = 1 ]; then echo "bench.sh: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT

# Snapshot the shim so a rebuild during the run cannot mix two versions.
SHIM_ORIG="$SHIM"
cp "$SHIM_ORIG" "$work/libgoleash.so"
SHIM="$work/libgoleash.so"

# ---- build ---------------------------------------------------------------
benches="pingpong buffered spawn fanin parkrss spawnpark manyshort firstpark exitcost"
for b in $benches; do
    gccgo -O2 -g "$src/$b.go" "$src/lib/bench.go" -o "$work/$b" 2>"$work/$b.build.log" \
        || { cat "$work/$b.build.log" >&2; die2 "gccgo failed to build $b.go"; }
done

# ---- sanity check: does the shim actually preload? -----------------------
if ! LD_PRELOAD="$SHIM" GOLEASH_OPTIONS="$GOLEASH_BENCH_OPTIONS" \
        timeout "$RUN_TIMEOUT" "$work/spawn" 1000 >"$work/sanity.out" 2>"$work/sanity.err"; then
    cat "$work/sanity.err" >&2
    die2 "a benchmark failed under the shim (sanity run: spawn 1000)"
fi
if grep -q "cannot be preloaded" "$work/sanity.err"; then
    cat "$work/sanity.err" >&2
    die2 "ld.so refused to preload $SHIM"
fi

# ---- machine info ----------------------------------------------------------
gomaxprocs="$("$work/spawn" 10 | sed -n 's/.*gomaxprocs=\([0-9]*\).*/\1/p')"
echo "== goleash overhead benchmark"
echo "machine   : $(uname -srm), nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo '?')"
echo "gccgo     : $(gccgo --version | head -1)"
echo "loadavg   : $(cut -d" " -f1-3 /proc/loadavg) (other load skews results)"
echo "GOMAXPROCS: $gomaxprocs${GOMAXPROCS:+ (from env GOMAXPROCS=$GOMAXPROCS)}"
echo "shim      : $SHIM_ORIG ($(stat -c '%y' "$SHIM_ORIG" | cut -d. -f1), sha256 $(sha256sum "$SHIM" | cut -c1-12), snapshot used)"
echo "options   : GOLEASH_OPTIONS=$GOLEASH_BENCH_OPTIONS"
echo "runs      : $runs per config, alternating without/with, median$([ "$quick" = 1 ] && echo ', QUICK mode (reduced iterations)')"
echo

# ---- run -------------------------------------------------------------------
# results file: "<bench> <config> <RESULT line fields...>"
res="$work/results.txt"
: >"$res"
# Every section adds its rows here (bench/summary.py); printed at the end.
export GOLEASH_BENCH_SUMMARY="$work/summary.tsv"
: >"$GOLEASH_BENCH_SUMMARY"

run_one() { # bench config arg
    local b="$1" cfg="$2" arg="$3" out="$work/$1.$2.out" err="$work/$1.$2.err" rc=0
    local gmp="${GOMAXPROCS:-}"
    [ "$b" = parkrss ] && gmp=1 # see parkrss.go
    # The whole program on one P: on two, libgo's init starts a second
    # thread in a third to half of the runs, with or without the shim, and
    # records its creating stack with runtime.callers, whose first call
    # inflates libgo's compressed DWARF: ~100 ms, three times the program's
    # own time, so a median compares one kind of run with the other.
    # exitcost2p keeps two Ps, as information.
    [ "$b" = exitcost ] && gmp=1
    if [ "$b" = exitcost ] || [ "$b" = exitcost2p ]; then
        # The whole program, timed from outside, the shim with its defaults
        # (the exit report on; 23 is its exit status for the parked ones).
        local pre=()
        [ "$cfg" = shim ] && pre=(--preload "$SHIM" --options "")
        env ${gmp:+GOMAXPROCS=$gmp} timeout "$RUN_TIMEOUT" python3 "$src/walltime.py" "$b" "${pre[@]}" -- \
            "$work/exitcost" "$arg" >"$out" 2>"$err" || rc=$?
    elif [ "$cfg" = shim ]; then
        env LD_PRELOAD="$SHIM" GOLEASH_OPTIONS="$GOLEASH_BENCH_OPTIONS" ${gmp:+GOMAXPROCS=$gmp} \
            timeout "$RUN_TIMEOUT" "$work/$b" "$arg" >"$out" 2>"$err" || rc=$?
    else
        env -u LD_PRELOAD -u GOLEASH_OPTIONS ${gmp:+GOMAXPROCS=$gmp} \
            timeout "$RUN_TIMEOUT" "$work/$b" "$arg" >"$out" 2>"$err" || rc=$?
    fi
    local line
    line="$(grep -m1 "^RESULT $b " "$out" || true)"
    if [ "$rc" != 0 ] || [ -z "$line" ]; then
        echo "bench.sh: $b ($cfg) failed: exit status $rc$([ "$rc" = 124 ] && echo ' (timeout)')" >&2
        tail -n 20 "$err" >&2 || true
        exit 2
    fi
    echo "$b $cfg ${line#RESULT $b }" >>"$res"
}

for b in $benches exitcost2p; do
    case "$b" in
        pingpong) arg=$n_pingpong ;; buffered) arg=$n_buffered ;; spawn) arg=$n_spawn ;;
        fanin) arg=$n_fanin ;; parkrss) arg=$n_park ;; spawnpark) arg=$n_spawnpark ;;
        manyshort) arg=$n_manyshort ;; firstpark) arg=$n_firstpark ;; exitcost|exitcost2p) arg=$n_exitcost ;;
    esac
    printf 'running %-9s (n=%s) ' "$b" "$arg" >&2
    n_runs=$runs
    case "$b" in exitcost*) n_runs=$((3 * runs)) ;; esac # short, and the noisiest: more runs
    for ((i = 0; i < n_runs; i++)); do
        run_one "$b" base "$arg"; printf '.' >&2
        run_one "$b" shim "$arg"; printf '+' >&2
    done
    echo >&2
done
echo >&2

# ---- report ----------------------------------------------------------------
set +e
python3 - "$res" "$n_park" "$src" <<'PY'
import sys, statistics
res, n_park = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
from summary import add
data = {}
for line in open(res):
    f = line.split()
    b, cfg = f[0], f[1]
    kv = dict(x.split("=", 1) for x in f[2:])
    data.setdefault(b, {}).setdefault(cfg, []).append(kv)

def med(b, cfg, key):
    return statistics.median(float(r[key]) for r in data[b][cfg])

def spread(b, cfg, key):
    v = [float(r[key]) for r in data[b][cfg]]
    return min(v), max(v)

targets = {"pingpong": 1.5, "buffered": 1.1, "spawn": 1.5, "fanin": None,
           "spawnpark": 1.05, "manyshort": 1.05, "exitcost": 1.05, "exitcost2p": None}
desc = {
    "pingpong": "unbuffered ping-pong (ns/round trip)",
    "buffered": "buffered chan cap 1024 (ns/item)",
    "spawn":    "spawn+exit goroutine (ns/goroutine)",
    "fanin":    "select fan-in 4->1 (ns/item)",
    "spawnpark": "spawn, park once, release (ns/gorout.)",
    "manyshort": "goroutine per request (ns/request)",
    "exitcost": "whole program, 1000 gor. (ns, wall)",
    "exitcost2p": "  the same on two Ps (libgo's stall)",
}
ratio_rows = ["pingpong", "buffered", "spawn", "fanin", "spawnpark", "manyshort", "exitcost", "exitcost2p"]
ok = True
print(f"{'benchmark':<38} {'no-shim':>10} {'shim':>10} {'ratio':>7} {'target':>8}  result")
print("-" * 86)
for b in ratio_rows:
    base, shim = med(b, "base", "ns_per_op"), med(b, "shim", "ns_per_op")
    r = shim / base
    t = targets[b]
    if t is None:
        verdict, ts = "(info)", "-"
    else:
        verdict, ts = ("ok" if r <= t else "MISS"), f"<={t}"
        ok &= r <= t
    print(f"{desc[b]:<38} {base:>10.1f} {shim:>10.1f} {r:>7.3f} {ts:>8}  {verdict}")
    add("shim", desc[b].strip(), f"{r:.3f}x", ts if t else "-", verdict.strip("()"))

# Absolute rows: extra time, not a ratio.
def extra_row(label, extra_us, target_us):
    global ok
    good = extra_us <= target_us
    ok &= good
    print(f"{label:<38} {'':>10} {extra_us:>8.2f}us {'':>7} {f'<={target_us}us':>8}  {'ok' if good else 'MISS'}")
    add("shim", label, f"{extra_us:.2f}us", f"<={target_us}us", "ok" if good else "MISS")

# The park itself: the loop with a park minus the one without, with the
# shim minus without (spawn and exit cancel out).
fp = lambda cfg: med("firstpark", cfg, "ns_per_op") - med("firstpark", cfg, "unparked_ns")
extra_row("first park of a new goroutine (extra)", (fp("shim") - fp("base")) / 1000, 10)
ex = lambda cfg: med("exitcost", cfg, "exit_ns")
extra_row("exit, 1000 goroutines (extra)", (ex("shim") - ex("base")) / 1000, 20000)
print(f"  (first park: {fp('base'):.0f} vs {fp('shim'):.0f} ns a park; exit: {ex('base')/1e6:.1f} vs {ex('shim')/1e6:.1f} ms from main's end to reaped)")
cb, cs = med("exitcost", "base", "cpu_ns"), med("exitcost", "shim", "cpu_ns")
print(f"  (whole program CPU time, user+system: {cb/1e6:.1f} vs {cs/1e6:.1f} ms, ratio {cs/cb:.3f}, info)")
add("shim", "whole program CPU time (user+system)", f"{cs/cb:.3f}x")
print()
print("  spread (min..max ns/op):")
for b in ratio_rows + ["firstpark"]:
    (a1, a2), (b1, b2) = spread(b, "base", "ns_per_op"), spread(b, "shim", "ns_per_op")
    print(f"    {b:<9} no-shim {a1:.1f}..{a2:.1f}   shim {b1:.1f}..{b2:.1f}")
print()

MiB = 1024 * 1024
hb, hs = med("parkrss", "base", "vmhwm"), med("parkrss", "shim", "vmhwm")
rb, rs = med("parkrss", "base", "vmrss"), med("parkrss", "shim", "vmrss")
per_hwm = (hs - hb) / n_park
per_rss = (rs - rb) / n_park
print(f"parked goroutines: {n_park} (median of runs)")
print(f"  {'':<10} {'no-shim':>12} {'shim':>12} {'delta':>12} {'bytes/goroutine':>16}")
print(f"  {'VmHWM':<10} {hb/MiB:>10.1f}Mi {hs/MiB:>10.1f}Mi {(hs-hb)/MiB:>10.1f}Mi {per_hwm:>16.0f}")
print(f"  {'VmRSS':<10} {rb/MiB:>10.1f}Mi {rs/MiB:>10.1f}Mi {(rs-rb)/MiB:>10.1f}Mi {per_rss:>16.0f}")
lo_b, hi_b = spread("parkrss", "base", "vmhwm")
lo_s, hi_s = spread("parkrss", "shim", "vmhwm")
print(f"  VmHWM spread: no-shim {lo_b/MiB:.1f}..{hi_b/MiB:.1f}Mi, shim {lo_s/MiB:.1f}..{hi_s/MiB:.1f}Mi")
pb, ps = med("parkrss", "base", "ns_per_op"), med("parkrss", "shim", "ns_per_op")
print(f"  spawn-to-parked time: {pb:.0f} vs {ps:.0f} ns/goroutine (ratio {ps/pb:.3f}, info)")
per = max(per_hwm, per_rss)
rss_ok = per <= 300
ok &= rss_ok
print(f"  extra bytes per parked goroutine: {per:.0f} (max of VmHWM/VmRSS)  target <=300  {'ok' if rss_ok else 'MISS'}")
add("shim", "extra bytes per parked goroutine", f"{per:.0f} B", "<=300 B", "ok" if rss_ok else "MISS")
print()
print("VERDICT: PASS (all targets met)" if ok else "VERDICT: FAIL (target missed, see MISS above)")
sys.exit(0 if ok else 1)
PY
rc=$?

if [ "$gc" = 1 ]; then
    echo
    [ -x "$GOLEASH" ] || die2 "goleash not found: $GOLEASH"
    [ -x "$GO" ] || die2 "gc toolchain not found: $GO (GO=/path/to/go)"
    gc_args=(--goleash "$GOLEASH" --go "$GO" --runs "$runs")
    [ "$quick" = 1 ] && gc_args+=(--packages sync,context --sizes 10000)
    python3 "$here/bench/gc/gc_overhead.py" "${gc_args[@]}"
    gc_rc=$?
    [ "$gc_rc" -gt "$rc" ] && rc=$gc_rc
fi
[ "${GOLEASH_BENCH_ANALYZER:-1}" = 0 ] || { echo; GOLEASH="$GOLEASH" "$here/bench/analyzer.sh" $([ "$quick" = 1 ] && echo --quick) || { arc=$?; rc=$((arc > rc ? arc : rc)); }; } # analyzer table (issue 13); GOLEASH_BENCH_ANALYZER=0 skips it
echo
python3 "$src/summary.py" "$GOLEASH_BENCH_SUMMARY"
set -e
exit "$rc"
