"""Builds one Go file with gc or gccgo, for the tests that run a program
built both ways (run_mixed.py, run_same_leak.py)."""

import os
import subprocess


def build(src, exe, compiler, go, gccgo):
    """src -> exe with `compiler` ("gc": the toolchain at go, GOPATH mode;
    "gccgo": gccgo -g). Exits 2 (could not build) on a compiler error."""
    if compiler == "gccgo":
        cmd, env = [gccgo, "-g", src, "-o", exe], dict(os.environ)
    else:
        cmd = [go, "build", "-o", exe, src]
        env = dict(os.environ, GOTOOLCHAIN="local", GO111MODULE="off", GOFLAGS="")
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout + p.stderr)
        raise SystemExit(2)
    return exe
