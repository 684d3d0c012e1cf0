#!/usr/bin/env python3
"""Offline reports on real Go goroutine dumps (python3 standard library only).

  run_dumps.py --goleash PATH --src dumpprog.go --work DIR --case CASE

dumpprog.go parks a known set of goroutines (see its source) and writes a
dump. CASE is COMPILER-SOURCE[-VARIANT]:

  COMPILER  gc (Debian's golang-go) | gccgo
  SOURCE    stack (runtime.Stack all) | sigquit (GOTRACEBACK=all, SIGQUIT,
            stderr) | pprof2 | pprof1 | pprof0 (goroutine profile, debug=N)
  VARIANT   log (the dump inside a timestamped CI log), gz (gzipped), stdin
            (read from standard input), diff (goleash diff of n=3 vs n=40),
            diffmixed (diff of gc stack n=3 vs gc pprof0 n=40)

`goleash report --format json --min-park 0` must then give exactly the
groups dumpprog holds: count, category, blocking function and line, creation
line. Exit status: 0 pass, 1 assertion failed, 77 skip (no such compiler).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77


class Failure(Exception):
    pass


def sites(src):
    """The line of each `// site:NAME` marker."""
    out = {}
    with open(src) as f:
        for i, line in enumerate(f, 1):
            m = re.search(r"// site:([\w-]+)", line)
            if m:
                out[m.group(1)] = i
    return out


def expected_groups(s, n, compiler, source):
    """(count, category, blocked function prefix, blocked line, created line)."""
    groups = [
        (n, "chan-receive", "main.receiver", s["receiver"], s["go-receiver"]),
        (2, "chan-send", "main.sender", s["sender"], s["go-sender"]),
        (2, "nil-chan-receive", "main.nilReceiver", s["nilreceiver"], s["go-nilreceiver"]),
        (1, "select", "main.selector", s["selector"], s["go-selector"]),
        (1, "select-forever", "main.forever", s["forever"], s["go-forever"]),
        (1, "mutex", "main.locker", s["locker"], s["go-locker"]),
        (1, "waitgroup", "main.waiter", s["waiter"], s["go-waiter"]),
        (1, "chan-receive", "main.labelled", s["labelled"], s["go-labelled"]),
    ]
    if source.startswith("pprof") and source != "pprof2":
        # Profiles have no creation site, no wait reason and no status: the
        # category comes from the frames. A nil-channel receive parks in the
        # same frames as any receive; debug=1 hides the runtime frames that
        # tell a send from a receive and select {} from select (docs).
        groups = [g[:4] + (None,) for g in groups]
        recategorize = {"nil-chan-receive": "chan-receive"}
        if source == "pprof1":
            recategorize = {"chan-receive": "chan", "chan-send": "chan", "nil-chan-receive": "chan",
                            "select-forever": "select"}
        groups = [(g[0], recategorize.get(g[1], g[1])) + g[2:] for g in groups]
    return groups


def build(compiler, src, work, case, go):
    exe = os.path.join(work, "dumpprog-" + case)  # tests run in parallel
    if compiler == "gc":
        if not go or not os.access(go, os.X_OK):
            raise SystemExit(SKIP)
        env = dict(os.environ, GOCACHE=os.path.join(work, "gocache"), GO111MODULE="off",
                   GOPATH=os.path.join(work, "gopath"), GOFLAGS="")
        cmd = [go, "build", "-o", exe, src]
    else:
        gccgo = shutil.which("gccgo")
        if not gccgo:
            raise SystemExit(SKIP)
        env = dict(os.environ)
        cmd = [gccgo, "-g", "-o", exe, src]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(2)
    return exe


def make_dump(exe, source, path, n):
    env = dict(os.environ, GOTRACEBACK="all", GOMAXPROCS="2")
    env.pop("LD_PRELOAD", None)
    if source == "sigquit":
        with open(path, "wb") as err:
            p = subprocess.Popen([exe, "-mode", "sigquit", "-n", str(n)], env=env, stdout=subprocess.PIPE,
                                 stderr=err)
            line = p.stdout.readline()
            if line.strip() != b"ready":
                p.kill()
                raise Failure("dumpprog did not get ready: %r" % line)
            p.send_signal(signal.SIGQUIT)
            p.wait(timeout=60)
        return
    r = subprocess.run([exe, "-mode", source, "-n", str(n), "-o", path], env=env, capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise Failure("dumpprog -mode %s failed (%d): %s" % (source, r.returncode, r.stderr))


def embed_in_log(path, out):
    """A CI log: timestamped lines, build noise before and after the dump."""
    stamp = "2026-11-22T10:00:00.1234567Z "
    with open(path, "rb") as f:
        dump = f.read().decode("utf-8", "replace").splitlines()
    lines = ["Run go test ./...", "=== RUN   TestServer", "--- PASS: TestServer (0.01s)", "goroutine-ish noise [x]:"]
    lines += dump
    lines += ["FAIL\texample.com/server\t12.345s", "##[error]Process completed with exit code 2."]
    with open(out, "w") as f:
        for line in lines:
            f.write(stamp + line + "\n")


def goleash(args, stdin=None):
    r = subprocess.run(args, capture_output=True, stdin=stdin, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def check_report(report, want, source):
    leaks = report["leaks"]
    got = []
    for l in leaks:
        b = l.get("blocked_at") or {}
        c = l.get("created_at") or {}
        got.append((l["count"], l["category"], b.get("function") or "", b.get("line"), c.get("line")))
    problems = []
    unmatched = list(got)
    for w in want:
        hit = None
        for g in unmatched:
            if (g[0], g[1], g[3]) == (w[0], w[1], w[3]) and g[2].startswith(w[2]) \
                    and (w[4] is None or g[4] == w[4]):
                hit = g
                break
        if hit:
            unmatched.remove(hit)
        else:
            problems.append("missing group %r" % (w,))
    for g in unmatched:
        problems.append("unexpected group %r" % (g,))
    if report.get("source") not in (source,):
        problems.append("source is %r, want %r" % (report.get("source"), source))
    if problems:
        raise Failure("; ".join(problems) + "\nreport groups: %r" % got)


SOURCE_NAMES = {"stack": None, "sigquit": None, "pprof2": None, "pprof1": "pprof-debug1", "pprof0": "pprof-proto"}


def source_name(compiler, source):
    if SOURCE_NAMES[source]:
        return SOURCE_NAMES[source]
    return "gc-traceback" if compiler == "gc" else "gccgo-traceback"


def run(a):
    parts = a.case.split("-")
    compiler, source = parts[0], parts[1]
    variant = parts[2] if len(parts) > 2 else ""
    os.makedirs(a.work, exist_ok=True)
    exe = build(compiler, a.src, a.work, a.case, a.go)
    s = sites(a.src)
    dump = os.path.join(a.work, a.case + ".dump")
    n = 3
    make_dump(exe, source, dump, n)
    base = [a.goleash]
    if variant in ("diff", "diffmixed"):
        after = os.path.join(a.work, a.case + ".after")
        make_dump(exe, "pprof0" if variant == "diffmixed" else source, after, 40)
        code, out, err = goleash(base + ["diff", "--format", "json", "--min-growth", "30", dump, after])
        if code != 1:
            raise Failure("diff exit %d, want 1\n%s%s" % (code, out, err))
        d = json.loads(out)
        grew = [g for g in d["groups"] if g["grew"]]
        if len(grew) != 1 or grew[0]["growth"] != 37 or grew[0]["blocked_at"]["line"] != s["receiver"] \
                or grew[0]["before"] != 3 or grew[0]["after"] != 40:
            raise Failure("diff groups: %r" % d["groups"])
        others = [g for g in d["groups"] if not g["grew"]]
        if variant == "diffmixed":
            # The profile cannot tell a nil-channel receive from a receive:
            # that group has another category on each side.
            others = [g for g in others if g["blocked_at"]["line"] != s["nilreceiver"]]
        if any(g["growth"] != 0 for g in others):
            raise Failure("unmatched groups across the two dumps: %r" % others)
        # Below the threshold: exit 0.
        code, out, err = goleash(base + ["diff", "--min-growth", "38", dump, after])
        if code != 0:
            raise Failure("diff --min-growth 38 exit %d, want 0\n%s%s" % (code, out, err))
        print("PASS %s: +37 receivers flagged" % a.case)
        return
    target = dump
    stdin = None
    if variant == "log":
        target = dump + ".log"
        embed_in_log(dump, target)
    elif variant == "gz":
        target = dump + ".gz"
        with open(dump, "rb") as f, gzip.open(target, "wb") as g:
            g.write(f.read())
    elif variant == "stdin":
        stdin = open(dump, "rb")
        target = "-"
    if compiler == "gccgo" and source in ("pprof1", "pprof0"):
        # gccgo 12's runtime/pprof records no stack but the caller's: nothing
        # to judge, and the report must say so rather than look clean.
        code, out, err = goleash(base + ["report", "--min-park", "0", target], stdin=stdin)
        if code != 0 or "without a stack were not judged" not in err:
            raise Failure("gccgo profile: exit %d, want 0 and a warning\n%s%s" % (code, out, err))
        print("PASS %s: stackless goroutines reported as not judged" % a.case)
        return
    code, out, err = goleash(base + ["report", "--format", "json", "--min-park", "0", target], stdin=stdin)
    if code != 1:
        raise Failure("report exit %d, want 1\nstdout:\n%s\nstderr:\n%s" % (code, out[:4000], err))
    report = json.loads(out)
    check_report(report, expected_groups(s, n, compiler, source), source_name(compiler, source))
    # The default --min-park for text dumps is one minute: nothing here has
    # been parked that long. Profiles have no park times: unchanged.
    code, out, err = goleash(base + ["report", dump])
    want = 1 if source.startswith("pprof") and source != "pprof2" else 0
    if code != want:
        raise Failure("report with the default min-park: exit %d, want %d\n%s%s" % (code, want, out, err))
    print("PASS %s: %d groups" % (a.case, len(report["leaks"])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--go", default="", help="the gc go command, by path")
    a = ap.parse_args()
    try:
        run(a)
    except Failure as e:
        print("FAIL %s: %s" % (a.case, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
