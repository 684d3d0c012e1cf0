#!/usr/bin/env python3
"""No silent pass: what `goleash run` says and how it exits when it cannot
analyse the program (docs/gc-backend.md, "When goleash cannot analyse").

  run_unsupported.py --goleash PATH --shim PATH --go PATH --gccgo PATH
                     --noptrace PATH --work DIR [--old-toolchain go1.18.10]

1. not Go at all (`true`): exit 3, one line naming it; --allow-unsupported: 0;
2. ptrace refused (seccomp, as in a locked-down container): a gc program
   runs, untraced, and the verdict is exit 3 with the reason; a gccgo
   program is still reported through its shim (exit 1: it leaks);
3. a gc release goleash has no layout table for, stripped of DWARF
   (--old-toolchain, fetched through the module proxy): exit 3 naming the
   version; with DWARF the same program is analysed (exit 1).
Exit: 0 ok, 1 failed, 2 could not build, 77 a tool is missing."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROG = os.path.join(HERE, "..", "e2e", "progs", "leak_chan_receive.go")


class Failure(Exception):
    pass


def goleash(args, argv, prefix=()):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("GOLEASH_")}
    env["GOLEASH_SHIM"] = args.shim
    return subprocess.run(list(prefix) + [args.goleash, "run"] + argv, env=env, capture_output=True, text=True,
                          timeout=120)


def expect(p, code, text, what):
    if p.returncode != code or text not in p.stderr:
        raise Failure("%s: exit %d (want %d), stderr:\n%s\n(want a line with %r)" % (
            what, p.returncode, code, p.stderr, text))
    print("ok: %s" % what)


def gc_build(args, tmp, name, toolchain="", flags=()):
    mod = os.path.join(tmp, "mod-" + name)
    os.makedirs(mod, exist_ok=True)
    shutil.copy(PROG, os.path.join(mod, "main.go"))
    with open(os.path.join(mod, "go.mod"), "w") as f:
        f.write("module m\n\ngo 1.18\n")
    exe = os.path.join(tmp, name)
    env = dict(os.environ, GOTOOLCHAIN=toolchain or "local", GOFLAGS="", GOWORK="off")
    p = subprocess.run([args.go, "build"] + list(flags) + ["-o", exe, "."], cwd=mod, env=env, capture_output=True,
                       text=True)
    if p.returncode != 0:
        print(p.stdout + p.stderr)
        raise SystemExit(2)
    return exe


def main():
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--shim", "--go", "--gccgo", "--noptrace", "--work"):
        ap.add_argument(a, required=True)
    ap.add_argument("--old-toolchain", default="go1.18.10")
    args = ap.parse_args()
    for tool in (args.go, args.gccgo, args.noptrace):
        if not os.access(tool, os.X_OK):
            print("SKIP: %s not found" % tool)
            return 77
    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="unsupported.", dir=args.work)
    try:
        true = shutil.which("true")
        expect(goleash(args, ["--", true]), 3, "ran no Go program goleash can analyse", "not Go: exit 3")
        expect(goleash(args, ["--allow-unsupported", "--", true]), 0, "--allow-unsupported: not failing for it",
               "not Go, --allow-unsupported: exit 0")
        gc = gc_build(args, tmp, "gc")
        p = goleash(args, ["--", gc], prefix=[args.noptrace])
        expect(p, 3, "without ptrace a gc program cannot be read", "ptrace refused, gc: exit 3")
        if "done" not in p.stdout:
            raise Failure("ptrace refused, gc: the program did not run:\n%s" % p.stdout)
        gccgo = os.path.join(tmp, "gccgo")
        subprocess.run([args.gccgo, "-g", PROG, "-o", gccgo], check=True)
        expect(goleash(args, ["--", gccgo], prefix=[args.noptrace]), 1, "running it with the shim alone",
               "ptrace refused, gccgo: reported by the shim, exit 1")
        old = gc_build(args, tmp, "old-stripped", args.old_toolchain, ["-ldflags=-s -w"])
        expect(goleash(args, ["--", old]), 3, "no layout table for this Go version",
               "%s stripped: exit 3" % args.old_toolchain)
        old = gc_build(args, tmp, "old", args.old_toolchain)
        p = goleash(args, ["--", old])
        if p.returncode != 1 or "SUMMARY: goleash: 1 leaked" not in p.stdout + p.stderr:
            raise Failure("%s with DWARF: exit %d, want 1 with one leak\n%s" % (args.old_toolchain, p.returncode,
                                                                               p.stdout + p.stderr))
        print("ok: %s with DWARF: analysed" % args.old_toolchain)
    except Failure as e:
        print("FAIL: %s\n(work files in %s)" % (e, tmp))
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
