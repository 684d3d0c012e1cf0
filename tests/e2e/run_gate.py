#!/usr/bin/env python3
"""goleash as a CI leak gate for `go test` (python3 standard library only).

  run_gate.py --mode gate|loop --goleash PATH --module DIR --work DIR
              --go PATH [--compiler gccgo --gccgo PATH | --compiler gc
              [--gotoolchain goX.Y.Z]] [--runs N] [--jobs N]

--compiler gccgo (the default) builds with `go test -compiler gccgo` (--go
must then be Debian's go-1.19 command); --compiler gc with the plain
`go test` of --go (GOTOOLCHAIN=--gotoolchain, else local): the gc backend.
Headers name functions and wait reasons as gccgo spells them; gc's
spellings are compared in that form (gc_spelling.py).

The Go module (examples/gate) is copied into a fresh directory under --work
first: the source tree is never written to. Every package states what the
gate must say about it in header comments of one of its _test.go files:

  // gate: result=ok|FAIL leaked=N [groups=N] [tags=T] [test_failed=TestName]
  // gate-group: count=N reason="R" category=C blocked=FUNC at=FILE:LINE
  //             created=FUNC

Modes
  gate  0. (last) the same gate over ./pool ./watch writing --json --junit
           --sarif per binary (%b) with GitHub annotations: the leaking test
           (a parallel subtest in watch) is named in all of them (ATTRIBUTION);
        1. `go test -compiler gccgo -exec 'goleash run --' ./...`: per package
           the ok/FAIL line, the leak report (exact groups: count, wait reason,
           category, blocked function and file:line, creating function) or no
           report at all, and go test's exit code (1: some package failed);
        2. the same over the packages built only with their tag (a genuinely
           failing test that also leaks): its own `--- FAIL` output is kept;
        3. `go test -c`, then `goleash run -- ./pkg.test -test.v` for every
           package: exit code 1 (leaks or a failed test) or 0, the report, and
           a test binary's own exit status (3, from os.Exit) passed through.
  load  runs the test binary of every leaking package --runs times while every
        core is kept busy: the same verdict (exit code, groups) every time.
  loop  builds the test binary of every `result=ok` package once and runs each
        one --runs times under `goleash run --` (--jobs at a time, GOMAXPROCS=2,
        -test.count=1). Every run must exit 0 without a report. Prints the
        number of runs, the false reports per binary and, for each distinct
        falsely reported goroutine, one report text.

Exit status: 0 all assertions hold, 1 an assertion failed, 2 the test could
not be run, 77 skipped (no go or no gccgo).
"""

import argparse
import json
import xml.etree.ElementTree as ET
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import gc_spelling

SKIP = 77
RUN_TIMEOUT = 300
MODULE = "example.com/gate"


class Failure(Exception):
    pass


class Setup(Exception):
    pass


def log(msg=""):
    print(msg, flush=True)


def tail(text, n=60):
    lines = text.splitlines()
    if len(lines) > n:
        lines = ["... (%d lines cut)" % (len(lines) - n)] + lines[-n:]
    return "\n".join(lines)


# ----------------------------------------------------------------- headers

def parse_kv(text, where):
    out = {}
    for tok in shlex.split(text):
        if "=" not in tok:
            raise Setup("%s: bad header token %r (want key=value)" % (where, tok))
        k, v = tok.split("=", 1)
        out[k] = v
    return out


def read_expectations(module_dir):
    """{import path: spec} for every package directory holding a `// gate:` header."""
    specs = {}
    for root, dirs, files in os.walk(module_dir):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith("_test.go"):
                continue
            path = os.path.join(root, name)
            spec = None
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = re.match(r"//\s*(gate|gate-group):(.*)$", line.strip())
                    if not m:
                        continue
                    where = "%s:%d" % (path, n)
                    kv = parse_kv(m.group(2), where)
                    if m.group(1) == "gate":
                        spec = dict(kv, file=path, expect_groups=[])
                    elif spec is None:
                        raise Setup("%s: gate-group before the gate: header" % where)
                    else:
                        spec["expect_groups"].append(kv)
            if spec is None:
                continue
            rel = os.path.relpath(root, module_dir)
            pkg = MODULE if rel == "." else MODULE + "/" + rel.replace(os.sep, "/")
            if pkg in specs:
                raise Setup("%s: a second gate: header for %s" % (path, pkg))
            for k in ("result", "leaked"):
                if k not in spec:
                    raise Setup("%s: gate: header lacks %s=" % (path, k))
            if spec["result"] not in ("ok", "FAIL"):
                raise Setup("%s: result= must be ok or FAIL" % path)
            spec["leaked"] = int(spec["leaked"])
            spec["dir"] = root
            specs[pkg] = spec
    if not specs:
        raise Setup("%s: no package has a // gate: header" % module_dir)
    return specs


