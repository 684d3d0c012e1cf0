#!/usr/bin/env python3
"""A gccgo c-shared library loaded with RTLD_LOCAL (tests/e2e/dlopen) by a C
host and by Python's ctypes, with libgoleash.so preloaded: the host runs as
without it (its output and exit status), never "undefined symbol: __go_go"
and exit 127 (libgo is outside the global scope; the shim finds it through
its own handle).

  run_dlopen_local.py --shim PATH --go PATH (Debian's go-1.19, for -compiler gccgo) --work DIR"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    for a in ("--shim", "--go", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    if not os.access(args.go, os.X_OK):
        print("SKIP: %s not found" % args.go)
        return 77
    os.makedirs(args.work, exist_ok=True)
    errors = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        lib, host = os.path.join(tmp, "libspawn.so"), os.path.join(tmp, "host")
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS")}
        subprocess.run([args.go, "build", "-compiler", "gccgo", "-buildmode=c-shared", "-o", lib,
                        os.path.join(HERE, "dlopen", "lib.go")], check=True, cwd=tmp,
                       env=dict(env, GOFLAGS="", GO111MODULE="off"))
        subprocess.run(["gcc", "-o", host, os.path.join(HERE, "dlopen", "host.c"), "-ldl"], check=True)
        hosts = {"C host": [host, lib],
                 "Python ctypes": [sys.executable, "-c", "import ctypes; print('Spawn() =', "
                                   "ctypes.CDLL(%r).Spawn())" % lib]}
        for what, argv in hosts.items():
            base = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
            shim = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                                  env=dict(env, LD_PRELOAD=args.shim))
            if base.returncode != 0 or base.stdout != "Spawn() = 42\n":
                errors.append("%s without the shim: exit %d %r %s" % (what, base.returncode, base.stdout,
                                                                      base.stderr))
            elif shim.returncode != base.returncode or shim.stdout != base.stdout:
                errors.append("%s with the shim: exit %d, stdout %r (without: %d, %r)\n%s" % (
                    what, shim.returncode, shim.stdout, base.returncode, base.stdout, shim.stderr))
            else:
                print("ok: %s: the same output and exit status with the shim preloaded" % what)
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
