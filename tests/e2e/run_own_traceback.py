#!/usr/bin/env python3
"""The program's own tracebacks under the shim (tests/e2e/owntraceback):
its runtime.Stack dump reads the same with libgoleash.so preloaded as
without it, goroutine ids and addresses aside: the same frames, and every
goroutine's "created by" line naming the Go function whose `go` statement
created it, never the shim (libgo takes the creator from __go_go's caller,
the shim's interposer; the shim puts the Go caller back).

  run_own_traceback.py --shim PATH --gccgo PATH --work DIR"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def normalized(text):
    """The dump without goroutine ids, addresses and offsets."""
    text = re.sub(r"^goroutine \d+ ", "goroutine N ", text, flags=re.M)
    text = re.sub(r"\+0x[0-9a-f]+", "", text)
    return re.sub(r"0x[0-9a-f]+", "ADDR", text)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--shim", "--gccgo", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        exe = os.path.join(tmp, "own")
        subprocess.run([args.gccgo, "-g", os.path.join(HERE, "owntraceback", "main.go"), "-o", exe], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS")}
        base = subprocess.run([exe], capture_output=True, text=True, timeout=60, env=env)
        shim = subprocess.run([exe], capture_output=True, text=True, timeout=60,
                              env=dict(env, LD_PRELOAD=args.shim, GOLEASH_OPTIONS="report=0:exitcode=0"))
    a, b = normalized(base.stdout), normalized(shim.stdout)
    created = re.findall(r"^created by .*$", b, re.M)
    errors = []
    if base.returncode != 0 or shim.returncode != 0:
        errors.append("exit %d without the shim, %d with it" % (base.returncode, shim.returncode))
    if created != ["created by main.main"] * 10:
        errors.append("created-by lines with the shim: %r, expected 'created by main.main' x10" % created)
    if sorted(a.split("\n\n")) != sorted(b.split("\n\n")):
        errors.append("the dumps differ\n--- without the shim\n%s\n--- with it\n%s" % (a, b))
    for e in errors:
        print("FAIL: " + e)
    print("own traceback: %s" % ("the same with the shim" if not errors else "%d failure(s)" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