# ----------------------------------------------------------------- output parsing

RESULT_LINE = re.compile(r"^(ok|FAIL|\?)\s+(\S+)(\s|$)")
GROUP_HEAD = re.compile(r"^Leak of (\d+) goroutine\(s\) \[(.+), category ([^\]]+)\], (?:parked .*, )?blocked at:$")
FRAME = re.compile(r"^\s+#(\d+) (\S+) (\S+?):(\d+)$")
SUMMARY = re.compile(r"^SUMMARY: goleash: (\d+) leaked goroutine\(s\) in (\d+) group\(s\)\.$")


def split_packages(output):
    """go test's output, cut into {package: (result, text)}; each package's
    output ends with its own ok/FAIL line."""
    out = {}
    buf = []
    for line in output.splitlines():
        buf.append(line)
        m = RESULT_LINE.match(line)
        if m:
            out[m.group(2)] = (m.group(1), "\n".join(buf))
            buf = []
    return out


def parse_report(text):
    """The leak groups of a goleash text report: dicts with count, reason,
    category, blocked (function), at (file:line), created (function); and the
    SUMMARY numbers or None."""
    groups = []
    summary = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = GROUP_HEAD.match(lines[i])
        s = SUMMARY.match(lines[i])
        if s:
            summary = (int(s.group(1)), int(s.group(2)))
        if not m:
            i += 1
            continue
        g = {"count": int(m.group(1)), "reason": m.group(2), "category": m.group(3),
             "blocked": None, "at": None, "created": None}
        i += 1
        section = "blocked"
        while i < len(lines) and not GROUP_HEAD.match(lines[i]) and not SUMMARY.match(lines[i]):
            line = lines[i]
            if line.startswith("  created"):
                section = "created"
            f = FRAME.match(line)
            if f and f.group(1) == "0" and g[section] is None:
                g[section] = f.group(2)
                if section == "blocked":
                    g["at"] = "%s:%s" % (os.path.basename(f.group(3)), f.group(4))
            i += 1
        groups.append(g)
    return groups, summary


def describe(groups):
    return "\n".join("    count=%d reason=%r category=%s blocked=%s at=%s created=%s" % (
        g["count"], g["reason"], g["category"], g["blocked"], g["at"], g["created"])
        for g in groups) or "    (no groups)"


GC = False   # --compiler gc: compare in the headers' (gccgo) spelling


def spelled(groups):
    """Groups with gc's names and reasons in the headers' spelling."""
    if not GC:
        return groups
    out = []
    for g in groups:
        g = dict(g, blocked=gc_spelling.canon(g["blocked"]), created=gc_spelling.canon(g["created"]))
        out.append(g)
    return out


def same_group(want, got):
    w_count, w_reason, w_cat, w_blocked, w_at, w_created = want
    g_count, g_reason, g_cat, g_blocked, g_at, g_created = got
    reason_ok = gc_spelling.reason_ok(w_reason, g_reason) if GC else w_reason == g_reason
    return reason_ok and (w_count, w_cat, w_blocked, w_at, w_created) == (g_count, g_cat, g_blocked, g_at, g_created)


