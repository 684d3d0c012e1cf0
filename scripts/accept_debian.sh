#!/usr/bin/env bash
# Acceptance run (issue 11): the test suites of real Go libraries from
# Debian's golang-*-dev packages, built with gccgo-12 and run once plainly
# and once under `goleash run`, one package at a time. Prints one table and
# compares each package's verdict with scripts/accept_debian.expected, the
# verdicts checked by reading the libraries' code (docs/acceptance.md).
#
#   scripts/accept_debian.sh [--no-install] [--build BUILD] [--keep DIR] [PKG...]
#
# Exit 0: every package built, ran and matched its expected verdict;
# 1: a verdict differs (or goleash failed on a package); 2: setup problem
# (a package would not install or build, goleash not built).
# Not part of scripts/test.sh: it needs ~20 Debian packages and a few minutes.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=$ROOT/build
INSTALL=1
KEEP=
while [ $# -gt 0 ]; do
    case $1 in
        --no-install) INSTALL=0 ;;
        --build) BUILD=$2; shift ;;
        --keep) KEEP=$2; shift ;;
        -h|--help) sed -n 2,13p "$0"; exit 0 ;;
        --) shift; break ;;
        -*) echo "accept_debian: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
ONLY=("$@")

GOLEASH=$BUILD/analyzer/goleash
EXPECTED=$HERE/accept_debian.expected
DEBGO=/usr/lib/go-1.19/bin/go
GOPATH_DEB=/usr/share/gocode
TIME_LIMIT=300          # seconds per test binary and run
TEST_TIMEOUT=240s       # the binary's own -test.timeout, below TIME_LIMIT

# Debian package -> the Go packages of it whose tests run. Test-only
# dependencies (testify, check.v1) are installed too.
SUITES=(
    "golang-golang-x-sync-dev golang.org/x/sync/errgroup golang.org/x/sync/semaphore golang.org/x/sync/singleflight golang.org/x/sync/syncmap"
    "golang-golang-x-time-dev golang.org/x/time/rate"
    "golang-github-cenkalti-backoff-dev github.com/cenkalti/backoff"
    "golang-github-hashicorp-golang-lru-dev github.com/hashicorp/golang-lru github.com/hashicorp/golang-lru/simplelru"
    "golang-github-patrickmn-go-cache-dev github.com/patrickmn/go-cache"
    "golang-github-fsnotify-fsnotify-dev github.com/fsnotify/fsnotify"
    "golang-github-gorilla-websocket-dev github.com/gorilla/websocket"
    "golang-github-google-uuid-dev github.com/google/uuid"
    "golang-github-pkg-errors-dev github.com/pkg/errors"
    "golang-github-sirupsen-logrus-dev github.com/sirupsen/logrus github.com/sirupsen/logrus/hooks/test github.com/sirupsen/logrus/hooks/writer"
    "golang-github-hashicorp-go-multierror-dev github.com/hashicorp/go-multierror"
    "golang-github-juju-ratelimit-dev github.com/juju/ratelimit"
    "golang-github-benbjohnson-clock-dev github.com/benbjohnson/clock"
    "golang-github-hashicorp-yamux-dev github.com/hashicorp/yamux"
    "golang-github-jonboulle-clockwork-dev github.com/jonboulle/clockwork"
    "golang-github-golang-groupcache-dev github.com/golang/groupcache github.com/golang/groupcache/consistenthash github.com/golang/groupcache/lru github.com/golang/groupcache/singleflight"
)
TEST_DEPS="golang-github-stretchr-testify-dev golang-gopkg-check.v1-dev"

setup_fail() { echo "accept_debian: $*" >&2; exit 2; }

[ -x "$GOLEASH" ] || setup_fail "$GOLEASH not built (meson setup build && ninja -C build)"
[ -x "$DEBGO" ] || [ $INSTALL = 1 ] || setup_fail "$DEBGO missing (apt-get install golang-go)"

