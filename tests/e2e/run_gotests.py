#!/usr/bin/env python3
"""Per-test attribution end to end, on a real Go test binary.

  run_gotests.py --goleash PATH --shim PATH --src MODULE_DIR --work DIR --go PATH
                 [--compiler gccgo|gc] [--gotoolchain goX.Y.Z]

Builds tests/e2e/gotests/attr with `go test -c -compiler gccgo` (--go: Debian's
go-1.19 command driving gccgo; private GOCACHE/GOPATH, no network) and runs the
test binary under `goleash run --format json` and under LD_PRELOAD. With
--compiler gc, the plain `go test -c` of --go (GOTOOLCHAIN=--gotoolchain) and
the gc backend: the same checks but the LD_PRELOAD ones, names compared in
gccgo's spelling (gc_spelling.py). What its tests
leak, and from where, is fixed by the sources (gotests/attr/*.go):

  TestHelperTree        3 goroutines, chan receive in stage3, through a
                        3-level helper tree (stage1 -> stage2 -> stage3)
  TestParallel/b        2 goroutines, chan send (parallel siblings a, c clean)
  TestNames/x#01        1 goroutine, select {} (second subtest named "x")
  TestNames/with_space  1 goroutine, nil channel receive ("with space")
  setup                 1 from init (Mutex locked twice), 1 from TestMain
  TestWake              none: its 8 workers are readied by TestMain after
                        m.Run, right before os.Exit, and never run
                        (GOMAXPROCS=1); goleash must not call them parked
  ExampleLeakFromExample 1 goroutine, chan receive: an example runs on the
                        main goroutine (no tRunner), yet it is the example's
                        leak, not setup's (--ignore-setup keeps it)

Blocking sites are the lines marked `// site:NAME` in attr.go.

Exit status: 0 all assertions hold, 1 one failed, 2 could not run (build
failure), 77 skipped (no `go` command).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import gc_spelling

TIMEOUT = 120
GC = False
SHIM_LEAK_EXIT = 23
PKG = "goleash.invalid/gotests/attr"

ALL_TESTS = [
    "TestHelperTree", "TestParallel", "TestParallel/a", "TestParallel/b", "TestParallel/c",
    "TestNames", "TestNames/x", "TestNames/x#01", "TestNames/with_space",
    "TestCleanWorkers", "TestCleanClosed", "TestWake",
]
EXAMPLE = "ExampleLeakFromExample"


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def sites(src):
    """site name -> line number, from the `// site:NAME` markers."""
    out = {}
    with open(os.path.join(src, "attr", "attr.go"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"// site:(\w+)", line)
            if m:
                out[m.group(1)] = n
    return out


def build(args, work):
    mod = os.path.join(work, "module")
    shutil.rmtree(mod, ignore_errors=True)
    shutil.copytree(args.src, mod)
    env = dict(os.environ, GOCACHE=os.path.join(work, "gocache"), GOPATH=os.path.join(work, "gopath"),
               GO111MODULE="on", GOFLAGS="-mod=mod", GOPROXY="off", GOTOOLCHAIN=args.gotoolchain or "local")
    if args.gotoolchain:
        env["GOPROXY"] = os.environ.get("GOPROXY", "https://proxy.golang.org")
        env["GOMODCACHE"] = os.environ.get("GOMODCACHE") or os.path.expanduser("~/go/pkg/mod")
    binary = os.path.join(work, "attr.test")
    compiler = [] if GC else ["-compiler", "gccgo"]
    p = subprocess.run([args.go, "test", "-c"] + compiler + ["-o", binary, "./attr"], cwd=mod, env=env,
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0 or not os.path.exists(binary):
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(2)
    return binary


def base_env(gomaxprocs, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS")}
    env["GOMAXPROCS"] = str(gomaxprocs)
    env.update(extra)
    return env


def run_json(args, work, binary, name, test_args=(), goleash_args=(), gomaxprocs=1, env_extra=None):
    out = os.path.join(work, name + ".json")
    if os.path.exists(out):
        os.unlink(out)
    env = base_env(gomaxprocs, GOLEASH_SHIM=args.shim, **(env_extra or {}))
    cmd = [args.goleash, "run", "--format", "json", "-o", out] + list(goleash_args) + ["--", binary] + list(test_args)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    check(os.path.exists(out), "%s: no report written\n--- stderr ---\n%s" % (name, p.stderr))
    with open(out, encoding="utf-8") as f:
        return p, json.load(f)


def leaks_by_test(report):
    by = {}
    for leak in report["leaks"]:
        by.setdefault(leak["test"], []).append(leak)
    return by


def fname(frame):
    """A frame's function in the gccgo spelling the checks use."""
    f = (frame or {}).get("function")
    return gc_spelling.canon(f) if GC else f


