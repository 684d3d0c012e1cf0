#!/usr/bin/env bash
# Checks that two goleash commands report byte for byte alike: every input of
# the corpus is reported by OLD and NEW with the same options, and their exit
# codes, stdout, stderr and report files are compared.
#
#   scripts/compare_reports.sh [--corpus DIR]... [--make-corpus DIR] [--shims|--shims-only] [--quiet] OLD NEW
#
# OLD, NEW: goleash executables (e.g. a build of main and one of a branch).
# The corpus: every dump fixture of the repository (tests/unit/*/data,
# tests/fuzz/seeds/*), plus each --corpus DIR (every file below it).
# --make-corpus DIR first fills DIR (then read as a --corpus) with inputs the
# repository does not hold: gc dumps of scripts/bench/gen_gcdump.c, and the
# shim dumps `OLD run --keep-dumps` leaves for every tests/e2e/progs program
# (OLD finds its libgoleash.so as usual, or set GOLEASH_SHIM). Shim dumps hold
# addresses and times, so both commands must read the same saved files: make
# the corpus once, then compare as often as needed. With the go command, test
# binaries (tests/e2e/gotests, examples/gate) add dumps with tests.
#
# Each input is reported as text, as JSON, with loose grouping, with
# --min-park 0 --ignore-setup, without and with a suppressions file, with
# every report file at once (-o, --json, --junit, --sarif, GitHub
# annotations), and diffed against the first input of its directory; every
# directory is also reported whole (a process tree's dumps).
#
# --shims also compares the shims next to OLD and NEW (../shim/libgoleash.so):
# every program a --corpus DIR holds in DIR/bin (--make-corpus builds them)
# runs under each, and the dumps they write and the exit reports they print
# must be alike but for numbers, addresses and names (which differ from run
# to run). Programs whose scheduling varies (a goroutine parked or not yet at
# exit) get up to three runs a side: some run of NEW must match some run of
# OLD. --shims-only compares only the shims.
#
# Exit status: 0 all identical, 1 some differ (listed), 2 usage or setup error.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpora=()
make_dir=""
quiet=0
shims=0

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
die2() { echo "compare_reports.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --corpus) shift; corpora+=("${1:?--corpus needs a directory}") ;;
        --make-corpus) shift; make_dir="${1:?--make-corpus needs a directory}" ;;
        --quiet) quiet=1 ;;
        --shims) shims=1 ;;
        --shims-only) shims=2 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "compare_reports.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