def check_report(errors, where, spec, text):
    groups, summary = parse_report(text)
    groups = spelled(groups)
    if spec["leaked"] == 0:
        if groups or summary or "goleash: detected" in text:
            errors.append("%s: expected no leak report, got:\n%s" % (where, describe(groups)))
        return
    want_groups = int(spec.get("groups", len(spec["expect_groups"])))
    if summary != (spec["leaked"], want_groups):
        errors.append("%s: SUMMARY says %s, expected %d leaked goroutine(s) in %d group(s)" % (
            where, summary and "%d in %d" % summary, spec["leaked"], want_groups))
    want = sorted(((int(g["count"]), g["reason"], g["category"], g["blocked"], g["at"], g["created"])
                   for g in spec["expect_groups"]), key=lambda g: (g[0], g[2], g[3], g[4], g[5]))
    got = sorted((g["count"], g["reason"], g["category"], g["blocked"], g["at"], g["created"])
                 for g in groups)
    if len(want) != len(got) or not all(same_group(w, g) for w, g in
                                        zip(want, sorted(got, key=lambda g: (g[0], g[2], g[3], g[4], g[5])))):
        errors.append("%s: leak groups differ\n  expected:\n%s\n  got:\n%s" % (
            where, describe([dict(zip(("count", "reason", "category", "blocked", "at", "created"), w))
                             for w in want]), describe(groups)))


# ----------------------------------------------------------------- environment

