#!/usr/bin/env python3
"""A process tree that mixes the two backends under one `goleash run`:
mixed/parent.go runs mixed/child.go, one built with gc, the other with
gccgo (both ways round). The report holds both processes' leaks: one
chan-receive in main.parentLeak (the parent) and two chan-send in
main.childLeak (the child), from two pids.

  run_mixed.py --goleash PATH --shim PATH --go PATH --gccgo PATH --work DIR
Exit: 0 ok, 1 failed, 2 could not build, 77 a compiler is missing."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import compilers

HERE = os.path.dirname(os.path.abspath(__file__))


def build(args, tmp, name, compiler):
    src = os.path.join(HERE, "mixed", name + ".go")
    return compilers.build(src, os.path.join(tmp, "%s-%s" % (name, compiler)), compiler, args.go, args.gccgo)


def one(args, tmp, parent_compiler, child_compiler):
    parent = build(args, tmp, "parent", parent_compiler)
    child = build(args, tmp, "child", child_compiler)
    out = os.path.join(tmp, "report-%s-%s.json" % (parent_compiler, child_compiler))
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("GOLEASH_")}
    env["GOLEASH_SHIM"] = args.shim
    p = subprocess.run([args.goleash, "run", "--format", "json", "-o", out, "--", parent, child], env=env,
                       capture_output=True, text=True, timeout=120)
    where = "%s parent, %s child" % (parent_compiler, child_compiler)
    if p.returncode != 1 or "child done" not in p.stdout or "parent done <nil>" not in p.stdout:
        return "%s: exit %d, want 1; stdout %r\n%s" % (where, p.returncode, p.stdout, p.stderr)
    with open(out) as f:
        r = json.load(f)
    got = sorted((g["count"], g["category"], g["blocked_at"]["function"]) for g in r["leaks"])
    want = [(1, "chan-receive", "main.parentLeak"), (2, "chan-send", "main.childLeak")]
    pids = {pid for g in r["leaks"] for pid in g["pids"]}
    if got != want or len(pids) != 2:
        return "%s: groups %s from pids %s, want %s from 2 pids" % (where, got, sorted(pids), want)
    print("ok: %s" % where)
    return None


def main():
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--shim", "--go", "--gccgo", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    if not os.access(args.go, os.X_OK) or not os.access(args.gccgo, os.X_OK):
        print("SKIP: go or gccgo missing")
        return 77
    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="mixed.", dir=args.work)
    errors = [e for e in (one(args, tmp, "gc", "gccgo"), one(args, tmp, "gccgo", "gc")) if e]
    if errors:
        print("FAIL:\n" + "\n".join(errors) + "\n(work files in %s)" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
