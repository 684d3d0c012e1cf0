#!/usr/bin/env bash
# goleash offline-report benchmark: `goleash report` on standard gc goroutine
# dumps (runtime.Stack / pprof debug=2 text) of 1k, 100k and 1M goroutines,
# against the parse targets.
#
#   scripts/bench_parse.sh [--sizes 1000,100000,1000000] [--runs N] [--style stack|sigquit]
#                          [--data DIR] [--regen] [--no-gzip] [--no-analyzer] [--analyzer-only]
#   GOLEASH=/path/to/goleash scripts/bench_parse.sh
#
# Dumps come from scripts/bench/gen_gcdump.c (built here with cc -O2), seeded,
# into DIR (default ${TMPDIR:-/tmp}/goleash-parse-bench; ~1.1 GB for 1M plus
# its .gz); they are reused while the generator and its arguments are unchanged
# (--regen forces). Every size is reported RUNS times with --format json to
# /dev/null (median wall time, max peak RSS); the largest size also in text
# format and gzip'd. Process start-up (median of `goleash --version`) is taken
# off before ns/goroutine so small dumps are comparable.
#
# Targets: >= 500 MB/s (largest size, json); largest size reported in < 5 s
# (json and text); peak RSS < input size (sizes >= 100k: below that the
# process's fixed RSS dominates); ns/goroutine at the largest size <= 1.5x the
# 100k figure and <= 2x the 1k figure (O(n log n) or better).
#
# Then scripts/bench/analyzer.sh (unless --no-analyzer; --analyzer-only runs
# only it): every dump shape against wc -l, peak RSS against input size, the
# peer parsers and live leak checks, in one table (issue 13; see there).
#
# Exit status: 0 all targets met, 1 a target missed, 2 setup problem or
# goleash failed on a dump (exit 2 or a signal; exit 1 "leaks found" is normal);
# the worse of this table's and analyzer.sh's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
GOLEASH="${GOLEASH:-$root/build/analyzer/goleash}"
data="${TMPDIR:-/tmp}/goleash-parse-bench"
sizes="1000,100000,1000000"
runs=3
style=stack
regen=0
gzip_run=1
seed=1
analyzer=1

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; }
die2() { echo "bench_parse.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) shift; sizes="${1:?--sizes needs a list}" ;;
        --sizes=*) sizes="${1#--sizes=}" ;;
        --runs) shift; runs="${1:?--runs needs a number}" ;;
        --runs=*) runs="${1#--runs=}" ;;
        --style) shift; style="${1:?--style needs stack or sigquit}" ;;
        --style=*) style="${1#--style=}" ;;
        --data) shift; data="${1:?--data needs a directory}" ;;
        --data=*) data="${1#--data=}" ;;
        --regen) regen=1 ;;
        --no-gzip) gzip_run=0 ;;
        --no-analyzer) analyzer=0 ;;
        --analyzer-only) analyzer=2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench_parse.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$runs" in ''|*[!0-9]*|0) die2 "--runs must be a positive integer" ;; esac
case "$style" in stack|sigquit) ;; *) die2 "--style must be stack or sigquit" ;; esac
IFS=, read -r -a size_list <<<"$sizes"
for n in "${size_list[@]}"; do
    case "$n" in ''|*[!0-9]*|0) die2 "--sizes: '$n' is not a positive integer" ;; esac
done

# ---- preconditions -------------------------------------------------------
[ -x "$GOLEASH" ] || die2 "goleash not found: $GOLEASH (build it: meson setup build && ninja -C build, or set GOLEASH=)"
if [ "$analyzer" = 2 ]; then
    GOLEASH="$GOLEASH" exec "$here/bench/analyzer.sh" --runs "$runs"
fi
[ -x /usr/bin/time ] || die2 "/usr/bin/time not found (apt-get install time)"
command -v cc >/dev/null || die2 "cc not found"
command -v python3 >/dev/null || die2 "python3 not found"
if [ "$gzip_run" = 1 ]; then command -v gzip >/dev/null || die2 "gzip not found (or use --no-gzip)"; fi
mkdir -p "$data"

