#!/usr/bin/env python3
"""Forty gc children started at once (fanout/parent.go, built with gc and
with gccgo): each child's fork and exec events reach the tracer in any
order, and every child must still be read at its exit: 40 leaks in
main.childLeak from 40 pids, 41 dumps.

  run_fanout.py --goleash PATH --shim PATH --go PATH --gccgo PATH --work DIR
Exit: 0 ok, 1 failed, 2 could not build."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import compilers

HERE = os.path.dirname(os.path.abspath(__file__))
CHILDREN = 40


def one(args, tmp, parent_compiler, child):
    src = os.path.join(HERE, "fanout", "parent.go")
    parent = compilers.build(src, os.path.join(tmp, "parent-" + parent_compiler), parent_compiler, args.go,
                             args.gccgo)
    out = os.path.join(tmp, "report-%s.json" % parent_compiler)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("GOLEASH_")}
    env["GOLEASH_SHIM"] = args.shim
    p = subprocess.run([args.goleash, "run", "--format", "json", "-o", out, "--", parent, child], env=env,
                       capture_output=True, text=True, timeout=300)
    where = "%s parent" % parent_compiler
    if p.returncode != 1 or p.stdout != "parent done\n":
        return "%s: exit %d, want 1; stdout %r\n%s" % (where, p.returncode, p.stdout, p.stderr)
    with open(out) as f:
        r = json.load(f)
    groups = [(g["count"], g["category"], g["blocked_at"]["function"]) for g in r["leaks"]]
    pids = {pid for g in r["leaks"] for pid in g["pids"]}
    want = [(CHILDREN, "chan-receive", "main.childLeak")]
    if groups != want or len(pids) != CHILDREN or r["summary"]["dumps"] != CHILDREN + 1:
        return "%s: groups %s from %d pids in %d dumps, want %s from %d pids in %d dumps" % (
            where, groups, len(pids), r["summary"]["dumps"], want, CHILDREN, CHILDREN + 1)
    print("ok: %s, %d children" % (where, CHILDREN))
    return None


def main():
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--shim", "--go", "--gccgo", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        child = compilers.build(os.path.join(HERE, "fanout", "child.go"), os.path.join(tmp, "child"), "gc",
                                args.go, args.gccgo)
        errors = [e for e in (one(args, tmp, "gc", child), one(args, tmp, "gccgo", child)) if e]
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