if [ $INSTALL = 1 ]; then
    debs="gccgo-12 golang-go $TEST_DEPS"
    for s in "${SUITES[@]}"; do debs="$debs ${s%% *}"; done
    # Idempotent: apt-get installs only what is missing.
    missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $debs 2>/dev/null | awk '$1 != "ii" {print $2}')
    for d in $debs; do dpkg-query -W "$d" >/dev/null 2>&1 || missing="$missing $d"; done
    if [ -n "${missing// /}" ]; then
        [ "$(id -u)" = 0 ] || setup_fail "not root: cannot install$missing"
        echo "accept_debian: installing$missing" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2 \
            || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2; } \
            || setup_fail "apt-get install failed"
    fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/accept_debian.XXXXXX")
[ -n "$KEEP" ] && mkdir -p "$KEEP"
OUT=${KEEP:-$WORK/out}
mkdir -p "$OUT" "$WORK/bin"
trap 'rm -rf "$WORK"' EXIT

# GOPATH mode over Debian's tree, gccgo, caches in the work directory: the
# binaries go to $WORK, never into /usr/share. Debian's Go first in PATH too:
# logrus's tests `go run` a program, and that go (a gc build) and its
# compiler are judged as processes of the test's tree.
export GO111MODULE=off GOPATH=$GOPATH_DEB GOFLAGS= GOCACHE=$WORK/gocache GOTOOLCHAIN=local
export PATH=/usr/lib/go-1.19/bin:$PATH
unset GOLEASH_OPTIONS

printf '%s\n' "${SUITES[@]}" > "$WORK/suites"
ms() { echo $(( $(date +%s%N) / 1000000 )); }

for s in "${SUITES[@]}"; do
    read -r deb pkgs <<<"$s"
    for pkg in $pkgs; do
        if [ ${#ONLY[@]} -gt 0 ] && ! printf '%s\n' "${ONLY[@]}" | grep -qx "$pkg"; then continue; fi
        n=${pkg//\//_}
        bin=$WORK/bin/$n.test
        if ! (cd /tmp && "$DEBGO" test -compiler gccgo -c -o "$bin" "$pkg") >"$OUT/$n.build.log" 2>&1; then
            echo "accept_debian: $pkg does not build with gccgo (see $OUT/$n.build.log)" >&2
            echo "$pkg build-failed" >> "$WORK/results"
            continue
        fi
        src=$GOPATH_DEB/src/$pkg
        # Each run in a fresh copy of the package directory: tests read
        # testdata and some write next to it.
        for mode in plain goleash; do
            dir=$WORK/run.$n.$mode
            cp -r "$src/." "$dir" 2>/dev/null || mkdir -p "$dir"
            rm -rf "$GOCACHE"  # `go run` in a test compiles afresh each time
            t0=$(ms)
            if [ $mode = plain ]; then
                (cd "$dir" && timeout -k 10 $TIME_LIMIT "$bin" -test.v -test.timeout=$TEST_TIMEOUT) \
                    >"$OUT/$n.plain.log" 2>&1
            else
                rm -f "$OUT/$n.json"
                (cd "$dir" && timeout -k 10 $TIME_LIMIT "$GOLEASH" run --json "$OUT/$n.json" -- \
                    "$bin" -test.v -test.timeout=$TEST_TIMEOUT) >"$OUT/$n.goleash.log" 2>&1
            fi
            rc=$?
            echo "$pkg $mode $rc $(( $(ms) - t0 ))" >> "$WORK/results"
            chmod -R u+rwX "$dir" 2>/dev/null; rm -rf "$dir"
        done
    done
done

python3 "$HERE/accept_debian_table.py" "$WORK/suites" "$WORK/results" "$OUT" "$EXPECTED"
rc=$?
[ -n "$KEEP" ] && echo "logs and JSON reports in $KEEP"
exit $rc