[ $# -eq 2 ] || { usage >&2; exit 2; }
old="$(realpath "$1")" || die2 "no such file: $1"
new="$(realpath "$2")" || die2 "no such file: $2"
[ -x "$old" ] && [ -x "$new" ] || die2 "OLD and NEW must be executables"

# ---- making the corpus ----------------------------------------------------

make_gc_dumps() { # DIR
    local dir=$1/gen_gcdump gen
    mkdir -p "$dir"
    gen="$dir/gen_gcdump"
    cc -O2 -std=c11 "$root/scripts/bench/gen_gcdump.c" -o "$gen" -lm || die2 "cannot build gen_gcdump"
    "$gen" -n 2000 -s 7 --style stack -o "$dir/stack-2k.txt" 2>/dev/null || die2 "gen_gcdump failed"
    "$gen" -n 500 -s 3 --style sigquit -o "$dir/sigquit-500.txt" 2>/dev/null || die2 "gen_gcdump failed"
    "$gen" -n 1000 -s 5 --style stack -z -o "$dir/stack-1k.txt.gz" 2>/dev/null || die2 "gen_gcdump failed"
    rm -f "$gen"
}

make_shim_dumps() { # DIR
    local dir=$1/shim bin=$1/bin src name
    mkdir -p "$dir" "$bin"
    command -v gccgo >/dev/null || die2 "gccgo not found (needed for the shim dumps)"
    for src in "$root"/tests/e2e/progs/*.go; do
        name=$(basename "$src" .go)
        case "$name" in stress_*|killed_*) continue ;; esac
        gccgo -g -O0 "$src" -o "$bin/$name" || die2 "gccgo failed on $src"
        (cd "$bin" && timeout 120 "$old" run --keep-dumps "$dir/$name" -o /dev/null -- "./$name" \
            >/dev/null 2>&1 </dev/null)
    done
}

# Test binaries (go test -c -compiler gccgo): dumps with tests and
# attribution. Debian's go (1.19) drives gccgo-12: a newer go writes a test
# main gccgo's testing package lacks (testdeps.ModulePath). GCCGO_GO names
# another; skipped without one.
GCCGO_GO="${GCCGO_GO:-/usr/lib/go-1.19/bin/go}"
make_test_dumps() { # DIR
    local dir=$1/shim bin=$1/bin mod pkg name
    [ -x "$GCCGO_GO" ] || { echo "compare_reports.sh: no $GCCGO_GO: no test-binary dumps" >&2; return; }
    for mod in "$root/tests/e2e/gotests:./attr" "$root/examples/gate:./pool" "$root/examples/gate:./watch" \
               "$root/examples/gate:./clean/workers"; do
        pkg=${mod#*:}
        mod=${mod%%:*}
        name=$(echo "${pkg#./}" | tr / _).test
        rm -rf "$bin/module"
        cp -r "$mod" "$bin/module"
        (cd "$bin/module" && GOCACHE="$bin/gocache" GOPATH="$bin/gopath" GO111MODULE=on GOFLAGS=-mod=mod \
            GOPROXY=off GOTOOLCHAIN=local "$GCCGO_GO" test -c -compiler gccgo -o "$bin/$name" "$pkg") \
            || die2 "go test -c failed for $pkg"
        (cd "$bin" && timeout 300 "$old" run --keep-dumps "$dir/$name" -o /dev/null -- "./$name" \
            >/dev/null 2>&1 </dev/null)
    done
    rm -rf "$bin/module" "$bin/gocache" "$bin/gopath"
}

if [ -n "$make_dir" ]; then
    mkdir -p "$make_dir" || die2 "cannot create $make_dir"
    make_dir="$(realpath "$make_dir")"
    make_gc_dumps "$make_dir"
    make_shim_dumps "$make_dir"
    make_test_dumps "$make_dir"
    corpora+=("$make_dir")
fi

# ---- the inputs -------------------------------------------------------------

inputs=()
while IFS= read -r f; do
    inputs+=("$f")
done < <(
    {
        find "$root"/tests/unit/*/data "$root"/tests/fuzz/seeds -type f
        for c in "${corpora[@]}"; do find "$(realpath "$c")" -type f; done
    } | grep -vE '\.(supp|go|py|proto|c|h)$|/bin/' | sort
)
[ ${#inputs[@]} -gt 0 ] || die2 "no inputs"

work="$(mktemp -d "${TMPDIR:-/tmp}/goleash-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
supp="$root/tests/unit/analyzer/data/sender.supp"

# run_both LABEL ARGS...: runs OLD and NEW with ARGS (the token OUT/ is the
# run's own directory for report files) from the same directory, compares.
runs=0
differ=0
run_both() {
    local label=$1 side dir a
    shift
    for side in old new; do
        dir="$work/$side"
        rm -rf "$dir"
        mkdir -p "$dir/out"
        local argv=()
        for a in "$@"; do argv+=("${a//OUT\//$dir/out/}"); done
        local exe=$old
        [ "$side" = new ] && exe=$new
        (cd "$root" && GITHUB_ACTIONS= "$exe" "${argv[@]}" >"$dir/stdout" 2>"$dir/stderr" </dev/null)
        echo $? >"$dir/rc"
        # Paths of the report files name the side: make them alike.
        sed -i "s#$work/$side/out/#OUT/#g" "$dir/stdout" "$dir/stderr"
    done
    runs=$((runs + 1))
    if ! diff -r "$work/old" "$work/new" >"$work/diff" 2>&1; then
        differ=$((differ + 1))
        echo "DIFFERS: $label"
        [ "$quiet" = 1 ] || sed 's/^/    /' "$work/diff" | head -n 40
    fi
}

# Each input alone, with every option set, and diffed against the first
# input of its directory.
compare_inputs() {
    local f d rel prev_dir="" first_in_dir=""
    for f in "${inputs[@]}"; do
        d=$(dirname "$f")
        if [ "$d" != "$prev_dir" ]; then
            prev_dir=$d
            first_in_dir=$f
        fi
        rel=${f#"$root"/}
        run_both "report $rel" report "$f"
        run_both "report --format json $rel" report --format json "$f"
        run_both "report --grouping loose $rel" report --grouping loose "$f"
        run_both "report --min-park 0 --ignore-setup --format json $rel" \
            report --min-park 0 --ignore-setup --format json "$f"
        run_both "report --no-default-suppressions --suppressions sender.supp $rel" \
            report --no-default-suppressions --suppressions "$supp" "$f"
        run_both "report with every report file $rel" \
            report -o OUT/report.txt --json OUT/report.json --junit OUT/junit.xml --sarif OUT/report.sarif \
            --github-annotations on "$f"
        run_both "diff $rel" diff --min-park 0 "$first_in_dir" "$f"
        run_both "diff --format json --grouping loose $rel" diff --format json --grouping loose "$first_in_dir" "$f"
    done
}

# Every directory at once: a process tree leaves one dump per process.
compare_directories() {
    local d f dirs=() files
    while IFS= read -r d; do dirs+=("$d"); done < <(printf '%s\n' "${inputs[@]}" | xargs -n1 dirname | sort -u)
    for d in "${dirs[@]}"; do
        files=()
        for f in "${inputs[@]}"; do [ "$(dirname "$f")" = "$d" ] && files+=("$f"); done
        run_both "report of ${d#"$root"/}/*" report "${files[@]}"
        run_both "report --format json of ${d#"$root"/}/*" report --format json "${files[@]}"
    done
}

# The command line: help, versions and every kind of usage error.
compare_command_line() {
    local line
    while IFS= read -r line; do
        # shellcheck disable=SC2086 # the words of each line are the arguments
        run_both "goleash $line" $line
    done <<'ARGS'
--help
help
--version
report --help
run --help
report --bogus
report --s x
report --min 1s x
report --min-growth 3 x
run --min-growth 3 x
report --keep-dumps /tmp x
diff --keep-dumps /tmp a b
diff --min-growth 0 a b
diff a
report --format xml x
report --grouping
report -o
report --sarif-category %q x
report --min-park 5 x
report --github-annotations maybe x
report
run
bogus
ARGS
}

if [ "$shims" != 2 ]; then
    compare_inputs
    compare_directories
    compare_command_line
fi

# ---- the shims ---------------------------------------------------------------

# A dump or report with what changes from run to run taken out: numbers,
# addresses, paths and names, the order of records. A group's park time is
# one value or a range as its goroutines parked within a millisecond or not.
normalize() {
    sed -E 's/(exe|path|name|libgo|build_id)=[^ ]*/\1=S/g; s/0x[0-9a-f]+/H/g; s/[0-9]+(\.[0-9]+)?/N/g;
            s/parked Nms\.\.Nms/parked Nms/g' "$@" | sort
}

# shim_run GOLEASH EXE OUT: EXE under the shim next to GOLEASH; OUT gets its
# exit code, then its normalized exit report and dumps.
shim_run() {
    local shim exe=$2 dir="$work/shim-run"
    shim="$(dirname "$1")/../shim/libgoleash.so"
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$(dirname "$exe")" && LD_PRELOAD="$shim" GOLEASH_OPTIONS="dump_path=$dir/x.%p.dump" \
        timeout 120 "$exe" >/dev/null 2>"$dir/stderr" </dev/null)
    echo "exit $?" >"$3"
    normalize "$dir/stderr" >>"$3"
    cat "$dir"/*.dump 2>/dev/null | normalize >>"$3"
}

compare_shims() { # EXE
    local exe=$1 round o n
    for round in 1 2 3; do
        shim_run "$old" "$exe" "$work/old.$round"
        shim_run "$new" "$exe" "$work/new.$round"
        for o in $(seq 1 "$round"); do
            for n in $(seq 1 "$round"); do
                cmp -s "$work/old.$o" "$work/new.$n" && return 0
            done
        done
    done
    diff "$work/old.1" "$work/new.1" >"$work/diff"
    return 1
}

programs=0
if [ "$shims" != 0 ]; then
    for c in "${corpora[@]}"; do
        for exe in "$(realpath "$c")"/bin/*; do
            [ -x "$exe" ] && [ -f "$exe" ] || continue
            runs=$((runs + 1))
            programs=$((programs + 1))
            if ! compare_shims "$exe"; then
                differ=$((differ + 1))
                echo "DIFFERS: shims on $(basename "$exe")"
                [ "$quiet" = 1 ] || sed 's/^/    /' "$work/diff" | head -n 40
            fi
        done
    done
    # A comparison of nothing must not read as a pass.
    [ "$programs" != 0 ] || die2 "--shims: no programs in any --corpus DIR/bin (make one with --make-corpus)"
fi

what="$runs runs over ${#inputs[@]} inputs"
[ "$shims" = 2 ] && what="$runs programs"
if [ "$differ" = 0 ]; then
    if [ "$shims" != 2 ]; then
        echo "compare_reports: $what: OLD's and NEW's reports byte-identical"
    fi
    if [ "$shims" != 0 ]; then
        echo "compare_reports: OLD's and NEW's shims on $programs programs: dumps and exit reports alike but for numbers, addresses and names"
    fi
    exit 0
fi
echo "compare_reports: $differ of $what differ"
exit 1