class Env:
    def __init__(self, args, tmp):
        self.goleash = os.path.abspath(args.goleash)
        self.go = args.go
        self.tmp = tmp
        self.module = os.path.join(tmp, "gate")
        shutil.copytree(args.module, self.module)
        env = {k: v for k, v in os.environ.items()
               if k != "LD_PRELOAD" and not k.startswith("GOLEASH_") and not k.startswith("GO")}
        env.update({
            "LC_ALL": "C",
            # A private build cache (or --gocache) and GOPATH: nothing outside
            # tmp (and that cache) is written.
            "GOCACHE": args.gocache or os.path.join(tmp, "gocache"),
            "GOPATH": os.path.join(tmp, "gopath"),
            # The module has no dependencies: never reach for the network.
            "GOPROXY": "off",
            "GOFLAGS": "-mod=mod",
            "GO111MODULE": "on",
            "GOWORK": "off",
            "GOTOOLCHAIN": args.gotoolchain or "local",
        })
        if args.gccgo:
            env["GCCGO"] = args.gccgo
        if args.gotoolchain:
            # A toolchain the module proxy serves: that one download only.
            env["GOPROXY"] = os.environ.get("GOPROXY", "https://proxy.golang.org")
            env["GOMODCACHE"] = os.environ.get("GOMODCACHE") or os.path.expanduser("~/go/pkg/mod")
        self.compiler = ["-compiler", "gccgo"] if args.compiler == "gccgo" else []
        self.env = env

    def run(self, argv, cwd=None, extra=None, what=""):
        env = dict(self.env, **(extra or {}))
        log("$ %s%s" % (" ".join(shlex.quote(a) for a in argv), ("   [%s]" % what) if what else ""))
        try:
            p = subprocess.run(argv, env=env, cwd=cwd or self.module, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Failure("%s: timed out after %ds" % (what or argv[0], RUN_TIMEOUT))
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def exec_flag(self):
        return "%s run --" % self.goleash

    def build_test_binary(self, pkg, spec, out):
        argv = [self.go, "test"] + self.compiler + ["-c", "-o", out]
        if "tags" in spec:
            argv += ["-tags", spec["tags"]]
        rc, o, e = self.run(argv + ["./" + os.path.relpath(spec["dir"], self.module)],
                            what="build " + pkg)
        if rc != 0:
            raise Setup("go test -c %s failed (%d):\n%s" % (pkg, rc, tail(o + e)))
        return out


# ----------------------------------------------------------------- modes

def go_test_gate(env, specs, errors, tagged):
    """One `go test -exec` run over the untagged packages (./...) or over
    the tagged ones; checks every package and go test's exit code."""
    if tagged:
        chosen = {p: s for p, s in specs.items() if "tags" in s}
        tags = sorted({s["tags"] for s in chosen.values()})
        argv = ["-tags", ",".join(tags)] + ["./" + os.path.relpath(s["dir"], env.module)
                                             for s in chosen.values()]
    else:
        chosen = {p: s for p, s in specs.items() if "tags" not in s}
        argv = ["./..."]
    argv = [env.go, "test"] + env.compiler + ["-count=1", "-exec", env.exec_flag()] + argv
    t0 = time.monotonic()
    rc, out, err = env.run(argv, what="go test gate")
    log("  go test exited %d after %.1fs" % (rc, time.monotonic() - t0))
    text = out + err
    sections = split_packages(out)
    where = "go test%s" % (" -tags" if tagged else "")
    expected_rc = 1 if any(s["result"] == "FAIL" for s in chosen.values()) else 0
    if rc != expected_rc:
        errors.append("%s: exit code %d, expected %d" % (where, rc, expected_rc))
    unexpected = sorted(set(sections) - set(chosen))
    if unexpected:
        errors.append("%s: results for packages without a gate: header: %s" % (where, unexpected))
    for pkg, spec in sorted(chosen.items()):
        if pkg not in sections:
            errors.append("%s: no ok/FAIL line for %s" % (where, pkg))
            continue
        result, section = sections[pkg]
        w = "%s %s" % (where, pkg)
        if result != spec["result"]:
            errors.append("%s: %s, expected %s" % (w, result, spec["result"]))
        check_report(errors, w, spec, section)
        if "test_failed" in spec and "--- FAIL: %s " % spec["test_failed"] not in section:
            errors.append("%s: its own '--- FAIL: %s' line is missing" % (w, spec["test_failed"]))
        log("  %-40s %-4s %s" % (pkg, result, "%d leaked" % (parse_report(section)[1] or (0, 0))[0]))
    if errors:
        log("--- go test output ---\n" + tail(text, 200))


def test_binaries(env, specs, errors):
    """go test -c, then goleash run -- ./pkg.test -test.v, for every package."""
    bindir = os.path.join(env.tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    for pkg, spec in sorted(specs.items()):
        exe = env.build_test_binary(pkg, spec, os.path.join(bindir, pkg.rsplit("/", 1)[-1] + ".test"))
        rc, out, err = env.run([env.goleash, "run", "--", exe, "-test.v"], cwd=spec["dir"],
                               what="goleash run -- %s -test.v" % os.path.basename(exe))
        w = "goleash run -- %s -test.v" % os.path.basename(exe)
        want_rc = 1 if spec["result"] == "FAIL" else 0
        if rc != want_rc:
            errors.append("%s: exit code %d, expected %d\n%s" % (w, rc, want_rc, tail(out + err, 30)))
        # goleash run prints its report on stderr: PROG's stdout is PROG's.
        check_report(errors, w, spec, err)
        if "SUMMARY: goleash" in out or "goleash: no goroutine leaks" in out:
            errors.append("%s: the report is on stdout, which is the test binary's" % w)
        if "--- PASS" not in out and "--- FAIL" not in out:
            errors.append("%s: no -test.v output on stdout" % w)
        if "test_failed" in spec:
            if "--- FAIL: %s " % spec["test_failed"] not in out:
                errors.append("%s: its own '--- FAIL: %s' line is missing" % (w, spec["test_failed"]))
        elif "--- FAIL" in out:
            errors.append("%s: a test failed:\n%s" % (w, tail(out, 30)))
        # A test-name suppression takes the leaking test's groups out of the
        # verdict and is reported with its hits.
        if pkg.endswith("/pool"):
            supp = os.path.join(env.tmp, "pool.supp")
            with open(supp, "w") as f:
                f.write("# the pool test leaks on purpose\ntest:TestSumForgets*\n")
            rc, out, err = env.run([env.goleash, "run", "--suppressions", supp, "--", exe], cwd=spec["dir"],
                                   what="pool.test with a test: suppression")
            if rc != 0 or not re.search(r"^\s+4\s+2\s+test:TestSumForgets\* \(%s:2\)$" % re.escape(supp),
                                        err, re.M) or "4 suppressed" not in err:
                errors.append("%s --suppressions (test:): exit %d, expected 0 with 4 goroutines in 2 groups "
                              "suppressed\n%s" % (w, rc, tail(out + err, 20)))
        # A test binary's own exit status wins over the leak status.
        if pkg.endswith("/failing"):
            rc, out, err = env.run([env.goleash, "run", "--", exe, "-test.run", "^TestExitsThree$"],
                                   cwd=spec["dir"], extra={"GATE_EXIT_THREE": "1"},
                                   what="os.Exit(3) in a leaking test")
            if rc != 3:
                errors.append("%s -test.run TestExitsThree: exit code %d, expected 3 (the test's own)\n%s"
                              % (w, rc, tail(out + err, 30)))
            groups = spelled(parse_report(out + err)[0])
            sub = [g for g in groups if g["blocked"] == MODULE + "/failing.Subscribe..func1"]
            if len(sub) != 1 or sub[0]["count"] != 1 or sub[0]["at"] != "failing.go:14":
                errors.append("%s -test.run TestExitsThree: expected one Subscribe..func1 goroutine "
                              "leaked at failing.go:14, got:\n%s" % (w, describe(groups)))
            # The runner waiting in T.Run for the test that never returned is
            # the harness's, not a leak (default suppressions).
            if any(g["blocked"] == "testing.T.Run" for g in groups) or "top:testing.T.Run" not in out + err:
                errors.append("%s -test.run TestExitsThree: testing.T.Run reported, or its default rule not "
                              "listed as used:\n%s" % (w, tail(out + err, 30)))


# Which test each leaking package's goroutines belong to, and the tests that
# ran clean beside it (per-test attribution through testing.T.Run).
ATTRIBUTION = {
    "pool": {"leaking": {"TestSumForgetsStop": 4}, "clean": ["TestSumStopped"]},
    "watch": {"leaking": {"TestWatchers/forgotten-close": 1},
              "clean": ["TestWatchers", "TestWatchers/closed", "TestWatchers/parent-cancelled",
                        "TestWatchers/cleanup-closes", "TestWatchers/fetch-fast",
                        "TestWatchers/fetch-late-answer", "TestDeadlineWatcher"]},
}


def report_files(env, errors):
    """The gate with every report file at once (%b: one set per package
    binary) and GitHub annotations: the leaking test is named in the text
    report, the JSON, the JUnit testcases and the SARIF results."""
    rdir = os.path.join(env.tmp, "reports")
    flag = ("%s run --json %s/%%b.json --junit %s/%%b.xml --sarif %s/%%b.sarif --source-root %s "
            "--github-annotations on --" % (env.goleash, rdir, rdir, rdir, env.module))
    rc, out, err = env.run([env.go, "test"] + env.compiler + ["-count=1", "-exec", flag, "./pool", "./watch"],
                           what="go test gate with report files")
    if rc != 1:
        errors.append("report files: go test exit %d, expected 1" % rc)
    for pkg, want in sorted(ATTRIBUTION.items()):
        w = "report files %s" % pkg
        for test, n in want["leaking"].items():
            if "--- %s: %d leaked goroutine(s)" % (test, n) not in out:
                errors.append("%s: text report has no '--- %s: %d leaked' section" % (w, test, n))
            # go test's own shape, one line per leaking test, at a package file.
            line = r"^--- LEAK: %s \(%d goroutines?\) at %s/[a-z_]+\.go:\d+$" % (re.escape(test), n, pkg)
            if not re.search(line, out, re.M):
                errors.append("%s: no '--- LEAK: %s (%d goroutines) at %s/FILE:LINE' line" % (w, test, n, pkg))
        for test in want["clean"]:
            if "--- LEAK: %s " % test in out:
                errors.append("%s: a '--- LEAK: %s' line for a clean test" % (w, test))
        try:
            with open(os.path.join(rdir, pkg + ".test.json")) as f:
                j = json.load(f)
            root = ET.parse(os.path.join(rdir, pkg + ".test.xml")).getroot()
            with open(os.path.join(rdir, pkg + ".test.sarif")) as f:
                sarif = json.load(f)
        except (OSError, ValueError, ET.ParseError) as ex:
            errors.append("%s: %s" % (w, ex))
            continue
        by_test = {}
        for leak in j["leaks"]:
            by_test[leak["test"]] = by_test.get(leak["test"], 0) + leak["count"]
        if by_test != want["leaking"]:
            errors.append("%s: JSON leaks by test %r, expected %r" % (w, by_test, want["leaking"]))
        names = {t["name"] for t in j["tests"]}
        missing = (set(want["clean"]) | set(want["leaking"])) - names
        if missing:
            errors.append("%s: JSON tests list lacks %r" % (w, sorted(missing)))
        cases = {c.get("name"): c for c in root.iter("testcase")}
        for test in want["leaking"]:
            if test not in cases or cases[test].find("failure") is None:
                errors.append("%s: JUnit has no failed testcase %s" % (w, test))
            elif "blocked at" not in (cases[test].find("failure").text or ""):
                errors.append("%s: JUnit failure of %s lacks the leak report" % (w, test))
        for test in want["clean"]:
            if test not in cases or cases[test].find("failure") is not None:
                errors.append("%s: JUnit testcase %s missing or failed" % (w, test))
        results = sarif["runs"][0]["results"]
        if len(results) != len(j["leaks"]):
            errors.append("%s: SARIF has %d results for %d groups" % (w, len(results), len(j["leaks"])))
        for r in results:
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            test = next(iter(want["leaking"]))
            if not uri.startswith(pkg + "/") or "in test %s" % test not in r["message"]["text"] \
                    or not r.get("partialFingerprints"):
                errors.append("%s: SARIF result at %s lacks the package file, the test or a fingerprint" % (w, uri))
        if not re.search(r"^::error file=%s/[a-z]+\.go,line=\d+," % pkg, out, re.M):
            errors.append("%s: no GitHub annotation at a %s/ file" % (w, pkg))


def mode_gate(env, specs):
    errors = []
    go_test_gate(env, specs, errors, tagged=False)
    go_test_gate(env, specs, errors, tagged=True)
    test_binaries(env, specs, errors)
    report_files(env, errors)
    if errors:
        raise Failure("\n".join("  - " + e for e in errors))
    log("PASS: %d packages gated as expected" % len(specs))


def mode_loop(env, specs, runs, jobs):
    clean = {p: s for p, s in sorted(specs.items()) if s["result"] == "ok" and "tags" not in s}
    bindir = os.path.join(env.tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    bins = [(pkg, env.build_test_binary(pkg, s, os.path.join(bindir, pkg.rsplit("/", 1)[-1] + ".test")),
             s["dir"]) for pkg, s in clean.items()]
    extra = dict(env.env, GOMAXPROCS="2")

    def one(item):
        pkg, exe, cwd = item
        p = subprocess.run([env.goleash, "run", "--", exe, "-test.count=1"], env=extra, cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
        return pkg, p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    work = [b for _ in range(runs) for b in bins]
    log("%d clean test binaries x %d runs, %d at a time, GOMAXPROCS=2" % (len(bins), runs, jobs))
    t0 = time.monotonic()
    bad_runs = 0
    false_reports = {pkg: 0 for pkg, _, _ in bins}
    bad_exit = {pkg: 0 for pkg, _, _ in bins}
    distinct = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for pkg, rc, out, err in pool.map(one, work):
            groups, summary = parse_report(out + err)
            bad_runs += bool(groups or summary or rc != 0)
            if groups or summary:
                false_reports[pkg] += 1
                for g in groups:
                    key = (pkg, g["blocked"], g["at"], g["created"], g["reason"])
                    if key not in distinct:
                        distinct[key] = [0, out + err]
                    distinct[key][0] += 1
            if rc != 0:
                bad_exit[pkg] += 1
                if not (groups or summary):
                    distinct.setdefault((pkg, "exit %d" % rc, None, None, None), [0, out + err])[0] += 1
    elapsed = time.monotonic() - t0
    total = len(work)
    nfalse = sum(false_reports.values())
    log("runs: %d in %.1fs (%.0f ms per run)" % (total, elapsed, 1000 * elapsed / total))
    for pkg, _, _ in bins:
        log("  %-40s runs=%d false_reports=%d nonzero_exit=%d" % (pkg, runs, false_reports[pkg], bad_exit[pkg]))
    log("false reports: %d of %d runs" % (nfalse, total))
    if distinct:
        for (pkg, blocked, at, created, reason), (n, text) in sorted(distinct.items()):
            log("\n=== %s: %s at %s (%s), created by %s: %d run(s); one report:" % (
                pkg, blocked, at, reason, created, n))
            log(tail(text, 40))
        raise Failure("%d of %d clean runs had a leak report or a non-zero exit" % (bad_runs, total))


def busy_cores(n):
    """n processes that spin for ever: a loaded machine."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def mode_load(env, specs, runs):
    """The leaking packages' test binaries, run one after the other `runs`
    times while every core is kept busy: the verdict (exit code, and each
    leak group's count, blocking function and category) must be the same in
    every run — it may not depend on how loaded the machine is."""
    leaking = {p: s for p, s in sorted(specs.items()) if s["result"] == "FAIL" and "tags" not in s}
    bindir = os.path.join(env.tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    bins = [(pkg, env.build_test_binary(pkg, s, os.path.join(bindir, pkg.rsplit("/", 1)[-1] + ".test")), s)
            for pkg, s in leaking.items()]
    hogs = busy_cores(os.cpu_count() or 2)
    verdicts = {pkg: {} for pkg, _, _ in bins}
    t0 = time.monotonic()
    try:
        for _ in range(runs):
            for pkg, exe, spec in bins:
                p = subprocess.run([env.goleash, "run", "--", exe, "-test.count=1"], env=env.env, cwd=spec["dir"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
                err = p.stderr.decode("utf-8", "replace")
                groups, summary = parse_report(err)
                key = (p.returncode, summary, tuple(sorted((g["count"], g["blocked"], g["category"])
                                                           for g in spelled(groups))))
                verdicts[pkg].setdefault(key, [0, err])[0] += 1
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    log("%d leaking test binaries x %d runs with %d cores busy: %.1fs" % (len(bins), runs, len(hogs),
                                                                      time.monotonic() - t0))
    errors = []
    for pkg, _, spec in bins:
        seen = verdicts[pkg]
        for key, (n, _) in sorted(seen.items(), key=lambda kv: -kv[1][0]):
            log("  %-30s %3d run(s): exit %d, summary %s, groups %s" % (pkg, n, key[0], key[1], list(key[2])))
        want_leaked = spec.get("leaked")
        for key, (n, text) in seen.items():
            if key[0] != 1 or key[1] is None or (want_leaked is not None and key[1][0] != int(want_leaked)):
                errors.append("%s: %d run(s) gave exit %d, summary %s (expected exit 1 and %s leaked):\n%s"
                              % (pkg, n, key[0], key[1], want_leaked, tail(text, 40)))
        if len(seen) > 1:
            errors.append("%s: %d different verdicts in %d runs" % (pkg, len(seen), runs))
    if errors:
        raise Failure("\n".join("  - " + e for e in errors))
    log("PASS: the same verdict in every run")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("gate", "loop", "load"), required=True)
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--module", required=True, help="the examples/gate module (copied, never written)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--go", default="")
    ap.add_argument("--gccgo", default="")
    ap.add_argument("--compiler", choices=("gccgo", "gc"), default="gccgo")
    ap.add_argument("--gotoolchain", default="", help="gc: GOTOOLCHAIN for --go (e.g. go1.27.3)")
    ap.add_argument("--gocache", default="", help="GOCACHE to share between runs (default: a private one)")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    global GC
    GC = args.compiler == "gc"
    needed = (("go", args.go),) + ((("gccgo", args.gccgo),) if not GC else ())
    for tool, path in needed:
        if not path or not os.access(path, os.X_OK):
            log("SKIP: %s not found" % tool)
            return SKIP
    try:
        specs = read_expectations(args.module)
        os.makedirs(args.work, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="gate-%s." % args.mode, dir=args.work)
        env = Env(args, tmp)
        # Header paths point into the source copy we were given: re-root them.
        for s in specs.values():
            s["dir"] = os.path.join(env.module, os.path.relpath(s["dir"], args.module))
        if args.mode == "gate":
            mode_gate(env, specs)
        elif args.mode == "load":
            mode_load(env, specs, args.runs)
        else:
            mode_loop(env, specs, args.runs, args.jobs)
    except Setup as ex:
        log("SETUP ERROR: %s" % ex)
        return 2
    except Failure as ex:
        log("FAIL:\n%s" % ex)
        log("(work directory kept: %s)" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
