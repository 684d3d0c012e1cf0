#!/usr/bin/env bash
# goleash analyzer benchmark (issue 13): `goleash report` on every dump shape
# against `wc -l` on the same file, its peak RSS against the input's size,
# the parsers users would pick instead on the same dumps, and the live cost
# of goleak's and Go's own leak checks. One table, ratios measured in one run.
#
#   scripts/bench/analyzer.sh [--runs N] [--quick] [--data DIR] [--no-peers]
#   GOLEASH=/path/to/goleash GO=/path/to/go scripts/bench/analyzer.sh
#
# Shapes (gc text dumps from scripts/bench/gen_shapes.c and gen_gcdump.c,
# seeded, cached in DIR, default ${TMPDIR:-/tmp}/goleash-analyzer-bench):
# small stacks (500k goroutines, 3 frames), fat stacks (70 frames), all
# identical, all distinct, 1M goroutines, a realistic mix (gen_gcdump,
# ~1 KB stacks), the small dump gzip'd (read by goleash itself, and piped
# through gzip -dc), a binary pprof goroutine profile written by Go itself
# (100k goroutines, 16k distinct stacks) and a goleash dump (the shim's
# format, 500k goroutines). --quick divides the goroutine counts by 10.
#
# Each shape: RUNS rounds (default 3) alternating `wc -l FILE` (for gzip'd
# input `gzip -dc FILE | wc -l`) and `goleash report --format json -o
# /dev/null FILE`; medians of wall time, the largest peak RSS. Targets:
# goleash <= 2x the baseline's wall time, peak RSS <= 2x the input's size
# (the uncompressed size for gzip). The stream row pipes the 1M dump
# through cat into `goleash report -`: its peak RSS must stay under the
# default --max-memory bound (512 MiB).
#
# Peers, built here from the Go module proxy (never vendored; sources in
# scripts/bench/peers/): panicparse v2 (stack.ScanSnapshot + Aggregate) and
# DataDog's gostackparse (Parse) on the same text dumps: their MB/s and
# their time over goleash's (>1: goleash is faster). Live checks (info):
# goleak's Find, what VerifyNone runs at the end of every test, with 1,000
# goroutines alive; Go 1.26's goroutineleak profile (GOEXPERIMENT=
# goroutineleakprofile) with 1,000 and 10,000 leaked goroutines.
#
# Exit status: 0 all targets met, 1 a target missed, 2 setup problem or
# goleash failed on a dump (exit 2 or a signal; exit 1 "leaks found" is
# normal). Without a Go toolchain the peer, proto and live rows say n/a.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
GOLEASH="${GOLEASH:-$root/build/analyzer/goleash}"
GO="${GO:-/usr/local/go/bin/go}"
data="${TMPDIR:-/tmp}/goleash-analyzer-bench"
runs=3
quick=0
peers=1

usage() { sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; }
die2() { echo "analyzer.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --runs) shift; runs="${1:?--runs needs a number}" ;;
        --runs=*) runs="${1#--runs=}" ;;
        --quick) quick=1 ;;
        --data) shift; data="${1:?--data needs a directory}" ;;
        --data=*) data="${1#--data=}" ;;
        --no-peers) peers=0 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "analyzer.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$runs" in ''|*[!0-9]*|0) die2 "--runs must be a positive integer" ;; esac
[ -x "$GOLEASH" ] || die2 "goleash not found: $GOLEASH (build it, or set GOLEASH=)"
command -v cc >/dev/null || die2 "cc not found"
command -v python3 >/dev/null || die2 "python3 not found"
command -v gzip >/dev/null || die2 "gzip not found"
mkdir -p "$data"
GOLEASH="$(cd "$(dirname "$GOLEASH")" && pwd)/$(basename "$GOLEASH")"

# ---- generators and peers (rebuilt when their source changes) -------------
build_c() { # name
    local src="$here/$1.c" bin="$data/$1" id
    id="$(sha256sum "$src" | cut -c1-16)"
    if [ ! -x "$bin" ] || [ "$(cat "$bin.id" 2>/dev/null)" != "$id" ]; then
        cc -O2 -std=c11 -Wall -Wextra -Werror "$src" -o "$bin" -lm || die2 "cannot build $src"
        echo "$id" >"$bin.id"
    fi
}
build_c gen_shapes
build_c gen_gcdump

peerbin="$data/peers/bin"
have_go=0
if [ "$peers" = 1 ] && [ -x "$GO" ]; then
    id="$( (cat "$here"/peers/*/main.go; "$GO" version) | sha256sum | cut -c1-16)"
    if [ "$(cat "$data/peers/id" 2>/dev/null)" != "$id" ]; then
        rm -rf "$data/peers" && mkdir -p "$data/peers" && cp -r "$here"/peers/* "$data/peers/"
        (
            cd "$data/peers"
            printf 'module goleashbench/peers\n\ngo 1.22\n' >go.mod
            "$GO" get github.com/maruel/panicparse/v2@v2.5.0 github.com/DataDog/gostackparse@v0.7.0 \
                go.uber.org/goleak@v1.3.0 >/dev/null 2>&1
            for p in panicparse gostackparse goleak; do "$GO" build -o bin/$p ./$p; done
            # the goroutineleak profile needs the experiment; an older Go lacks it
            GOEXPERIMENT=goroutineleakprofile "$GO" build -o bin/goprof ./goprof 2>/dev/null \
                || "$GO" build -o bin/goprof ./goprof
        ) >&2 || die2 "cannot build the peers from the module proxy (--no-peers to skip them)"
        echo "$id" >"$data/peers/id"
    fi
    have_go=1
fi

# ---- inputs ------------------------------------------------------------------
div=1
[ "$quick" = 1 ] && div=10
gen() { # name command... : (re)generates $data/name when the command changed
    local name=$1 f="$data/$1" stamp
    shift
    stamp="$* $(cat "$data"/gen_*.id)"
    if [ ! -s "$f" ] || [ "$(cat "$f.stamp" 2>/dev/null)" != "$stamp" ]; then
        "$@" >"$f.tmp" || die2 "cannot generate $name"
        mv "$f.tmp" "$f"
        echo "$stamp" >"$f.stamp"
    fi
}
echo "analyzer.sh: preparing inputs in $data" >&2
gen small.txt "$data/gen_shapes" small $((500000 / div))
gen fat.txt "$data/gen_shapes" fat $((15000 / div))
gen identical.txt "$data/gen_shapes" identical $((500000 / div))
gen distinct.txt "$data/gen_shapes" distinct $((500000 / div))
gen 1m.txt "$data/gen_shapes" small $((1000000 / div))
gen mixed.txt "$data/gen_gcdump" -n $((100000 / div)) -s 1 -o -
gen small.txt.gz sh -c 'gzip -1 -c "$1"' sh "$data/small.txt"
gen shim.dump "$data/gen_shapes" goleash $((500000 / div))
if [ "$have_go" = 1 ]; then
    gen proto.pb.gz sh -c '"$1" proto "$2" /dev/stdout' sh "$peerbin/goprof" $((100000 / div))
fi

# ---- measure and report --------------------------------------------------------
python3 "$here/analyzer_bench.py" --goleash "$GOLEASH" --data "$data" --runs "$runs" \
    --peers "$([ "$have_go" = 1 ] && echo "$peerbin" || echo "")" --div "$div"
