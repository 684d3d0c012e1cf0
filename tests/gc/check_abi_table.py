#!/usr/bin/env python3
"""The per-version layout table (tracer/binary/gc_abi_versions.inc) against a real
toolchain: builds scripts/gc_abi_probe with GO (GOTOOLCHAIN=TOOLCHAIN), prints
its row with gc-abi-row (from the probe's DWARF) and compares it with the
table's row for the same minor version.

  check_abi_table.py --go PATH [--gotoolchain goX.Y.Z] --row GC_ABI_ROW
                     --table tracer/binary/gc_abi_versions.inc --probe DIR --work DIR
Exit: 0 same, 1 different (the table is stale: run scripts/gen_gc_abi.sh),
2 could not build, 77 the toolchain is missing."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def rows(text):
    """{minor: row text without its comment} of a table or of one row."""
    out = {}
    for m in re.finditer(r"\{\.minor = (\d+), /\*[^*]*\*/(.*?)\}\},\n", text, re.S):
        out[int(m.group(1))] = m.group(2)
    return out


def main():
    ap = argparse.ArgumentParser()
    for a in ("--go", "--row", "--table", "--probe", "--work"):
        ap.add_argument(a, required=True)
    ap.add_argument("--gotoolchain", default="")
    args = ap.parse_args()
    if not os.access(args.go, os.X_OK):
        print("SKIP: %s not found" % args.go)
        return 77
    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=args.work)
    try:
        mod = os.path.join(tmp, "probe")
        shutil.copytree(args.probe, mod)
        env = dict(os.environ, GOTOOLCHAIN=args.gotoolchain or "local", GOFLAGS="-mod=mod", GOWORK="off")
        exe = os.path.join(tmp, "probe.test")
        p = subprocess.run([args.go, "test", "-c", "-o", exe, "."], cwd=mod, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            print("probe build failed:\n" + p.stdout + p.stderr)
            return 2
        p = subprocess.run([args.row, exe], capture_output=True, text=True)
        if p.returncode != 0:
            print("gc-abi-row failed:\n" + p.stderr)
            return 1
        got = rows(p.stdout)
        with open(args.table, encoding="utf-8") as f:
            table = rows(f.read())
        (minor, row), = got.items()
        if minor not in table:
            print("FAIL: the table has no row for go1.%d (run scripts/gen_gc_abi.sh)" % minor)
            return 1
        if table[minor] != row:
            print("FAIL: the table's go1.%d row differs from this toolchain's DWARF (run scripts/gen_gc_abi.sh)"
                  "\n--- table ---%s\n--- DWARF ---%s" % (minor, table[minor], row))
            return 1
        print("ok: go1.%d row matches %s" % (minor, args.gotoolchain or args.go))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