def expect_group(by, test, count, category, function, line, name):
    groups = by.get(test, [])
    check(len(groups) == 1, "%s: %s: want 1 group, got %d: %s" % (
        name, test, len(groups), [(g["category"], g["blocked_at"]) for g in groups]))
    g = groups[0]
    check(g["count"] == count, "%s: %s: count %d, want %d" % (name, test, g["count"], count))
    check(g["category"] == category, "%s: %s: category %s, want %s" % (name, test, g["category"], category))
    site = g["blocked_at"] or {}
    check(fname(site) == function, "%s: %s: blocked at %s, want %s" % (name, test, site.get("function"), function))
    check(site.get("line") == line and (site.get("file") or "").endswith("attr/attr.go"),
          "%s: %s: blocked at %s:%s, want attr/attr.go:%d" % (name, test, site.get("file"), site.get("line"), line))
    check(len(g["goroutines"]) == count, "%s: %s: goroutine ids %s" % (name, test, g["goroutines"]))
    return g


def expect_setup(by, s, name, count=2):
    groups = by.get("setup", [])
    got = sorted((g["category"], fname(g["blocked_at"]), g["blocked_at"]["line"], g["count"]) for g in groups)
    want = sorted([("mutex", PKG + ".LeakSelfDeadlock..func1", s["deadlock"], 1),
                   ("chan-receive", PKG + ".LeakSetupReceiver..func1", s["setuprecv"], 1)])
    check(got == want[:count] if count < 2 else got == want, "%s: setup groups %s, want %s" % (name, got, want))


def expect_tests(report, leaked, name, names=None):
    names = names or ALL_TESTS
    got = [(t["name"], t["leaked"]) for t in report["tests"]]
    want = [(n, leaked.get(n, 0)) for n in names]
    check(got == want, "%s: tests %s, want %s" % (name, got, want))


