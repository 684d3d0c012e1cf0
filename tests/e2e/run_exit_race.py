#!/usr/bin/env python3
"""os.Exit from several goroutines at once (tests/e2e/exitrace), --runs
times each way:

- gccgo, the shim preloaded with dump_path: exit status 1 (the program's:
  os.Exit(1), a failing exit, which is settled like a clean one; other
  statuses are judged as the exit finds them),
  exactly one report (one SUMMARY line: the 1 blocked goroutine) and one
  dump;
- gc under `goleash run`: exit status 1 and one report of the 1 leaked
  goroutines.

  run_exit_race.py --goleash PATH --shim PATH --gccgo PATH --go PATH --work DIR [--runs N]"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--shim", "--gccgo", "--go", "--work"):
        ap.add_argument(a, required=True)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    src = os.path.join(HERE, "exitrace", "main.go")
    errors = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        gccgo_exe, gc_exe = os.path.join(tmp, "race-gccgo"), os.path.join(tmp, "race-gc")
        subprocess.run([args.gccgo, "-g", src, "-o", gccgo_exe], check=True)
        subprocess.run([args.go, "build", "-o", gc_exe, src], check=True, cwd=tmp,
                       env=dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="", GO111MODULE="off"))
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS")}
        for i in range(args.runs):
            d = os.path.join(tmp, "dumps%d" % i)
            os.makedirs(d)
            p = subprocess.run([gccgo_exe], capture_output=True, text=True, timeout=60,
                               env=dict(env, LD_PRELOAD=args.shim, GOLEASH_OPTIONS="dump_path=%s/d.%%p" % d))
            dumps = glob.glob(os.path.join(d, "d.*"))
            reports = p.stderr.count("SUMMARY: goleash:")
            if (p.returncode != 1 or reports != 1 or len(dumps) != 1
                    or "SUMMARY: goleash: 1 leaked goroutine(s) in 1 group(s)." not in p.stderr):
                errors.append("gccgo run %d: exit %d, %d report(s), %d dump(s); expected 1, 1, 1\n%s"
                              % (i, p.returncode, reports, len(dumps), p.stderr[-1500:]))
            p = subprocess.run([args.goleash, "run", "--", gc_exe], capture_output=True, text=True, timeout=60,
                               env=env)
            if p.returncode != 1 or p.stderr.count("SUMMARY: goleash: 1 leaked goroutine(s) in 1 group(s).") != 1:
                errors.append("gc run %d: exit %d; expected 1 and one report of the 1 leaked goroutine\n%s"
                              % (i, p.returncode, p.stderr[-1500:]))
    for e in errors[:6]:
        print("FAIL: " + e)
    print("exit race: %d runs each way, %d failure(s)" % (args.runs, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
