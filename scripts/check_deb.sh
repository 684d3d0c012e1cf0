#!/usr/bin/env bash
# Builds the Debian package (debian/) from a copy of the tree and uses it:
# the .deb holds goleash, the shim, the man pages and completion, and the
# packaged goleash reports the leaky example built with gc.
#   GOLEASH_DEB_INSTALL=1  install it with apt (CI, a fresh machine);
#                          otherwise it is unpacked into a temporary root
# Exit 0 when all of that holds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GO=/usr/local/go/bin/go
work="$(mktemp -d "${TMPDIR:-/tmp}/goleash-deb.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The tree's files as they are now (tracked, and new ones git does not
# ignore); dpkg-buildpackage writes next to the copy, not next to the tree.
mkdir "$work/src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh | tar cf - --null -T -) | tar xf - -C "$work/src"
echo "deb: dpkg-buildpackage -b -uc -us (log: $work/build.log while it runs)"
if ! (cd "$work/src" && dpkg-buildpackage -b -uc -us -j"$(nproc)") >"$work/build.log" 2>&1; then
  tail -40 "$work/build.log"
  echo "deb: the package does not build"
  exit 1
fi
deb=$(ls "$work"/goleash_*_amd64.deb)
dpkg-deb -c "$deb" >"$work/contents"
for f in usr/bin/goleash usr/lib/x86_64-linux-gnu/goleash/libgoleash.so usr/share/man/man1/goleash.1.gz \
         usr/share/man/man7/libgoleash.7.gz usr/share/bash-completion/completions/goleash \
         usr/share/doc/goleash/copyright; do
  grep -q " \./$f\$" "$work/contents" || { echo "deb: $f missing from $(basename "$deb")"; exit 1; }
done

# Opened with dlopen (analyzer/lazy_lib.c): only the control file can say so.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libgvc6 libmicrohttpd12; do
  [[ ", $depends," == *", $lib,"* || ", $depends," == *", $lib "* ]] || { echo "deb: Depends lacks $lib: $depends"; exit 1; }
done
if [[ ${GOLEASH_DEB_INSTALL:-0} == 1 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
  goleash=/usr/bin/goleash
else
  dpkg-deb -x "$deb" "$work/root"
  goleash="$work/root/usr/bin/goleash"
fi
echo "deb: $(basename "$deb") $([[ ${GOLEASH_DEB_INSTALL:-0} == 1 ]] && echo installed || echo unpacked); shim: $(env -u GOLEASH_SHIM "$goleash" --print-shim-path)"
GOTOOLCHAIN=local GOFLAGS= "$GO" build -o "$work/leaky" "$root/examples/leaky/main.go"
set +e
env -u GOLEASH_SHIM -u LD_PRELOAD "$goleash" run -- "$work/leaky" >"$work/out" 2>"$work/err"
rc=$?
set -e
if [[ $rc != 1 ]] || ! grep -q "^SUMMARY: goleash: 5 leaked goroutine(s) in 3 group(s)\.$" "$work/err"; then
  cat "$work/err"
  echo "deb: the packaged goleash run exited $rc, expected 1 with 5 leaks in 3 groups"
  exit 1
fi
echo "deb: the packaged goleash reports the leaky example: ok"