def no_worker(report, name):
    for leak in report["leaks"]:
        fn = (leak["blocked_at"] or {}).get("function") or ""
        check("Worker" not in fn, "%s: a woken worker reported as leaked: %s" % (name, leak["blocked_at"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--go", default=None, help="the go command, by path")
    ap.add_argument("--compiler", choices=("gccgo", "gc"), default="gccgo")
    ap.add_argument("--gotoolchain", default="")
    ap.add_argument("--wake-runs", type=int, default=20)
    args = ap.parse_args()
    global GC
    GC = args.compiler == "gc"
    if not args.go or not os.access(args.go, os.X_OK) or (not GC and not shutil.which("gccgo")):
        print("go (%s) or gccgo not found: skipped" % args.go)
        return 77
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    s = sites(args.src)
    binary = build(args, work)
    leaked_all = {"TestHelperTree": 3, "TestParallel/b": 2, "TestNames/x#01": 1, "TestNames/with_space": 1,
                  EXAMPLE: 1}

    # 1. The whole suite under goleash run: exact attribution.
    p, r = run_json(args, work, binary, "all", ["-test.v"])
    check(p.returncode == 1, "all: exit %d, want 1\n%s" % (p.returncode, p.stderr))
    check("--- PASS: TestWake" in p.stdout and "--- PASS: %s" % EXAMPLE in p.stdout and "\nPASS\n" in p.stdout,
          "all: test output lost:\n" + p.stdout)
    by = leaks_by_test(r)
    expect_group(by, "TestHelperTree", 3, "chan-receive", PKG + ".stage3", s["stage3"], "all")
    g = expect_group(by, "TestParallel/b", 2, "chan-send", PKG + ".LeakSenders..func1", s["senders"], "all")
    check(fname(g["created_at"]) == PKG + ".LeakSenders", "all: TestParallel/b created at %s" % g["created_at"])
    expect_group(by, "TestNames/x#01", 1, "select-forever", PKG + ".LeakForever..func1", s["forever"], "all")
    expect_group(by, "TestNames/with_space", 1, "nil-chan-receive", PKG + ".LeakNilReceive..func1", s["nilrecv"],
                 "all")
    expect_group(by, EXAMPLE, 1, "chan-receive", PKG + ".LeakFromExample..func1", s["example"], "all")
    expect_setup(by, s, "all")
    check(sorted(k for k in by) == sorted(list(leaked_all) + ["setup"]), "all: leaking tests %s" % sorted(by))
    # The helper tree's leakers descend, through two exited helpers, from the test goroutine.
    anc = [a["function"] for a in by["TestHelperTree"][0]["ancestors"]]
    runner = "testing.tRunner" if GC else "testing.go..thunk42"
    check(len(anc) == 4 and anc[2] == runner and anc[3] == "runtime.main",
          "all: TestHelperTree ancestors %s" % anc)
    sm = r["summary"]
    check((sm["leaked_goroutines"], sm["groups"], sm["tests"], sm["tests_leaking"], sm["setup_leaked"],
           sm["ignored_setup"]) == (10, 7, 13, 5, 2, 0), "all: summary %s" % sm)
    # The example is no started test (tRunner never ran it): listed after them, once it leaked.
    expect_tests(r, leaked_all, "all", ALL_TESTS + [EXAMPLE])
    no_worker(r, "all")

    # 2. --ignore-setup: the same minus setup, said in the summary.
    p, r = run_json(args, work, binary, "ignore", goleash_args=["--ignore-setup"])
    check(p.returncode == 1, "ignore: exit %d, want 1" % p.returncode)
    by = leaks_by_test(r)
    check("setup" not in by, "ignore: setup groups reported")
    check(sorted(by) == sorted(leaked_all), "ignore: leaking tests %s" % sorted(by))
    sm = r["summary"]
    check((sm["leaked_goroutines"], sm["groups"], sm["setup_leaked"], sm["ignored_setup"]) == (8, 5, 2, 2),
          "ignore: summary %s" % sm)

    # 3. Only clean tests: setup leaks alone fail the run, unless ignored.
    clean = ["TestCleanWorkers", "TestCleanClosed", "TestWake"]
    p, r = run_json(args, work, binary, "clean", ["-test.run", "^(TestClean.*|TestWake)$"])
    check(p.returncode == 1, "clean: exit %d, want 1 (setup leaks)" % p.returncode)
    by = leaks_by_test(r)
    check(sorted(by) == ["setup"], "clean: leaking tests %s" % sorted(by))
    expect_setup(by, s, "clean")
    expect_tests(r, {}, "clean", clean)
    p, r = run_json(args, work, binary, "clean-ignore", ["-test.run", "^(TestClean.*|TestWake)$"],
                    env_extra={"GOLEASH_OPTIONS": "ignore_setup=1"})
    check(p.returncode == 0, "clean-ignore (GOLEASH_OPTIONS=ignore_setup=1): exit %d, want 0\n%s" % (
        p.returncode, p.stderr))
    check(r["summary"]["leaked_goroutines"] == 0 and r["summary"]["ignored_setup"] == 2,
          "clean-ignore: summary %s" % r["summary"])

    # 4. The shim's own exit report (LD_PRELOAD): the tests section, exit code.
    if not GC:
        shim_report(args, binary)
    repeated_and_woken(args, work, binary)
    print("ok (%s): attribution, ignore_setup, shim report, repeated tests, %d wake runs" % (
        args.gotoolchain or args.go if GC else "gccgo", args.wake_runs))
    return 0


def shim_report(args, binary):
    env = base_env(1, LD_PRELOAD=args.shim)
    p = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    check(p.returncode == SHIM_LEAK_EXIT, "preload: exit %d, want %d" % (p.returncode, SHIM_LEAK_EXIT))
    err = p.stderr
    table = ("Leaks by test (5 of 13 test(s) leaked; setup: spawned outside any test):\n"
             "  TestHelperTree          3 goroutine(s) in 1 group(s)\n"
             "  TestParallel/b          2 goroutine(s) in 1 group(s)\n"
             "  setup                   2 goroutine(s) in 2 group(s)\n"
             "  TestNames/x#01          1 goroutine(s) in 1 group(s)\n"
             "  ExampleLeakFromExample  1 goroutine(s) in 1 group(s)\n"
             "  TestNames/with_space    1 goroutine(s) in 1 group(s)\n")
    check(table in err, "preload: no tests table like\n%s--- stderr ---\n%s" % (table, err))
    for t in ["TestHelperTree", "TestParallel/b", "TestNames/x#01", "TestNames/with_space", EXAMPLE]:
        check("\n  test: %s\n" % t in err, "preload: no group line for %s" % t)
    check(err.rstrip("\n").endswith("SUMMARY: goleash: 10 leaked goroutine(s) in 7 group(s)."),
          "preload: summary line:\n" + err[-300:])
    env["GOLEASH_OPTIONS"] = "ignore_setup=1"
    p = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    check(p.returncode == SHIM_LEAK_EXIT, "preload ignore_setup: exit %d" % p.returncode)
    check("goleash: 2 goroutine(s) leaked outside any test (setup) not reported (ignore_setup)\n"
          "SUMMARY: goleash: 8 leaked goroutine(s) in 5 group(s).\n" in p.stderr,
          "preload ignore_setup: report tail:\n" + p.stderr[-400:])
    check("--- setup:" not in p.stderr, "preload ignore_setup: setup section printed")
    p = subprocess.run([binary, "-test.run", "^TestWake$"], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    check(p.returncode == 0 and p.stderr == "", "preload TestWake only: exit %d, stderr:\n%s" % (p.returncode, p.stderr))


def repeated_and_woken(args, work, binary):
    # 5. Repeated tests (-test.count=3, a fresh matcher each round: the same
    # names again), two threads: every instance attributed, one group per name.
    p, r = run_json(args, work, binary, "count3", ["-test.count", "3", "-test.run", "^(TestHelperTree|TestParallel)$"],
                    gomaxprocs=2, goleash_args=["--ignore-setup"])
    check(p.returncode == 1, "count3: exit %d" % p.returncode)
    by = leaks_by_test(r)
    want = {"TestHelperTree": [9], "TestParallel/b": [6]}
    got = {t: [g["count"] for g in gs] for t, gs in by.items()}
    check(got == want, "count3: leaks by test %s, want %s" % (got, want))
    got = [(t["name"], t["leaked"]) for t in r["tests"]]
    check(got == [("TestHelperTree", 9), ("TestParallel", 0), ("TestParallel/a", 0), ("TestParallel/b", 6),
                  ("TestParallel/c", 0)], "count3: tests %s" % got)

    # 6. No settling sleeps, no flakes: the woken-not-run workers, again and again.
    for i in range(args.wake_runs):
        p, r = run_json(args, work, binary, "wake", ["-test.run", "^TestWake$"], goleash_args=["--ignore-setup"])
        check(p.returncode == 0 and r["summary"]["leaked_goroutines"] == 0,
              "wake run %d: exit %d, leaks %s" % (i, p.returncode, [l["blocked_at"] for l in r["leaks"]]))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print("FAIL: %s" % e)
        sys.exit(1)
