#!/usr/bin/env python3
"""A fresh-prefix install, used as a user would:

  run_install.py --meson MESON --build BUILD --go GO --src LEAKY_GO --work DIR

`meson install --destdir` into an empty directory, then from there: the
installed goleash finds the installed shim (--print-shim-path), reports the
leaks of a gc program under `goleash run` and of a gccgo one under the
preloaded shim, its man pages render with `man -l`, and the bash completion
loads and completes. Exit 0 when all of it holds, 1 with each failure."""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    for a in ("--meson", "--build", "--go", "--src", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    dest = tempfile.mkdtemp(prefix="install.", dir=args.work)
    errors = []
    try:
        check(args, dest, errors)
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    for e in errors:
        print("FAIL: " + e)
    print("install: %s" % ("OK" if not errors else "%d failure(s)" % len(errors)))
    return 1 if errors else 0


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, **kw)


def one(dest, pattern, errors):
    found = glob.glob(os.path.join(dest, pattern), recursive=True)
    if len(found) != 1:
        errors.append("expected one %s under the install, found %r" % (pattern, found))
        return None
    return found[0]


def check(args, dest, errors):
    p = run([args.meson, "install", "-C", args.build, "--destdir", dest, "--no-rebuild", "--quiet"])
    if p.returncode != 0:
        errors.append("meson install failed:\n" + p.stdout + p.stderr)
        return
    goleash = one(dest, "**/bin/goleash", errors)
    shim = one(dest, "**/goleash/libgoleash.so", errors)
    man1 = one(dest, "**/man1/goleash.1", errors)
    man7 = one(dest, "**/man7/libgoleash.7", errors)
    completion = one(dest, "**/bash-completion/completions/goleash", errors)
    for doc in ("README.md", "LICENSE", "docs/gc-backend.md"):
        one(dest, "**/doc/goleash/" + doc, errors)
    if not (goleash and shim):
        return
    env = {k: v for k, v in os.environ.items() if k not in ("GOLEASH_SHIM", "LD_PRELOAD", "GOLEASH_OPTIONS")}
    p = run([goleash, "--print-shim-path"], env=env)
    if p.returncode != 0 or p.stdout.strip() != os.path.realpath(shim):
        errors.append("installed goleash --print-shim-path: exit %d, %r, expected %s\n%s"
                      % (p.returncode, p.stdout.strip(), os.path.realpath(shim), p.stderr))
    # gc: goleash run, the report on stderr.
    exe = os.path.join(dest, "leaky-gc")
    gcenv = dict(env, GOTOOLCHAIN="local", GOFLAGS="", GOCACHE=os.path.join(args.work, "gocache"))
    b = run([args.go, "build", "-o", exe, args.src], env=gcenv)
    if b.returncode != 0:
        errors.append("go build: " + b.stderr)
    else:
        p = run([goleash, "run", "--", exe], env=env)
        if p.returncode != 1 or "SUMMARY: goleash: 5 leaked goroutine(s) in 3 group(s)." not in p.stderr:
            errors.append("installed goleash run (gc): exit %d, expected 1 and 5 leaks in 3 groups\n%s"
                          % (p.returncode, p.stderr[-2000:]))
    # gccgo: the installed shim preloaded by hand, as --print-shim-path is for.
    exe = os.path.join(dest, "leaky-gccgo")
    b = run(["gccgo", "-g", "-O0", args.src, "-o", exe])
    if b.returncode != 0:
        errors.append("gccgo: " + b.stderr)
    else:
        p = run([exe], env=dict(env, LD_PRELOAD=os.path.realpath(shim)))
        if p.returncode != 23 or "SUMMARY: goleash: 5 leaked goroutine(s) in 3 group(s)" not in p.stderr:
            errors.append("gccgo program with the installed shim: exit %d, expected 23 and 5 leaks\n%s"
                          % (p.returncode, p.stderr[-2000:]))
    for page, title in ((man1, "GOLEASH(1)"), (man7, "LIBGOLEASH(7)")):
        if not page:
            continue
        p = run(["man", "-l", page], env=dict(env, MANPAGER="cat", PAGER="cat", MANWIDTH="80"))
        if p.returncode != 0 or title not in p.stdout or "NAME" not in p.stdout or p.stderr.strip():
            errors.append("man -l %s: exit %d\n%s%s" % (page, p.returncode, p.stdout[:500], p.stderr))
    if completion:
        script = ('source "$1"; complete -p goleash >/dev/null || exit 3; '
                  'COMP_WORDS=(goleash snapshot --min); COMP_CWORD=2; _goleash; echo "${COMPREPLY[*]}"')
        p = run(["bash", "-c", script, "bash", completion])
        if p.returncode != 0 or p.stdout.strip() != "--min-park":
            errors.append("bash completion: exit %d, completed %r, expected --min-park\n%s"
                          % (p.returncode, p.stdout.strip(), p.stderr))


if __name__ == "__main__":
    sys.exit(main())
