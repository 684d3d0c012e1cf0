#!/usr/bin/env python3
"""One leak, one identity, whichever compiler built the program:
spelling/main.go leaks a closure of a pointer-receiver method and a
pointer-receiver method, which gc and gccgo name differently. Built with
both and run under `goleash run`, the reports print each compiler's own
names, and the SARIF fingerprints (computed on the canonical spelling) are
the same.

  run_same_leak.py --goleash PATH --shim PATH --go PATH --gccgo PATH --work DIR
Exit: 0 ok, 1 failed, 2 could not build."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import compilers

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "spelling", "main.go")
# What each compiler calls the two blocking functions.
NAMES = {
    "gc": ["main.(*pool).run.func1", "main.(*worker).loop"],
    "gccgo": ["main.pool.run..func1", "main.worker.loop"],
}


def build(args, tmp, compiler):
    return compilers.build(SRC, os.path.join(tmp, "spelling-" + compiler), compiler, args.go, args.gccgo)


def run(args, tmp, compiler):
    """(blocking function names, {blocking function: fingerprint})."""
    exe = build(args, tmp, compiler)
    js, sarif = os.path.join(tmp, compiler + ".json"), os.path.join(tmp, compiler + ".sarif")
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("GOLEASH_")}
    env["GOLEASH_SHIM"] = args.shim
    p = subprocess.run([args.goleash, "run", "--format", "json", "-o", js, "--sarif", sarif, "--", exe],
                       env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != 1 or "spelling done" not in p.stdout:
        raise SystemExit("FAIL: %s: exit %d, want 1\n%s%s" % (compiler, p.returncode, p.stdout, p.stderr))
    with open(js) as f:
        leaks = json.load(f)["leaks"]
    with open(sarif) as f:
        results = json.load(f)["runs"][0]["results"]
    names = sorted(g["blocked_at"]["function"] for g in leaks)
    fps = {}
    for res in results:
        fn = res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        fps[fn] = res["partialFingerprints"]["goleashLeak/v1"]
    return names, fps


def main():
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--shim", "--go", "--gccgo", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    errors = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        got = {c: run(args, tmp, c) for c in ("gc", "gccgo")}
    for c, (names, fps) in got.items():
        if names != sorted(NAMES[c]):
            errors.append("%s: blocking functions %s, want %s" % (c, names, sorted(NAMES[c])))
    for gc_name, gccgo_name in zip(*(NAMES[c] for c in ("gc", "gccgo"))):
        a, b = got["gc"][1].get(gc_name), got["gccgo"][1].get(gccgo_name)
        if a is None or a != b:
            errors.append("fingerprint of %s (gc) %s != %s (gccgo) %s" % (gc_name, a, gccgo_name, b))
        else:
            print("ok: %s = %s: %s" % (gc_name, gccgo_name, a))
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