# ---- generator -----------------------------------------------------------
gen="$data/gen_gcdump"
gen_src="$here/bench/gen_gcdump.c"
gen_id="$(sha256sum "$gen_src" | cut -c1-16)"
if [ ! -x "$gen" ] || [ "$(cat "$gen.id" 2>/dev/null)" != "$gen_id" ]; then
    cc -O2 -std=c11 -Wall -Wextra -Werror "$gen_src" -o "$gen" -lm || die2 "cannot build $gen_src"
    echo "$gen_id" >"$gen.id"
fi

label() { # 1000 -> 1k, 1000000 -> 1M
    local n=$1
    if [ $((n % 1000000)) = 0 ]; then echo "$((n / 1000000))M"
    elif [ $((n % 1000)) = 0 ]; then echo "$((n / 1000))k"
    else echo "$n"; fi
}

# dump N [gz] -> path; (re)generates when the stamp differs.
dump() {
    local n=$1 gz=${2:-} base f stamp
    base="$data/gc-$style-$(label "$n")"
    f="$base.txt${gz:+.gz}"
    stamp="gen=$gen_id n=$n seed=$seed style=$style gz=${gz:-0}"
    if [ "$regen" = 1 ] || [ ! -f "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -f "$f" "$f.stamp"
        "$gen" -n "$n" -s "$seed" --style "$style" -o "$f" ${gz:+-z} -m "$base.meta" >&2 \
            || die2 "generator failed for $f"
        echo "$stamp" >"$f.stamp"
    fi
    echo "$f"
}

largest=0
for n in "${size_list[@]}"; do [ "$n" -gt "$largest" ] && largest=$n; done

work="$(mktemp -d "${TMPDIR:-/tmp}/goleash-bench-parse.XXXXXX")"
trap 'rm -rf "$work"' EXIT
res="$work/results.txt"
: >"$res"

now_ns() { date +%s%N; }

# run_one TAG N FILE FORMAT [pipe]: one timed `goleash report`; appends
# "TAG n bytes wall_us rss_kb rc cpu_us" to the results (cpu: user + sys).
run_one() {
    local tag=$1 n=$2 f=$3 fmt=$4 pipe=${5:-} t0 t1 rc=0 rss
    t0=$(now_ns)
    if [ -n "$pipe" ]; then
        /usr/bin/time -f '%M %U %S' -o "$work/time" sh -c \
            'gzip -dc "$1" | "$2" report --format "$3" -o /dev/null /dev/stdin' sh "$f" "$GOLEASH" "$fmt" \
            2>"$work/err" || rc=$?
    else
        /usr/bin/time -f '%M %U %S' -o "$work/time" "$GOLEASH" report --format "$fmt" -o /dev/null "$f" \
            2>"$work/err" || rc=$?
    fi
    t1=$(now_ns)
    read -r rss user sys < <(tail -n 1 "$work/time")
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
        echo "bench_parse.sh: goleash report --format $fmt ${pipe:+(via gzip -dc) }$f: exit status $rc" >&2
        grep -v '^Command exited with non-zero status' "$work/err" | head -n 5 >&2 || true
        return 1
    fi
    echo "$tag $n $(stat -c %s "$f") $(( (t1 - t0) / 1000 )) $rss $rc $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1e6 }')" >>"$res"
}

# ---- machine info --------------------------------------------------------
echo "== goleash report on gc goroutine dumps ($style style)"
echo "machine : $(uname -srm), nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo '?')"
echo "loadavg : $(cut -d" " -f1-3 /proc/loadavg) (other load skews results)"
echo "goleash : $GOLEASH ($(stat -c '%y' "$GOLEASH" | cut -d. -f1))"
echo "data    : $data (seed $seed)"
echo "runs    : $runs per size (median wall, max RSS); start-up from $((runs * 5)) runs of --version"
echo

# ---- start-up baseline -------------------------------------------------------
for ((i = 0; i < runs * 5; i++)); do
    t0=$(now_ns); /usr/bin/time -f '%M %U %S' -o "$work/time" "$GOLEASH" --version >/dev/null; t1=$(now_ns)
    read -r rss user sys < <(tail -n 1 "$work/time")
    echo "startup 0 0 $(( (t1 - t0) / 1000 )) $rss 0 0" >>"$res"
done

# ---- runs ------------------------------------------------------------------
failed=0
for n in "${size_list[@]}"; do
    f="$(dump "$n")"
    printf 'report %-5s (%s MB) ' "$(label "$n")" "$(( $(stat -c %s "$f") / 1000000 ))" >&2
    r=$runs
    [ "$n" -le 10000 ] && r=$((runs * 5)) # tiny dumps: more runs against timer noise
    for ((i = 0; i < r; i++)); do
        run_one "json" "$n" "$f" json || { failed=1; break; }
        printf '.' >&2
    done
    if [ "$n" = "$largest" ] && [ "$failed" = 0 ]; then
        for ((i = 0; i < runs; i++)); do
            run_one "text" "$n" "$f" text || { failed=1; break; }
            printf 't' >&2
        done
        if [ "$gzip_run" = 1 ] && [ "$failed" = 0 ]; then
            fz="$(dump "$n" gz)"
            if run_one "gz-direct" "$n" "$fz" json 2>"$work/gz-direct.err"; then
                printf 'z' >&2
                for ((i = 1; i < runs; i++)); do run_one "gz-direct" "$n" "$fz" json && printf 'z' >&2; done
            else
                echo "(gz-direct skipped, goleash does not read .gz itself: $(tail -n +2 "$work/gz-direct.err" | head -n 1)) " >&2
            fi
            for ((i = 0; i < runs; i++)); do
                run_one "gz-pipe" "$n" "$fz" json pipe || { failed=1; break; }
                printf 'p' >&2
            done
        fi
    fi
    echo >&2
    [ "$failed" = 0 ] || break
done
echo >&2
if [ "$failed" = 1 ]; then
    echo "VERDICT: ERROR (goleash could not report on a generated dump; see above)"
    exit 2
fi

# ---- sanity: did the report group anything? (info, not a target) -------------
smallest="${size_list[0]}"
for n in "${size_list[@]}"; do [ "$n" -lt "$smallest" ] && smallest=$n; done
sanity_rc=0
"$GOLEASH" report --format json -o "$work/sanity.json" "$(dump "$smallest")" 2>/dev/null || sanity_rc=$?
meta="$data/gc-$style-$(label "$smallest").meta"
python3 - "$work/sanity.json" "$meta" "$(label "$smallest")" "$sanity_rc" <<'PY' || true
import json, sys
out, meta, lab, rc = sys.argv[1:]
m = dict(l.strip().split("=", 1) for l in open(meta))
try:
    s = json.load(open(out))["summary"]
    print(f"sanity ({lab}, exit {rc}): report says {s.get('goroutines')} goroutines, "
          f"{s.get('leaked_goroutines')} leaked in {s.get('groups')} groups; generator planted "
          f"{m['planted_leaks']} leaks at {m['leak_sites']} sites among {m['goroutines']} goroutines "
          f"({m['shapes_used']} other stack shapes)")
except Exception as e:
    print(f"sanity ({lab}, exit {rc}): no JSON summary from goleash ({type(e).__name__}); "
          f"generator planted {m['planted_leaks']} leaks at {m['leak_sites']} sites")
PY
echo

# ---- report ------------------------------------------------------------------
set +e
python3 - "$res" "$largest" "$data" "$style" <<'PY'
import sys, statistics, os
res, largest, data, style = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {}
for line in open(res):
    tag, n, size, us, rss, rc, cpu = line.split()
    rows.setdefault((tag, int(n)), []).append((int(size), int(us) / 1e6, int(rss) * 1024, int(cpu) / 1e6))

def agg(key):
    r = rows[key]
    return r[0][0], statistics.median(x[1] for x in r), max(x[2] for x in r), min(x[1] for x in r), max(x[1] for x in r)

def cpu(key):
    return statistics.median(x[3] for x in rows[key])

_, start, start_rss, _, _ = agg(("startup", 0))
def label(n):
    return f"{n//1000000}M" if n % 1000000 == 0 else f"{n//1000}k" if n % 1000 == 0 else str(n)

ok = True
verdicts = []
def check(name, good, detail):
    global ok
    ok &= good
    verdicts.append(f"  {'PASS' if good else 'FAIL'}  {name}: {detail}")

print(f"start-up (goleash --version): {start*1000:.1f} ms, {start_rss/2**20:.1f} MiB RSS")
print()
hdr = (f"{'run':<16} {'input MB':>9} {'wall s':>8} {'(min..max)':>15} {'MB/s':>8} {'CPU s':>7} {'MB/CPU-s':>9} "
       f"{'peak RSS MB':>12} {'RSS/input':>10} {'ns/goroutine':>13}")
print(hdr)
print("-" * len(hdr))
per = {}
for (tag, n) in sorted(rows, key=lambda k: (k[1], ["json", "text", "gz-direct", "gz-pipe"].index(k[0]) if k[0] != "startup" else -1)):
    if tag == "startup":
        continue
    size, wall, rss, lo, hi = agg((tag, n))
    mb = size / 1e6
    meta = os.path.join(data, f"gc-{style}-{label(n)}.meta")
    text_bytes = size
    if tag.startswith("gz"):
        try:
            text_bytes = int(dict(l.strip().split("=", 1) for l in open(meta))["text_bytes"])
        except Exception:
            pass
    net = max(wall - start, 1e-6)
    ns = net * 1e9 / n
    mbs = text_bytes / 1e6 / wall
    ratio = rss / text_bytes
    name = f"{label(n)} {tag}"
    inmb = f"{mb:.1f}" + (f" gz ({text_bytes/1e6:.0f})" if tag.startswith("gz") else "")
    c = cpu((tag, n))
    # /usr/bin/time counts in hundredths: too coarse for a rate below 0.05 s.
    rate = f"{text_bytes / 1e6 / c:.0f}" if c >= 0.05 else "-"
    print(f"{name:<16} {inmb:>9} {wall:>8.3f} {f'({lo:.3f}..{hi:.3f})':>15} {mbs:>8.0f} {c:>7.2f} "
          f"{rate:>9} {rss/1e6:>12.1f} {ratio:>10.2f} {ns:>13.0f}")
    per[(tag, n)] = (wall, mbs, rss, ratio, ns, text_bytes)
print()
print("  MB/s is uncompressed text per wall second (start-up included); CPU s is the median")
print("  user + sys time and MB/CPU-s the rate it gives (what a loaded machine cannot skew;")
print("  the targets are judged on wall time). ns/goroutine")
print("  excludes start-up. gz-direct: goleash reads FILE.gz itself; gz-pipe: gzip -dc |")
print("  goleash ... /dev/stdin (RSS is the larger of the two processes).")
print()

sizes = sorted(n for (t, n) in per if t == "json")
big = sizes[-1]
w, mbs, rss, ratio, ns_big, tb = per[("json", big)]
check(f">= 500 MB/s parse+group ({label(big)}, json)", mbs >= 500, f"{mbs:.0f} MB/s")
check(f"{label(big)} goroutines reported in < 5 s (json)", w < 5, f"{w:.2f} s")
if ("text", big) in per:
    wt = per[("text", big)][0]
    check(f"{label(big)} goroutines reported in < 5 s (text)", wt < 5, f"{wt:.2f} s")
for n in sizes:
    if n >= 100000:
        r = per[("json", n)][3]
        check(f"peak RSS < input size ({label(n)})", r < 1.0, f"{per[('json', n)][2]/1e6:.0f} MB for {per[('json', n)][5]/1e6:.0f} MB, ratio {r:.2f}")
if 100000 in sizes and big > 100000:
    ns100 = per[("json", 100000)][4]
    check(f"ns/goroutine {label(big)} <= 1.5 x 100k", ns_big <= 1.5 * ns100, f"{ns_big:.0f} vs {ns100:.0f} ns ({ns_big/ns100:.2f}x)")
if 1000 in sizes and big > 1000:
    ns1 = per[("json", 1000)][4]
    check(f"ns/goroutine {label(big)} <= 2 x 1k", ns_big <= 2 * ns1, f"{ns_big:.0f} vs {ns1:.0f} ns ({ns_big/ns1:.2f}x; 1k is start-up-noise bound)")
print("\n".join(verdicts))
print()
print("VERDICT: PASS (all targets met)" if ok else "VERDICT: FAIL (target missed, see FAIL above)")
sys.exit(0 if ok else 1)
PY
rc=$?
if [ "$analyzer" = 1 ]; then
    echo
    GOLEASH="$GOLEASH" "$here/bench/analyzer.sh" --runs "$runs"
    arc=$?
    [ "$arc" -gt "$rc" ] && rc=$arc
fi
set -e
exit "$rc"
