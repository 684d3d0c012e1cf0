#!/usr/bin/env python3
"""The gc backend's cost, measured in one run (scripts/bench.sh runs it):

  gc_overhead.py --goleash PATH --go PATH [--runs N] [--packages P,P] [--sizes N,N]

1. `go test -count=1 PKG` against `go test -count=1 -exec 'goleash run --' PKG`
   (standard-library packages, so nothing is downloaded; the build cache is
   warmed first), alternating, RUNS times each: the medians of wall time and
   their ratio, start and exit included. Target <= 1.05.
2. `goleash snapshot --min-park 0 PID` on a program with N parked goroutines:
   the median time the process was stopped, and that per 10,000 goroutines.
   Target <= 50 ms per 10k.
Prints one table; exit 0 when every target is met, 1 when one is missed."""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from summary import add  # noqa: E402


def timed(argv, env, cwd=None):
    t0 = time.monotonic()
    p = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return time.monotonic() - t0, p.returncode, p.stderr


def go_test(args, env):
    rows, ok = [], True
    for pkg in args.packages.split(","):
        base_cmd = [args.go, "test", "-count=1", pkg]
        gl_cmd = [args.go, "test", "-count=1", "-exec", args.goleash + " run --", pkg]
        timed(base_cmd, env)  # warm the build cache
        base, gl = [], []
        for _ in range(args.runs):
            t, rc, err = timed(base_cmd, env)
            base.append(t)
            t, rc2, err2 = timed(gl_cmd, env)
            gl.append(t)
            if rc2 not in (0, 1) or (rc == 0 and rc2 != 0):
                print("gc_overhead: %s under goleash exited %d (%d without)\n%s" % (pkg, rc2, rc, err2[-2000:]))
        b, g = statistics.median(base), statistics.median(gl)
        r = g / b
        ok &= r <= 1.05
        rows.append(("go test %s" % pkg, b, g, r, "<=1.05", "ok" if r <= 1.05 else "MISS",
                     "%.2f..%.2f / %.2f..%.2f" % (min(base), max(base), min(gl), max(gl))))
    return rows, ok


def snapshot_pause(args, env, tmp):
    exe = os.path.join(tmp, "parked")
    subprocess.run([args.go, "build", "-o", exe, os.path.join(HERE, "parked.go")], env=env, check=True)
    rows, ok = [], True
    for n in (int(x) for x in args.sizes.split(",")):
        p = subprocess.Popen([exe, str(n)], stdout=subprocess.PIPE, text=True)
        try:
            p.stdout.readline()
            pauses = []
            for _ in range(args.runs):
                s = subprocess.run([args.goleash, "snapshot", "-v", "--min-park", "0", "-o", os.devnull, str(p.pid)],
                                   capture_output=True, text=True)
                m = re.search(r"stopped ([\d.]+) ms", s.stderr)
                if not m:
                    print("gc_overhead: snapshot failed:\n" + s.stderr)
                    return rows, False
                pauses.append(float(m.group(1)))
        finally:
            p.kill()
            p.wait()
        med = statistics.median(pauses)
        per = med * 10000 / n
        ok &= per <= 50
        rows.append(("snapshot pause, %d goroutines (ms)" % n, None, med, per, "<=50/10k",
                     "ok" if per <= 50 else "MISS", "%.1f..%.1f ms" % (min(pauses), max(pauses))))
    return rows, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--packages", default="sync,context,container/list,encoding/json")
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args()
    args.goleash = os.path.abspath(args.goleash)
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="")
    env.pop("LD_PRELOAD", None)
    tmp = tempfile.mkdtemp(prefix="gc-bench.")
    try:
        print("== gc backend (%s, %s)" % (subprocess.run([args.go, "version"], capture_output=True,
                                                           text=True).stdout.strip(), args.goleash))
        r1, ok1 = go_test(args, env)
        r2, ok2 = snapshot_pause(args, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%-40s %9s %9s %8s %9s  %-6s %s" % ("", "without", "goleash", "ratio", "target", "", "spread"))
    for name, b, g, r, t, v, spread in r1 + r2:
        print("%-40s %9s %9.2f %8.3f %9s  %-6s %s" % (name, "%.2fs" % b if b is not None else "-", g, r, t, v,
                                                        spread))
        if b is not None:
            add("gc backend", name, "%.3fx" % r, t, v)
        else:
            add("gc backend", "%s, per 10k goroutines" % name.replace(" (ms)", ""), "%.1f ms" % r, "<=50 ms", v)
    print("(snapshot rows: 'goleash' is the median pause in ms, 'ratio' the pause per 10k goroutines)")
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    sys.exit(main())
