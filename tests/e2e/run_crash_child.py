#!/usr/bin/env python3
"""A passing program whose child process crashes on purpose
(tests/e2e/crashchild), built with gccgo and with gc, under `goleash run`:
exit 0, no leak report, and one note naming the crashed child and its one
parked goroutine. The same child run alone under goleash (it is PROG then)
is judged: its parked goroutine is reported and its own status 2 kept.

  run_crash_child.py --goleash PATH --gccgo PATH --go PATH --work DIR"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def check(exe, goleash, what, errors):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS", "CRASH_CHILD")}
    p = subprocess.run([goleash, "run", "--", exe], capture_output=True, text=True, timeout=120, env=env)
    note = re.search(r"process (\d+) ended by a crash \(panic or fatal error\) \(exit status 2\): its 1 parked "
                     r"goroutine\(s\) are not judged", p.stderr)
    if p.returncode != 0 or not note or "SUMMARY: goleash" in p.stderr or "no goroutine leaks" not in p.stderr:
        errors.append("%s: exit %d; expected 0, no leak report and the crashed child's note\n%s"
                      % (what, p.returncode, p.stderr[-2500:]))
    p = subprocess.run([goleash, "run", "--", exe], capture_output=True, text=True, timeout=120,
                       env=dict(env, CRASH_CHILD="1"))
    if p.returncode != 2 or "SUMMARY: goleash: 1 leaked goroutine(s)" not in p.stderr:
        errors.append("%s, the child alone: exit %d; expected its own 2 and its leak judged\n%s"
                      % (what, p.returncode, p.stderr[-2500:]))


def main():
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--gccgo", "--go", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    src = os.path.join(HERE, "crashchild", "main.go")
    errors = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        gccgo_exe, gc_exe = os.path.join(tmp, "crash-gccgo"), os.path.join(tmp, "crash-gc")
        subprocess.run([args.gccgo, "-g", src, "-o", gccgo_exe], check=True)
        subprocess.run([args.go, "build", "-o", gc_exe, src], check=True, cwd=tmp,
                       env=dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="", GO111MODULE="off"))
        check(gccgo_exe, args.goleash, "gccgo (the shim)", errors)
        check(gc_exe, args.goleash, "gc (the tracer)", errors)
    for e in errors:
        print("FAIL: " + e)
    print("crash child: %s" % ("OK" if not errors else "%d failure(s)" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
