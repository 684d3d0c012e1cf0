#!/usr/bin/env python3
"""goleash end-to-end test driver (python3 standard library only).

One invocation checks one program:

  run_e2e.py --goleash PATH --shim PATH --src PROG.go --work DIR [--mode MODE]

Modes
  program    (default) compile PROG.go with gccgo, then
               1. run it without the shim (baseline: its natural exit code),
               2. run it with LD_PRELOAD=libgoleash.so (exit code, stdout
                  intact, report / no output on stderr),
               3. run it under `goleash run --format json -o OUT -- PROG` and
                  check the JSON report against the program's header comments.
  inert      SRC is a .go file, a .c file or an executable: stdout, stderr and
             exit code must be byte-identical with and without the shim.
  options    SRC is a leaky program: checks GOLEASH_OPTIONS (exitcode=,
             report=, min_park=, unknown keys, help=1, dump_path=).
  suppressions  SRC is supp_mixed.go: default suppressions, --suppressions,
             GOLEASH_OPTIONS suppressions=, file: rules, bad files.
  outputs    SRC is a leaky program: `goleash run --json --junit --sarif`
             with GITHUB_ACTIONS=true; all four outputs checked (see
             mode_outputs), SARIF fingerprints equal across two runs.
  nodump     SRC is fake_libgo.c: `goleash run` on a gccgo program that
             leaves no dump names the cause (killed; shim disabled).
  selfcheck  no shim needed: compiles PROG.go plus a helper that prints all
             goroutine stacks (runtime.Stack) when main returns, and checks the
             header's expectations against Go's own view of the goroutines.
             Used to validate the test programs themselves.

Header comments read from PROG.go (values may be double-quoted):

  // expect: exit=N leaked=N groups=N|any [natural_exit=N] [shim_exit=N] [pids=N]
  //         [still_running=N]  (summary.still_running and len(running[]))
  // group: count=N category=C reason="R" blocked=FUNC created=FUNC line=N
  //        [created_line=N] [chan_cap=N] [chan_closed=0|1] [timer=ticker|timer]
  //        [ctx_kind=K] [ctx_cancelled=0|1] [ancestors=F1,F2,@main] [min_stack=N]
  //        [stack_has=FUNC:N] [first=1]
  //        [lock=mutex|rwmutex|once [readers=N] [holders="H,H"]]
  //          the lock the group waits on and who holds it (the shim only;
  //          under the gc backend, which records no holders, lock must be
  //          null). H is [r/]FUNC:LINE:STATE, the holder's lock site
  //          (locked_at; Once.Do's call for a once) and STATE exited,
  //          running, deadlock or blocked-CATEGORY, then >H+H for the
  //          holders of the lock that holder waits on (a chain).
  // text: SUBSTRING             (the shim's own exit report on stderr holds it)
  // all-groups: [category=C] [reason="R"] [blocked=FUNC] [line=N] [created=FUNC]
  // running: function=FUNC [created=FUNC]   (report.running[] holds it)
  // env: KEY=VALUE ...          (extra environment for every run)
  // selfcheck: candidates=N     (selfcheck mode: goroutines Go shows in a
  //                              leak-candidate wait that goleash must not
  //                              count, e.g. on a live ticker)

Exit status: 0 all assertions hold, 1 an assertion failed, 2 the test could
not be run (bad arguments, compiler failure).
"""

import argparse
import glob
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import gc_spelling

LEAK_REASONS = {
    "chan receive", "chan send", "chan receive (nil chan)", "chan send (nil chan)",
    "select", "select (no cases)", "semacquire", "sync.Cond.Wait",
}
NON_USER_PREFIXES = ("runtime.", "runtime/internal", "sync.", "context.", "time.",
                     "internal/")
OPTION_NAMES = ("exitcode", "report", "min_park", "dump_path", "dump_interval",
                "log_path", "verbosity", "help", "suppressions", "default_suppressions")
SHIM_LEAK_EXIT = 23
RUN_TIMEOUT = 240


class Failure(Exception):
    pass


class Setup(Exception):
    pass


# ----------------------------------------------------------------- headers

def parse_kv(text):
    out = {}
    for tok in shlex.split(text):
        if "=" not in tok:
            raise Setup("bad header token %r (want key=value)" % tok)
        k, v = tok.split("=", 1)
        out[k] = v
    return out


def parse_headers(path):
    spec = {"expect": None, "groups": [], "all": None, "env": {}, "selfcheck": {},
            "running": [], "text": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*//\s*(expect|group|all-groups|env|selfcheck|running|timeout|text):(.*)$", line)
            if not m:
                continue
            tag, rest = m.group(1), m.group(2)
            if tag == "expect":
                spec["expect"] = parse_kv(rest)
            elif tag == "group":
                spec["groups"].append(parse_kv(rest))
            elif tag == "all-groups":
                spec["all"] = parse_kv(rest)
            elif tag == "env":
                spec["env"].update(parse_kv(rest))
            elif tag == "selfcheck":
                spec["selfcheck"].update(parse_kv(rest))
            elif tag == "running":
                spec["running"].append(parse_kv(rest))
            elif tag == "text":
                spec["text"].append(rest.strip())
    if spec["expect"] is None:
        raise Setup("%s: no '// expect:' header" % path)
    e = spec["expect"]
    for k in ("exit", "leaked", "groups"):
        if k not in e:
            raise Setup("%s: '// expect:' lacks %s=" % (path, k))
    leaked = int(e["leaked"])
    natural = int(e.get("natural_exit", "0"))
    e["_leaked"] = leaked
    e["_natural"] = natural
    e["_exit"] = int(e["exit"])
    e["_groups"] = None if e["groups"] == "any" else int(e["groups"])
    if "shim_exit" in e:
        e["_shim_exit"] = int(e["shim_exit"])
    else:
        e["_shim_exit"] = SHIM_LEAK_EXIT if (leaked > 0 and natural == 0) else natural
    return spec


# ----------------------------------------------------------------- helpers

def log(msg=""):
    print(msg, flush=True)


def clean_env(extra=None):
    env = dict(os.environ)
    for k in list(env):
        if k == "LD_PRELOAD" or k.startswith("GOLEASH_"):
            del env[k]
    env["LC_ALL"] = "C"
    if extra:
        env.update(extra)
    return env


def run(argv, env, cwd, timeout=RUN_TIMEOUT, what=""):
    log("$ %s%s" % (" ".join(shlex.quote(a) for a in argv),
                    ("   [%s]" % what) if what else ""))
    try:
        p = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as ex:
        raise Failure("%s: timed out after %ss\n--- stderr (tail) ---\n%s" % (
            what or argv[0], timeout, tail(ex.stderr or b"")))
    return p


def tail(data, n=40):
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    lines = data.splitlines()
    if len(lines) > n:
        lines = ["... (%d lines cut)" % (len(lines) - n)] + lines[-n:]
    return "\n".join(lines)


def show_diff(label, expected, actual):
    import difflib
    exp = expected.decode("utf-8", "replace").splitlines(True)
    act = actual.decode("utf-8", "replace").splitlines(True)
    d = "".join(difflib.unified_diff(exp, act, "expected " + label, "actual " + label))
    if len(d) > 6000:
        d = d[:6000] + "\n... (diff cut)\n"
    return d


def compile_go(gccgo, src, tmp, extra=()):
    exe = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0])
    argv = [gccgo, "-g", "-O0", os.path.abspath(src)] + list(extra) + ["-o", exe]
    p = run(argv, clean_env(), tmp, what="compile")
    if p.returncode != 0:
        raise Setup("gccgo failed (%d):\n%s" % (p.returncode, tail(p.stderr)))
    return exe


def gc_header(src):
    """The `// gc: min=N cgo=0|1` header of a program: the oldest Go 1.N
    that builds it, and whether it needs cgo."""
    out = {}
    with open(src, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*//\s*gc:(.*)$", line)
            if m:
                out.update(parse_kv(m.group(1)))
    return out


def compile_gc(args, src, tmp, extra=()):
    """Builds src with the gc toolchain args.go (GOTOOLCHAIN=args.gotoolchain,
    local when not given) as the main package of a module whose go line is
    the toolchain's own version, so the program gets that release's default
    GODEBUG settings, as a real module would."""
    env = clean_env({"GOTOOLCHAIN": args.gotoolchain or "local", "GOFLAGS": "", "GO111MODULE": "on"})
    hdr = gc_header(src)
    if "cgo" in hdr or args.cgo is not None:
        env["CGO_ENABLED"] = hdr.get("cgo") if args.cgo is None else args.cgo
    v = run([args.go, "env", "GOVERSION"], env, tmp, what="go version")
    m = re.match(r"go(\d+\.(\d+))", v.stdout.decode().strip())
    if v.returncode != 0 or not m:
        raise Setup("%s env GOVERSION failed (%d):\n%s" % (args.go, v.returncode, tail(v.stderr)))
    global GC_MINOR
    GC_MINOR = int(m.group(2))
    if GC_MINOR < int(hdr.get("min", "0")):
        log("SKIP: %s needs Go 1.%s" % (os.path.basename(src), hdr["min"]))
        raise SystemExit(77)
    mod = os.path.join(tmp, "mod")
    os.makedirs(mod, exist_ok=True)
    with open(os.path.join(mod, "go.mod"), "w") as f:
        f.write("module e2e\n\ngo %s\n" % m.group(1))
    shutil.copy(src, os.path.join(mod, os.path.basename(src)))
    exe = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0])
    flags = shlex.split(args.buildflags or "")
    p = run([args.go, "build"] + flags + list(extra) + ["-o", exe, "."], env, mod, what="go build")
    if p.returncode != 0:
        raise Setup("go build failed (%d):\n%s" % (p.returncode, tail(p.stderr)))
    return exe


def compile_c(cc, src, tmp):
    exe = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0])
    p = run([cc, "-O1", "-o", exe, os.path.abspath(src)], clean_env(), tmp, what="compile")
    if p.returncode != 0:
        raise Setup("cc failed (%d):\n%s" % (p.returncode, tail(p.stderr)))
    return exe


def summary_lines(stderr):
    return [l for l in stderr.decode("utf-8", "replace").splitlines()
            if l.startswith("SUMMARY: goleash:")]


def last_line(stderr):
    lines = [l for l in stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    return lines[-1] if lines else ""


class Checker:
    def __init__(self):
        self.errors = []

    def eq(self, what, expected, actual):
        if expected != actual:
            self.errors.append("%s: expected %r, got %r" % (what, expected, actual))
            return False
        return True

    def ok(self, cond, msg):
        if not cond:
            self.errors.append(msg)
        return cond

    def raise_if_failed(self, context=""):
        if self.errors:
            msg = "\n".join("  - " + e for e in self.errors)
            if context:
                msg += "\n" + context
            raise Failure(msg)


# ----------------------------------------------------------------- JSON checks

# gc mode: names, reasons and context kinds as gc spells them are compared
# in the headers' (gccgo) spelling (gc_spelling.py).
GC_NAMES = False
GC_MINOR = 0   # gc mode: the toolchain's Go 1.N


def canon(name):
    return gc_spelling.canon(name) if GC_NAMES else name


def reason_ok(expected, actual):
    return gc_spelling.reason_ok(expected, actual) if GC_NAMES else expected == actual


def fn(frame):
    return canon((frame or {}).get("function")) if isinstance(frame, dict) else None


def describe_groups(leaks):
    out = []
    for i, g in enumerate(leaks):
        b = g.get("blocked_at") or {}
        c = g.get("created_at") or {}
        out.append("  [%d] count=%s category=%s reason=%r blocked=%s %s:%s created=%s:%s "
                   "stack=%d frames ancestors=%s" % (
                       i, g.get("count"), g.get("category"), g.get("reason"),
                       b.get("function"), os.path.basename(b.get("file") or "?"),
                       b.get("line"), c.get("function"), c.get("line"),
                       len(g.get("stack") or []),
                       ",".join(str(fn(a)) for a in (g.get("ancestors") or []))))
    return "\n".join(out) if out else "  (no groups)"


def check_group_fields(chk, label, exp, g, src, index):
    b = g.get("blocked_at") or {}
    c = g.get("created_at") or {}
    if "count" in exp:
        chk.eq(label + " count", int(exp["count"]), g.get("count"))
        gs = g.get("goroutines")
        if isinstance(gs, list) and len(gs) != g.get("count"):
            chk.errors.append("%s: goroutines[] has %d ids but count is %s" % (
                label, len(gs), g.get("count")))
    if "category" in exp:
        chk.eq(label + " category", exp["category"], g.get("category"))
    if "reason" in exp and not reason_ok(exp["reason"], g.get("reason")):
        chk.errors.append("%s reason: expected %r, got %r" % (label, exp["reason"], g.get("reason")))
    if "blocked" in exp:
        chk.eq(label + " blocked_at.function", exp["blocked"], canon(b.get("function")))
    if "line" in exp:
        chk.eq(label + " blocked_at.line", int(exp["line"]), b.get("line"))
        chk.eq(label + " blocked_at.file (basename)", os.path.basename(src),
               os.path.basename(b.get("file") or "") or None)
    if "created" in exp:
        chk.eq(label + " created_at.function", exp["created"], canon(c.get("function")))
    if "created_line" in exp:
        chk.eq(label + " created_at.line", int(exp["created_line"]), c.get("line"))
    ch = g.get("channel")
    if "chan_cap" in exp:
        if chk.ok(isinstance(ch, dict), "%s: channel is %r, expected an object" % (label, ch)):
            chk.eq(label + " channel.capacity", int(exp["chan_cap"]), ch.get("capacity"))
    if "chan_closed" in exp:
        if chk.ok(isinstance(ch, dict), "%s: channel is %r, expected an object" % (label, ch)):
            chk.eq(label + " channel.closed", exp["chan_closed"] == "1", ch.get("closed"))
    if "timer" in exp and GC_NAMES and GC_MINOR < 23 and isinstance(ch, dict) and ch.get("timer") is None:
        # Before Go 1.23 a stopped timer leaves the runtime's heaps, and
        # nothing else tells its channel from any other (docs/gc-backend.md).
        log("note: %s: timer=%s not checked (gc before 1.23, timer stopped)" % (label, exp["timer"]))
    elif "timer" in exp:
        if chk.ok(isinstance(ch, dict), "%s: channel is %r, expected an object" % (label, ch)):
            chk.eq(label + " channel.timer", exp["timer"], ch.get("timer"))
    ctx = g.get("context")
    if "ctx_kind" in exp:
        if chk.ok(isinstance(ctx, dict), "%s: context is %r, expected an object" % (label, ctx)):
            ok = gc_spelling.ctx_kind_ok(exp["ctx_kind"], ctx.get("kind")) if GC_NAMES \
                else exp["ctx_kind"] == ctx.get("kind")
            chk.ok(ok, "%s context.kind: expected %r, got %r" % (label, exp["ctx_kind"], ctx.get("kind")))
    if "ctx_cancelled" in exp:
        if chk.ok(isinstance(ctx, dict), "%s: context is %r, expected an object" % (label, ctx)):
            chk.eq(label + " context.cancelled", exp["ctx_cancelled"] == "1", ctx.get("cancelled"))
    if "ancestors" in exp:
        # "@main" stands for the main goroutine (goid 1), whatever start
        # function the runtime gives it (gccgo: runtime.main).
        want = exp["ancestors"].split(",")
        anc = g.get("ancestors") or []
        got = ["@main" if (w == "@main" and isinstance(a, dict) and a.get("goid") == 1)
               else fn(a) for w, a in zip(want + [None] * len(anc), anc)]
        chk.eq(label + " ancestors[].function", want, got)
    stack = g.get("stack") or []
    if "min_stack" in exp:
        chk.ok(len(stack) >= int(exp["min_stack"]),
               "%s: stack[] has %d frames, expected >= %s" % (label, len(stack), exp["min_stack"]))
    if "stack_has" in exp:
        f, _, n = exp["stack_has"].rpartition(":")
        got = sum(1 for fr in stack if fn(fr) == f)
        chk.ok(got >= int(n), "%s: stack[] has %d frames of %s, expected >= %s" % (label, got, f, n))
    if exp.get("first") == "1":
        chk.eq(label + " position in leaks[]", 0, index)
    if "lock" in exp:
        check_lock(chk, label, exp, g.get("lock"))


def describe_holders(lock):
    """The holders of a JSON lock object in the header's H notation."""
    out = []
    for h in (lock or {}).get("holders") or []:
        at = h.get("locked_at") or {}
        if h.get("exited"):
            state = "exited"
        elif h.get("deadlock"):
            state = "deadlock"
        elif h.get("state") == "parked":
            state = "blocked-%s" % h.get("category")
        else:
            state = h.get("state")
        tok = "%s%s:%s:%s" % ("r/" if h.get("mode") == "read" else "", canon(at.get("function")),
                              at.get("line"), state)
        if h.get("waits_on"):
            tok += ">" + "+".join(describe_holders(h["waits_on"]))
        out.append(tok)
    return sorted(out)


def check_lock(chk, label, exp, lock):
    if GC_NAMES:
        chk.ok(lock is None, "%s: lock is %r; the gc backend records no holders" % (label, lock))
        return
    if not chk.ok(isinstance(lock, dict), "%s: lock is %r, expected an object" % (label, lock)):
        return
    chk.eq(label + " lock.kind", exp["lock"], lock.get("kind"))
    if "readers" in exp:
        chk.eq(label + " lock.readers", int(exp["readers"]), lock.get("readers"))
    if "holders" in exp:
        want = sorted(h for h in exp["holders"].split(",") if h)
        chk.eq(label + " lock.holders", want, describe_holders(lock))


def check_report(chk, report, spec, src, where):
    e = spec["expect"]
    chk.eq(where + " version", 1, report.get("version"))
    summ = report.get("summary") or {}
    leaks = report.get("leaks")
    if not chk.ok(isinstance(leaks, list), where + ": 'leaks' is not a list"):
        return
    chk.eq(where + " summary.leaked_goroutines", e["_leaked"], summ.get("leaked_goroutines"))
    if e["_groups"] is not None:
        chk.eq(where + " summary.groups", e["_groups"], summ.get("groups"))
        chk.eq(where + " len(leaks)", e["_groups"], len(leaks))
    chk.eq(where + " summary.groups == len(leaks)", len(leaks), summ.get("groups"))
    chk.eq(where + " sum of leaks[].count", e["_leaked"], sum(g.get("count", 0) for g in leaks))
    counts = [g.get("count", 0) for g in leaks]
    chk.ok(counts == sorted(counts, reverse=True),
           "%s: groups not sorted by count (descending): %r" % (where, counts))
    if summ.get("truncated"):
        chk.errors.append(where + ": summary.truncated is true")

    used = set()
    for gi, exp in enumerate(spec["groups"]):
        label = "%s group #%d (%s %s)" % (where, gi + 1, exp.get("category"), exp.get("blocked"))
        cands = [i for i, g in enumerate(leaks) if i not in used
                 and g.get("category") == exp.get("category")
                 and fn(g.get("blocked_at")) == exp.get("blocked")]
        if len(cands) > 1 and "line" in exp:
            narrowed = [i for i in cands if (leaks[i].get("blocked_at") or {}).get("line") == int(exp["line"])]
            cands = narrowed or cands
        if len(cands) > 1 and "count" in exp:
            narrowed = [i for i in cands if leaks[i].get("count") == int(exp["count"])]
            cands = narrowed or cands
        if not cands:
            # Fall back to the blocked function alone, to report field diffs.
            cands = [i for i, g in enumerate(leaks) if i not in used
                     and fn(g.get("blocked_at")) == exp.get("blocked")]
        if not cands:
            chk.errors.append("%s: no group with category=%s blocked_at.function=%s" % (
                label, exp.get("category"), exp.get("blocked")))
            continue
        i = cands[0]
        used.add(i)
        check_group_fields(chk, label, exp, leaks[i], src, i)

    if spec["all"]:
        for i, g in enumerate(leaks):
            check_group_fields(chk, "%s leaks[%d]" % (where, i), spec["all"], g, src, i)

    running = report.get("running")
    for exp in spec["running"]:
        ok = isinstance(running, list) and any(
            canon(r.get("function")) == exp.get("function")
            and ("created" not in exp or fn(r.get("created_at")) == exp["created"])
            for r in running)
        chk.ok(ok, "%s running[]: no entry with function=%s created_at.function=%s; got %r" % (
            where, exp.get("function"), exp.get("created"),
            [(canon(r.get("function")), fn(r.get("created_at"))) for r in (running or [])]))

    if "still_running" in e:
        n = int(e["still_running"])
        chk.eq(where + " summary.still_running", n, (report.get("summary") or {}).get("still_running"))
        chk.eq(where + " entries in running[]", n, len(running or []))

    if "pids" in e:
        pids = set()
        for g in leaks:
            pids.update(g.get("pids") or [])
        chk.eq(where + " distinct pids over all groups", int(e["pids"]), len(pids))


# ----------------------------------------------------------------- modes

def mode_program(args, tmp):
    spec = parse_headers(args.src)
    e = spec["expect"]
    exe = compile_go(args.gccgo, args.src, tmp)
    env_extra = spec["env"]
    chk = Checker()

    base = run([exe], clean_env(env_extra), tmp, what="baseline, no shim")
    if base.returncode != e["_natural"]:
        raise Failure("baseline run (no shim) exited %d, expected %d\n--- stderr ---\n%s" % (
            base.returncode, e["_natural"], tail(base.stderr)))

    # Direct LD_PRELOAD run, default options.
    d = run([exe], clean_env(dict(env_extra, LD_PRELOAD=args.shim)), tmp,
            what="LD_PRELOAD, default options")
    chk.eq("LD_PRELOAD run: exit code", e["_shim_exit"], d.returncode)
    if d.stdout != base.stdout:
        chk.errors.append("LD_PRELOAD run: stdout differs from the run without the shim\n"
                          + show_diff("stdout", base.stdout, d.stdout))
    if e["_leaked"] == 0:
        if d.stderr != base.stderr:
            chk.errors.append("LD_PRELOAD run: clean program, but the shim wrote to stderr\n"
                              + show_diff("stderr", base.stderr, d.stderr))
    else:
        ll = last_line(d.stderr)
        if not ll.startswith("SUMMARY: goleash:"):
            chk.errors.append("LD_PRELOAD run: last stderr line should start with "
                              "'SUMMARY: goleash:', got %r\n--- stderr (tail) ---\n%s" % (
                                  ll, tail(d.stderr)))
        elif not re.search(r"\b%d\b" % e["_leaked"], ll):
            log("note: SUMMARY line does not mention the leak count %d: %r" % (e["_leaked"], ll))
    report_text = d.stderr.decode("utf-8", "replace")
    for want in spec["text"]:
        chk.ok(want in report_text, "LD_PRELOAD run: the report lacks %r\n--- stderr (tail) ---\n%s" % (
            want, tail(d.stderr, 30)))

    # goleash run --format json
    out = os.path.join(tmp, "report.json")
    g = run([args.goleash, "run", "--format", "json", "-o", out, "--", exe],
            clean_env(env_extra), tmp, what="goleash run")
    chk.eq("goleash run: exit code", e["_exit"], g.returncode)
    if g.stdout != base.stdout and not g.stdout.startswith(base.stdout):
        chk.errors.append("goleash run: the program's stdout is not intact\n"
                          + show_diff("stdout", base.stdout, g.stdout))
    report = None
    if not os.path.exists(out):
        chk.errors.append("goleash run: %s was not written\n--- stderr ---\n%s" % (out, tail(g.stderr)))
    else:
        try:
            with open(out, encoding="utf-8") as f:
                report = json.load(f)
        except ValueError as ex:
            chk.errors.append("goleash run: %s is not valid JSON: %s" % (out, ex))
    finish_report_checks(chk, report, spec, args.src, g)
    log("OK: %s leaked=%d groups=%s" % (os.path.basename(args.src), e["_leaked"],
                                         e["groups"]))


def finish_report_checks(chk, report, spec, src, g):
    """Checks the JSON report (None: missing) against the header
    expectations and fails with the actual groups and goleash's stderr."""
    if report is not None:
        check_report(chk, report, spec, src, "json")
    ctx = ""
    if report is not None:
        ctx = "--- actual groups (%s) ---\n%s" % (
            json.dumps(report.get("summary")), describe_groups(report.get("leaks") or []))
    if chk.errors and g.stderr:
        ctx += "\n--- goleash run stderr (tail) ---\n" + tail(g.stderr, 20)
    chk.raise_if_failed(ctx)


def mode_gc(args, tmp):
    """The program built with the gc toolchain, under `goleash run` (the gc
    backend): the same header expectations as the gccgo program mode."""
    global GC_NAMES
    GC_NAMES = True
    spec = parse_headers(args.src)
    e = spec["expect"]
    exe = compile_gc(args, args.src, tmp)
    env_extra = spec["env"]
    chk = Checker()
    base = run([exe], clean_env(env_extra), tmp, what="baseline")
    if base.returncode != e["_natural"]:
        raise Failure("baseline run exited %d, expected %d\n--- stderr ---\n%s" % (
            base.returncode, e["_natural"], tail(base.stderr)))
    out = os.path.join(tmp, "report.json")
    g = run([args.goleash, "run", "--format", "json", "-o", out, "--", exe],
            clean_env(env_extra), tmp, what="goleash run (gc)")
    chk.eq("goleash run: exit code", e["_exit"], g.returncode)
    if g.stdout != base.stdout:
        chk.errors.append("goleash run: the program's stdout is not intact\n"
                          + show_diff("stdout", base.stdout, g.stdout))
    report = None
    try:
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as ex:
        chk.errors.append("goleash run: no JSON report (%s)\n--- stderr ---\n%s" % (ex, tail(g.stderr)))
    finish_report_checks(chk, report, spec, args.src, g)
    log("OK (gc %s): %s leaked=%d groups=%s" % (args.gotoolchain or args.go, os.path.basename(args.src),
                                             e["_leaked"], e["groups"]))


def unescape_workflow(s):
    """Undoes the escaping of GitHub workflow commands (%25 %0D %0A %3A %2C)."""
    table = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: table[m.group(0)], s)


def mode_outputs(args, tmp):
    """`goleash run` writing JSON, JUnit and SARIF at once, with GitHub
    annotations on stdout, checked against the program's headers and against
    each other; run twice to show the SARIF fingerprints stay the same."""
    import xml.etree.ElementTree as ET
    spec = parse_headers(args.src)
    e = spec["expect"]
    if e["_leaked"] == 0 or e["_groups"] is None:
        raise Setup("outputs mode needs a leaky program with an exact group count")
    exe = compile_go(args.gccgo, args.src, tmp)
    prog = os.path.basename(exe)
    src = os.path.abspath(args.src)
    root = os.path.dirname(src)
    chk = Checker()
    base = run([exe], clean_env(spec["env"]), tmp, what="baseline, no shim")

    def gate(out, github):
        env = clean_env(dict(spec["env"]))
        env.pop("GITHUB_WORKSPACE", None)
        if github:
            env["GITHUB_ACTIONS"] = "true"
        else:
            env.pop("GITHUB_ACTIONS", None)
        g = run([args.goleash, "run", "-o", os.path.join(out, "report.txt"),
                 "--json", out + "/%b.json", "--junit", out + "/%b.xml",
                 "--sarif", out + "/%b.sarif", "--source-root", root, "--", exe],
                env, tmp, what="goleash run, all report files")
        chk.eq("goleash run: exit code", e["_exit"], g.returncode)
        if not g.stdout.startswith(base.stdout):
            chk.errors.append("the program's stdout is not intact\n"
                              + show_diff("stdout", base.stdout, g.stdout))
        chk.raise_if_failed("--- stderr ---\n" + tail(g.stderr))
        return g.stdout[len(base.stdout):].decode("utf-8")

    out1 = os.path.join(tmp, "out1")
    annotations = gate(out1, True)
    with open(os.path.join(out1, "report.txt"), encoding="utf-8", newline="") as f:
        text = f.read()
    paragraphs = text.split("\n\n")[1:-1]
    chk.eq("text report: groups", e["_groups"], len(paragraphs))

    # JSON: the documented report, every leak with its (here: no) test.
    with open(os.path.join(out1, prog + ".json"), encoding="utf-8") as f:
        report = json.load(f)
    check_report(chk, report, spec, args.src, "json")
    chk.eq("json: test fields", [None] * e["_groups"], [l.get("test", "missing") for l in report["leaks"]])

    # JUnit: no test list in a plain program, so one failing testcase named
    # after it, whose failure text holds every paragraph of the text report.
    tree = ET.parse(os.path.join(out1, prog + ".xml"))
    cases = tree.getroot().findall("testsuite/testcase")
    chk.eq("junit: testcases", [prog], [c.get("name") for c in cases])
    chk.eq("junit: testsuites failures", "1", tree.getroot().get("failures"))
    failures = cases[0].findall("failure") if cases else []
    chk.eq("junit: failures", 1, len(failures))
    if failures:
        body = failures[0].text or ""
        chk.ok(body.startswith("goleash: %d leaked goroutine(s) in %d group(s)\n" % (e["_leaked"], e["_groups"])),
               "junit: failure text head %r" % body[:80])
        for para in paragraphs:
            chk.ok(para in body, "junit: a text-report paragraph is missing from the failure:\n" + para)

    # SARIF: a result per group at the blocking line, the creation site
    # related, paths relative to the source root.
    with open(os.path.join(out1, prog + ".sarif"), encoding="utf-8") as f:
        sarif = json.load(f)
    chk.eq("sarif: version", "2.1.0", sarif.get("version"))
    chk.ok(sarif.get("$schema", "").endswith("sarif-schema-2.1.0.json"), "sarif: $schema")
    run0 = sarif["runs"][0]
    chk.eq("sarif: %SRCROOT%", "file://" + root + "/", run0["originalUriBaseIds"]["%SRCROOT%"]["uri"])
    chk.eq("sarif: automationDetails.id", "goleash/%s/" % prog, run0["automationDetails"]["id"])
    results = run0["results"]
    chk.eq("sarif: results", e["_groups"], len(results))
    rule_ids = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    for i, (res, leak) in enumerate(zip(results, report["leaks"])):
        chk.eq("sarif[%d]: ruleId" % i, "goroutine-leak/" + leak["category"], res["ruleId"])
        chk.eq("sarif[%d]: ruleIndex" % i, res["ruleId"], rule_ids[res["ruleIndex"]])
        loc = res["locations"][0]["physicalLocation"]
        chk.eq("sarif[%d]: uri" % i, os.path.basename(src), loc["artifactLocation"]["uri"])
        chk.eq("sarif[%d]: uriBaseId" % i, "%SRCROOT%", loc["artifactLocation"]["uriBaseId"])
        chk.eq("sarif[%d]: startLine" % i, leak["blocked_at"]["line"], loc["region"]["startLine"])
        rel = res["relatedLocations"][0]
        chk.eq("sarif[%d]: creation line" % i, leak["created_at"]["line"],
               rel["physicalLocation"]["region"]["startLine"])
        chk.ok(paragraphs[i] in res["message"]["text"] if i < len(paragraphs) else False,
               "sarif[%d]: message lacks the text report's paragraph" % i)
    for exp in spec["groups"]:
        chk.ok(any(r["locations"][0]["physicalLocation"]["region"]["startLine"] == int(exp["line"])
                   and r["ruleId"] == "goroutine-leak/" + exp["category"] for r in results),
               "sarif: no result at line %s for %s" % (exp["line"], exp["category"]))

    # Annotations: one ::error line per group, at the blocking site.
    lines = [l for l in annotations.splitlines() if l]
    chk.eq("annotations: lines", e["_groups"], len(lines))
    for i, (line, leak) in enumerate(zip(lines, report["leaks"])):
        m = re.match(r"::error file=([^,]*),line=(\d+),title=([^:]*)::(.*)$", line)
        if not m:
            chk.errors.append("annotation %d malformed: %r" % (i, line))
            continue
        chk.eq("annotation[%d]: file" % i, os.path.basename(src), unescape_workflow(m.group(1)))
        chk.eq("annotation[%d]: line" % i, leak["blocked_at"]["line"], int(m.group(2)))
        chk.eq("annotation[%d]: title" % i, "goroutine leak (%s)" % leak["category"], unescape_workflow(m.group(3)))
        msg = unescape_workflow(m.group(4))
        chk.ok("\n" not in m.group(4) and msg.endswith("\n\n" + paragraphs[i]),
               "annotation[%d]: message is not the summary plus the paragraph: %r" % (i, msg[:200]))

    # Again, outside GitHub Actions: no annotations; same fingerprints.
    out2 = os.path.join(tmp, "out2")
    annotations2 = gate(out2, False)
    chk.eq("no GITHUB_ACTIONS: annotations", "", annotations2)
    with open(os.path.join(out2, prog + ".sarif"), encoding="utf-8") as f:
        sarif2 = json.load(f)
    fp1 = [r["partialFingerprints"] for r in results]
    fp2 = [r["partialFingerprints"] for r in sarif2["runs"][0]["results"]]
    chk.eq("sarif: fingerprints across runs", fp1, fp2)
    chk.eq("sarif: distinct fingerprints", len(fp1), len({json.dumps(f, sort_keys=True) for f in fp1}))
    chk.raise_if_failed()
    log("OK: %s: json, junit, sarif and %d annotation(s)" % (os.path.basename(args.src), len(lines)))


def mode_inert(args, tmp):
    src = args.src
    if src.endswith(".go"):
        argv = [compile_go(args.gccgo, src, tmp)]
    elif src.endswith(".c"):
        argv = [compile_c(args.cc, src, tmp)]
    else:
        argv = [src]
    argv += args.args
    a = run(argv, clean_env(), tmp, what="without shim")
    b = run(argv, clean_env({"LD_PRELOAD": args.shim}), tmp, what="with LD_PRELOAD")
    chk = Checker()
    chk.eq("exit code with LD_PRELOAD", a.returncode, b.returncode)
    if a.stdout != b.stdout:
        chk.errors.append("stdout differs\n" + show_diff("stdout", a.stdout, b.stdout))
    if a.stderr != b.stderr:
        chk.errors.append("stderr differs\n" + show_diff("stderr", a.stderr, b.stderr))
    chk.raise_if_failed()
    log("OK: %s is byte-identical with and without the shim (exit %d)" % (
        os.path.basename(src), a.returncode))


def mode_options(args, tmp):
    spec = parse_headers(args.src)
    e = spec["expect"]
    if e["_leaked"] == 0 or e["_natural"] != 0:
        raise Setup("options mode needs a leaky program that exits 0 by itself")
    exe = compile_go(args.gccgo, args.src, tmp)
    chk = Checker()
    base = run([exe], clean_env(), tmp, what="baseline")
    if base.returncode != 0:
        raise Failure("baseline exit %d" % base.returncode)

    def shim(opts, what):
        return run([exe], clean_env({"LD_PRELOAD": args.shim, "GOLEASH_OPTIONS": opts}),
                   tmp, what=what)

    def has_report(p):
        return last_line(p.stderr).startswith("SUMMARY: goleash:")

    def stdout_intact(p, label):
        if p.stdout != base.stdout:
            chk.errors.append(label + ": stdout not intact\n" + show_diff("stdout", base.stdout, p.stdout))

    p = shim("exitcode=0", "exitcode=0")
    chk.eq("exitcode=0: exit code", 0, p.returncode)
    chk.ok(has_report(p), "exitcode=0: expected the report on stderr, got:\n" + tail(p.stderr))
    stdout_intact(p, "exitcode=0")

    p = shim("exitcode=7", "exitcode=7")
    chk.eq("exitcode=7: exit code", 7, p.returncode)
    chk.ok(has_report(p), "exitcode=7: expected the report on stderr, got:\n" + tail(p.stderr))

    p = shim("report=0", "report=0")
    chk.eq("report=0: exit code", SHIM_LEAK_EXIT, p.returncode)
    chk.ok(p.stderr == base.stderr, "report=0: expected no output on stderr, got:\n" + tail(p.stderr))
    stdout_intact(p, "report=0")

    p = shim("min_park=1h", "min_park=1h")
    chk.eq("min_park=1h: exit code", 0, p.returncode)
    chk.ok(p.stderr == base.stderr, "min_park=1h: expected no output on stderr, got:\n" + tail(p.stderr))

    p = shim("min_park=1ms", "min_park=1ms")
    chk.eq("min_park=1ms: exit code", SHIM_LEAK_EXIT, p.returncode)
    chk.ok(has_report(p), "min_park=1ms: expected the report on stderr, got:\n" + tail(p.stderr))

    p = shim("no_such_option=1", "unknown key")
    chk.eq("unknown key: exit code", SHIM_LEAK_EXIT, p.returncode)
    stdout_intact(p, "unknown key")
    mention = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if "no_such_option" in l]
    chk.eq("unknown key: stderr lines mentioning no_such_option", 1, len(mention))
    chk.ok(has_report(p), "unknown key: the report should still be printed, got:\n" + tail(p.stderr))

    p = shim("no_such_option=1:report=0", "unknown key + report=0")
    lines = p.stderr.decode("utf-8", "replace").splitlines()
    chk.ok(len(lines) == 1 and "no_such_option" in lines[0],
           "unknown key + report=0: expected exactly one warning line on stderr, got:\n" + tail(p.stderr))
    chk.eq("unknown key + report=0: exit code", SHIM_LEAK_EXIT, p.returncode)
    stdout_intact(p, "unknown key + report=0")

    p = shim("help=1", "help=1")
    text = (p.stdout + p.stderr).decode("utf-8", "replace")
    missing = [o for o in OPTION_NAMES if o not in text]
    chk.ok(not missing, "help=1: option names missing from the help text: %s\n--- output ---\n%s" % (
        missing, tail(text)))

    ddir = os.path.join(tmp, "dumps")
    os.mkdir(ddir)
    env = clean_env({"LD_PRELOAD": args.shim,
                     "GOLEASH_OPTIONS": "dump_path=%s/x.%%p.dump" % ddir})
    log("$ GOLEASH_OPTIONS=%s %s   [dump_path]" % (env["GOLEASH_OPTIONS"], exe))
    proc = subprocess.Popen([exe], env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    so, se = proc.communicate(timeout=RUN_TIMEOUT)
    chk.eq("dump_path: exit code", SHIM_LEAK_EXIT, proc.returncode)
    files = sorted(os.listdir(ddir))
    want = "x.%d.dump" % proc.pid
    if chk.eq("dump_path: files in the dump directory", [want], files):
        path = os.path.join(ddir, want)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        chk.eq("dump_path: file mode", "0o600", oct(mode))
        r = run([args.goleash, "report", "--format", "json", path], clean_env(), tmp,
                what="goleash report on the dump")
        chk.eq("goleash report: exit code", 1, r.returncode)
        try:
            rep = json.loads(r.stdout.decode("utf-8"))
            summ = rep.get("summary") or {}
            chk.eq("goleash report: summary.leaked_goroutines", e["_leaked"], summ.get("leaked_goroutines"))
            if e["_groups"] is not None:
                chk.eq("goleash report: summary.groups", e["_groups"], summ.get("groups"))
        except ValueError as ex:
            chk.errors.append("goleash report: stdout is not JSON (%s):\n%s" % (ex, tail(r.stdout)))
    chk.raise_if_failed()
    log("OK: options on %s" % os.path.basename(args.src))


SUPP_USER = """# the pool's idle workers wait for work that never comes: on purpose
created:main.startPool

top:main.lonely
# never matches
stack:main.nothing*
"""
SUPP_DEFAULT_RULES = ("top:net/http.persistConn.writeLoop", "top:database/sql.DB.connectionOpener")


def supp_rows(text):
    """The rows of the "Suppressions used:" table: {rule: (goroutines, groups, origin:line)}."""
    rows = {}
    lines = text.splitlines()
    if "Suppressions used:" not in lines:
        return None
    i = lines.index("Suppressions used:") + 2
    while i < len(lines) and not lines[i].startswith("-----") and not lines[i].startswith("  (shown with"):
        m = re.match(r"^\s+(\d+)\s+(\d+)\s+(\S.*) \((.*)\)$", lines[i])
        if not m:
            raise Failure("bad row in the suppressions table: %r" % lines[i])
        rows[m.group(3)] = (int(m.group(1)), int(m.group(2)), m.group(4))
        i += 1
    return rows


def mode_suppressions(args, tmp):
    """Suppressions on a program with leaks of its own and two goroutines the
    standard library leaves by design (supp_mixed.go): the default list, a
    user file given with --suppressions and with GOLEASH_OPTIONS, file: rules,
    bad files; exit codes, reports and the hit counts printed."""
    exe = compile_go(args.gccgo, args.src, tmp)
    chk = Checker()
    user = os.path.join(tmp, "user.supp")
    with open(user, "w") as f:
        f.write(SUPP_USER)
    files = os.path.join(tmp, "files.supp")
    with open(files, "w") as f:
        f.write("file:*/%s\n" % os.path.basename(args.src))
    bad = os.path.join(tmp, "bad.supp")
    with open(bad, "w") as f:
        f.write("# line 1\ntop:main.lonely\nfoo:main.idleWorker\n")
    base = run([exe], clean_env(), tmp, what="baseline")
    if base.returncode != 0:
        raise Failure("baseline exit %d" % base.returncode)
    default_line = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "suppressions", "default.supp")) as f:
        for n, line in enumerate(f, 1):
            if line.strip() in SUPP_DEFAULT_RULES:
                default_line[line.strip()] = "<default>:%d" % n
    chk.eq("rules of the default list used here", set(SUPP_DEFAULT_RULES), set(default_line))
    defaults = {r: (1, 1, default_line.get(r)) for r in SUPP_DEFAULT_RULES}
    mine = {"created:main.startPool": (3, 1, user + ":2"), "top:main.lonely": (1, 1, user + ":4")}

    def goleash_run(opts, what, env=None, fmt="text"):
        out = os.path.join(tmp, "report.%s" % fmt)
        if os.path.exists(out):
            os.unlink(out)
        p = run([args.goleash, "run", "--format", fmt, "-o", out] + opts + ["--", exe],
                clean_env(env), tmp, what=what)
        text = open(out).read() if os.path.exists(out) else ""
        return p, text

    def table(text, label, want):
        rows = supp_rows(text)
        chk.eq(label + ": suppressions used (goroutines, groups, origin:line)", want, rows)

    # 1. Defaults only: the stdlib goroutines are suppressed, the program's leaks stay.
    p, text = goleash_run([], "goleash run, default suppressions")
    chk.eq("defaults: exit code", 1, p.returncode)
    table(text, "defaults", defaults)
    chk.ok("SUMMARY: goleash: 4 leaked goroutine(s) in 2 group(s); 2 suppressed.\n" in text,
           "defaults: SUMMARY line:\n" + tail(text, 12))

    # 2. --no-default-suppressions reports them.
    p, text = goleash_run(["--no-default-suppressions"], "no default suppressions", fmt="json")
    chk.eq("no defaults: exit code", 1, p.returncode)
    rep = json.loads(text or "{}")
    summ = rep.get("summary") or {}
    chk.eq("no defaults: leaked_goroutines", 6, summ.get("leaked_goroutines"))
    chk.eq("no defaults: suppressed_goroutines", 0, summ.get("suppressed_goroutines"))
    chk.eq("no defaults: suppressions", [], rep.get("suppressions"))
    tops = sorted(fn(g.get("blocked_at")) for g in rep.get("leaks") or [])
    chk.eq("no defaults: blocked_at functions",
           sorted(["main.idleWorker", "main.lonely", "net/http.persistConn.writeLoop",
                   "database/sql.DB.connectionOpener"]), tops)

    # 3. A user file: everything suppressed, exit 0, hit counts in text and JSON.
    p, text = goleash_run(["--suppressions", user], "--suppressions user.supp")
    chk.eq("--suppressions: exit code", 0, p.returncode)
    table(text, "--suppressions", dict(mine, **defaults))
    chk.ok(re.search(r"^goleash: no goroutine leaks \(\d+ goroutines in 1 dump\(s\); 6 suppressed\)$", text, re.M),
           "--suppressions: clean line:\n" + tail(text, 4))
    p, text = goleash_run(["--suppressions", user], "--suppressions, JSON", fmt="json")
    chk.eq("--suppressions JSON: exit code", 0, p.returncode)
    rep = json.loads(text or "{}")
    summ = rep.get("summary") or {}
    chk.eq("--suppressions JSON: summary", (0, 0, 6, 4),
           (summ.get("leaked_goroutines"), summ.get("groups"), summ.get("suppressed_goroutines"),
            summ.get("suppressed_groups")))
    chk.eq("--suppressions JSON: suppressions[]",
           [("created:main.startPool", user, 2, 3, 1), ("top:main.lonely", user, 4, 1, 1)]
           + [(r, "<default>", int(default_line.get(r, ":0").split(":")[1]), 1, 1) for r in SUPP_DEFAULT_RULES],
           [(u.get("rule"), u.get("file"), u.get("line"), u.get("goroutines"), u.get("groups"))
            for u in rep.get("suppressions") or []])

    # 4. The same file through GOLEASH_OPTIONS: goleash run applies it too ...
    p, text = goleash_run([], "GOLEASH_OPTIONS=suppressions= with goleash run",
                          env={"GOLEASH_OPTIONS": "suppressions=" + user})
    chk.eq("run + GOLEASH_OPTIONS suppressions: exit code", 0, p.returncode)
    p, text = goleash_run([], "GOLEASH_OPTIONS=default_suppressions=0 with goleash run",
                          env={"GOLEASH_OPTIONS": "default_suppressions=0"})
    chk.eq("run + GOLEASH_OPTIONS default_suppressions=0: exit code", 1, p.returncode)
    chk.ok("SUMMARY: goleash: 6 leaked goroutine(s) in 4 group(s).\n" in text,
           "run + default_suppressions=0: SUMMARY:\n" + tail(text, 3))

    # ... and so does the shim's own exit report (relative path: from the cwd).
    def shim(opts, what):
        return run([exe], clean_env({"LD_PRELOAD": args.shim, "GOLEASH_OPTIONS": opts}), tmp, what=what)

    p = shim("suppressions=user.supp", "LD_PRELOAD, suppressions=user.supp")
    err = p.stderr.decode("utf-8", "replace")
    chk.eq("shim suppressions=: exit code", 0, p.returncode)
    chk.eq("shim suppressions=: stdout", base.stdout, p.stdout)
    table(err, "shim suppressions=", dict({k: (v[0], v[1], v[2].replace(user, os.path.realpath(user)))
                                           for k, v in mine.items()}, **defaults))
    chk.ok("ERROR: goleash" not in err and "SUMMARY" not in err,
           "shim suppressions=: a report although everything is suppressed:\n" + tail(err))

    p = shim("suppressions=%s:default_suppressions=0" % user, "LD_PRELOAD, no defaults")
    err = p.stderr.decode("utf-8", "replace")
    chk.eq("shim default_suppressions=0: exit code", SHIM_LEAK_EXIT, p.returncode)
    chk.eq("shim default_suppressions=0: last line",
           "SUMMARY: goleash: 2 leaked goroutine(s) in 2 group(s); 4 suppressed.", last_line(p.stderr))
    table(err, "shim default_suppressions=0", mine)

    # Defaults alone: a report of the program's leaks with the defaults' table;
    # no leaks of its own and only defaults used: silent (checked by the units).
    p = run([exe], clean_env({"LD_PRELOAD": args.shim}), tmp, what="LD_PRELOAD, defaults")
    chk.eq("shim defaults: exit code", SHIM_LEAK_EXIT, p.returncode)
    chk.eq("shim defaults: last line", "SUMMARY: goleash: 4 leaked goroutine(s) in 2 group(s); 2 suppressed.",
           last_line(p.stderr))
    table(p.stderr.decode("utf-8", "replace"), "shim defaults", defaults)

    # 5. file: rules need line information: goleash run has it, the shim not.
    p, text = goleash_run(["--suppressions", files], "--suppressions files.supp")
    chk.eq("file: rule, goleash run: exit code", 0, p.returncode)
    table(text, "file: rule", dict({"file:*/" + os.path.basename(args.src): (4, 2, files + ":1")}, **defaults))
    p = shim("suppressions=" + files, "LD_PRELOAD, file: rule")
    chk.eq("file: rule, shim: exit code (no file names in-process)", SHIM_LEAK_EXIT, p.returncode)

    # 6. A bad file: usage error before the program runs; the shim warns once
    #    and goes on with the built-in list.
    p = run([args.goleash, "run", "--suppressions", bad, "--", exe], clean_env(), tmp, what="bad file, run")
    chk.eq("bad file, run: exit code", 2, p.returncode)
    chk.eq("bad file, run: stderr", "goleash: %s:3: unknown suppression kind 'foo'\n" % bad,
           p.stderr.decode("utf-8", "replace"))
    chk.eq("bad file, run: stdout (the program did not run)", b"", p.stdout)
    p = run([args.goleash, "report", "--suppressions", bad, "/nonexistent.dump"], clean_env(), tmp,
            what="bad file, report")
    chk.eq("bad file, report: exit code", 2, p.returncode)
    for opts, want in (("suppressions=" + bad, "goleash: %s:3: unknown suppression kind 'foo' "
                                                "(suppressions file ignored)" % bad),
                       ("suppressions=/nonexistent.supp", "goleash: /nonexistent.supp: No such file or "
                                                          "directory (suppressions file ignored)")):
        p = shim(opts, "LD_PRELOAD, " + opts)
        err = p.stderr.decode("utf-8", "replace")
        chk.eq(opts + ": exit code", SHIM_LEAK_EXIT, p.returncode)
        chk.eq(opts + ": stdout", base.stdout, p.stdout)
        chk.eq(opts + ": warning lines", [want], [l for l in err.splitlines() if l.startswith("goleash:")])
        chk.eq(opts + ": last line", "SUMMARY: goleash: 4 leaked goroutine(s) in 2 group(s); 2 suppressed.",
               last_line(p.stderr))
    # A clean program (nothing parked at exit, no dump file: the shim skips
    # the exit dump) still says once that its file is bad, and exits 0.
    clean_src = os.path.join(tmp, "clean_main.go")
    with open(clean_src, "w") as f:
        f.write('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("clean") }\n')
    clean = compile_go(args.gccgo, clean_src, tmp)
    p = run([clean], clean_env({"LD_PRELOAD": args.shim, "GOLEASH_OPTIONS": "suppressions=" + bad}), tmp,
            what="LD_PRELOAD, bad file, clean program")
    chk.eq("bad file, clean program: exit code", 0, p.returncode)
    chk.eq("bad file, clean program: stdout", b"clean\n", p.stdout)
    chk.eq("bad file, clean program: stderr",
           "goleash: %s:3: unknown suppression kind 'foo' (suppressions file ignored)\n" % bad,
           p.stderr.decode("utf-8", "replace"))
    chk.raise_if_failed()
    log("OK: suppressions on %s" % os.path.basename(args.src))


def mode_missing(args, tmp):
    """A libgo without some of the symbols the shim interposes: exactly one
    warning line naming them, and otherwise the program's own output and exit
    code. With a core symbol missing (runtime.gopark) the shim disables itself."""
    here = os.path.dirname(os.path.abspath(args.src))
    chk = Checker()
    for variant, flags, tail_words in (("optional", [], "those are not intercepted"),
                                       ("core", ["-DNO_GOPARK"], "goleash is disabled")):
        d = os.path.join(tmp, variant)
        os.makedirs(d)
        lib = os.path.join(d, "libfakego.so")
        exe = os.path.join(d, "prog")
        for argv in ([args.cc, "-shared", "-fPIC", "-o", lib, os.path.join(here, "fake_libgo.c")] + flags,
                     [args.cc, "-o", exe, os.path.join(here, "fake_libgo_main.c"), "-L" + d, "-lfakego",
                      "-Wl,-rpath," + d]):
            r = run(argv, clean_env(), d, what="build " + variant)
            if r.returncode != 0:
                raise Setup("cannot build the fake libgo:\n" + tail(r.stderr))
        base = run([exe], clean_env(), d, what=variant + " without the shim")
        p = run([exe], clean_env({"LD_PRELOAD": args.shim}), d, what=variant + " with the shim")
        chk.eq(variant + ": exit code", base.returncode, p.returncode)
        chk.eq(variant + ": stdout", base.stdout, p.stdout)
        extra = p.stderr.replace(base.stderr, b"", 1).decode(errors="replace").splitlines()
        chk.eq(variant + ": extra stderr lines", 1, len(extra))
        if extra:
            line = extra[0]
            chk.ok(line.startswith("goleash: this libgo lacks ") and line.endswith(tail_words),
                   variant + ": warning line: %r" % line)
            chk.ok("runtime.chansend1" in line and "context.WithCancel" in line,
                   variant + ": the warning names the missing symbols: %r" % line)
            chk.ok(("runtime.gopark" in line) == (variant == "core"),
                   variant + ": runtime.gopark listed only when missing: %r" % line)
    chk.raise_if_failed()
    log("OK: libgo with missing symbols")


def mode_nodump(args, tmp):
    """`goleash run` on a gccgo-looking program (it needs libgo.so.*) that
    leaves no dump says why, never a guess: killed by a signal before exit,
    or the shim disabled itself (its own warning says so)."""
    here = os.path.dirname(os.path.abspath(args.src))
    chk = Checker()
    for variant, lib_flags, main_flags, want_code, want_lines in (
            ("killed", [], ["-DKILL_SELF"], 137,
             ["goleash: {exe}: the gccgo program left no dump: it was killed by signal 9 (Killed) before it "
              "could write one: the shim writes its dump at exit (dump_interval in GOLEASH_OPTIONS also writes "
              "one periodically)"]),
            ("disabled", ["-DNO_GOPARK"], [], 5,
             ["goleash: this libgo lacks ", "goleash: {exe}: the gccgo program left no dump: the shim wrote none "
              "(it disabled itself or could not write the file: its warning above says which)"])):
        d = os.path.join(tmp, variant)
        os.makedirs(d)
        lib = os.path.join(d, "libgo.so.99")
        exe = os.path.join(d, "prog")
        for argv in ([args.cc, "-shared", "-fPIC", "-Wl,-soname,libgo.so.99", "-o", lib,
                      os.path.join(here, "fake_libgo.c")] + lib_flags,
                     [args.cc, "-o", exe, os.path.join(here, "fake_libgo_main.c"), lib, "-Wl,-rpath," + d]
                     + main_flags):
            r = run(argv, clean_env(), d, what="build " + variant)
            if r.returncode != 0:
                raise Setup("cannot build the fake gccgo program:\n" + tail(r.stderr))
        p = run([args.goleash, "run", "--", exe], clean_env({"GOLEASH_SHIM": args.shim}), d,
                what="goleash run, " + variant)
        chk.eq(variant + ": exit code", want_code, p.returncode)
        lines = p.stderr.decode(errors="replace").splitlines()
        for want in want_lines:
            want = want.format(exe=exe)
            hits = [l for l in lines if l == want or (want.endswith(" ") and l.startswith(want))]
            chk.ok(len(hits) == 1, "%s: expected one stderr line %r, got:\n%s" % (variant, want, "\n".join(lines)))
        chk.ok(not any("?" in l for l in lines if "left no dump" in l), variant + ": the message guesses")
    chk.raise_if_failed()
    log("OK: a gccgo program without a dump: the cause named")


def mode_killed(args, tmp):
    """A program killed with SIGKILL leaves its periodic dump (dump_interval),
    and goleash report finds exactly the expected leaks in it."""
    spec = parse_headers(args.src)
    e = spec["expect"]
    exe = compile_go(args.gccgo, args.src, tmp)
    pattern = os.path.join(tmp, "k.%p.dump")
    env = clean_env({"LD_PRELOAD": args.shim,
                     "GOLEASH_OPTIONS": "dump_interval=100ms:dump_path=" + pattern})
    proc = subprocess.Popen([exe], env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    dump = pattern.replace("%p", str(proc.pid))
    deadline = time.time() + 30
    while time.time() < deadline and not os.path.exists(dump):
        time.sleep(0.05)
    time.sleep(0.35)  # a few more intervals: the leaked goroutines have parked by now
    proc.kill()
    _, err = proc.communicate()
    chk = Checker()
    chk.eq("program output before the kill", b"leaked 4, now running until killed\n", first)
    chk.eq("killed by SIGKILL", -9, proc.returncode)
    chk.eq("shim stderr (nothing: the report never ran)", b"", err)
    chk.ok(os.path.exists(dump), "no periodic dump at %s" % dump)
    chk.raise_if_failed()
    leftovers = [f for f in os.listdir(tmp) if ".tmp." in f]
    chk.eq("temporary dump files left behind", [], leftovers)
    r = run([args.goleash, "report", "--format", "json", dump], clean_env(), tmp, what="goleash report")
    chk.eq("goleash report exit code", 1, r.returncode)
    report = json.loads(r.stdout)
    chk.raise_if_failed()
    check_report(chk, report, spec, args.src, "goleash report on the periodic dump")
    with open(dump, "rb") as f:
        info = f.read().split(b"\n")[1]
    chk.ok(b" reason=interval " in info, "dump reason is not interval: %r" % info[:200])
    chk.raise_if_failed()
    log("OK: periodic dump of a killed process (%s)" % os.path.basename(args.src))


SELFCHECK_GO = r'''
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	e2eRealMain()
	path := os.Getenv("E2E_STACKS")
	if path == "" {
		return
	}
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
	if err == nil {
		f.Write(buf)
		f.Close()
	}
}
'''


def parse_go_stacks(text):
    gs = []
    cur = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        l = lines[i]
        m = re.match(r"goroutine (\d+) \[([^\]]*)\]:", l)
        if m:
            reason = m.group(2).split(",")[0].strip()
            cur = {"id": int(m.group(1)), "reason": reason, "frames": [], "created": None}
            gs.append(cur)
        elif cur is not None and l and not l.startswith("\t"):
            loc = lines[i + 1].strip() if i + 1 < len(lines) else ""
            lm = re.match(r"(.*):(\d+)", loc)
            fr = (l.strip(), lm.group(1) if lm else "", int(lm.group(2)) if lm else 0)
            if l.startswith("created by "):
                name = l[len("created by "):].strip()
                if name == "main.e2eRealMain":
                    name = "main.main"
                cur["created"] = (name,) + fr[1:]
            else:
                cur["frames"].append(fr)
            i += 1
        i += 1
    return gs


def mode_selfcheck(args, tmp):
    spec = parse_headers(args.src)
    e = spec["expect"]
    with open(args.src, encoding="utf-8") as f:
        text = f.read()
    if not re.search(r"(?m)^func main\(\) \{", text):
        raise Setup("no 'func main() {' line")
    copy = os.path.join(tmp, os.path.basename(args.src))
    with open(copy, "w", encoding="utf-8") as f:
        f.write(re.sub(r"(?m)^func main\(\) \{", "func e2eRealMain() {", text, count=1))
    helper = os.path.join(tmp, "zz_e2e_selfcheck.go")
    with open(helper, "w", encoding="utf-8") as f:
        f.write(SELFCHECK_GO)
    exe = compile_go(args.gccgo, copy, tmp, extra=[helper])
    stacks = os.path.join(tmp, "stacks")
    p = run([exe], clean_env(dict(spec["env"], E2E_STACKS=stacks)), tmp, what="selfcheck")
    chk = Checker()
    chk.eq("natural exit code", e["_natural"], p.returncode)
    log("--- stdout ---\n" + tail(p.stdout, 15))
    if p.stderr:
        log("--- stderr ---\n" + tail(p.stderr, 15))
    files = glob.glob(stacks + ".*")
    if not files:
        log("no goroutine dump (program did not return from main): exit code checked only")
        chk.raise_if_failed()
        return
    gs = []
    for fpath in files:
        with open(fpath, encoding="utf-8", errors="replace") as f:
            gs += parse_go_stacks(f.read())
    cands = [g for g in gs if g["reason"] in LEAK_REASONS]
    others = [g for g in gs if g["reason"] not in LEAK_REASONS and g["reason"] != "running"]
    want = e["_leaked"] + int(spec["selfcheck"].get("candidates", "0"))
    chk.eq("goroutines in a leak-candidate wait at the end of main", want, len(cands))
    if others:
        log("note: other goroutines: %s" % sorted(set(g["reason"] for g in others)))

    def user_frame(g):
        for fr in g["frames"]:
            if not fr[0].startswith(NON_USER_PREFIXES):
                return fr
        return ("?", "", 0)

    def matches(g, exp):
        fr = user_frame(g)
        if "reason" in exp and g["reason"] != exp["reason"]:
            return False
        if "blocked" in exp and fr[0] != exp["blocked"]:
            return False
        if "line" in exp and fr[2] != int(exp["line"]):
            return False
        cr = g["created"] or ("?", "", 0)
        if "created" in exp and cr[0] != exp["created"]:
            return False
        if "created_line" in exp and cr[2] != int(exp["created_line"]):
            return False
        if "stack_has" in exp:
            f, _, n = exp["stack_has"].rpartition(":")
            if sum(1 for x in g["frames"] if x[0] == f) < int(n):
                return False
        return True

    for gi, exp in enumerate(spec["groups"]):
        n = sum(1 for g in cands if matches(g, exp))
        chk.eq("group #%d (%s): goroutines matching reason/blocked/line/created" % (
            gi + 1, exp.get("blocked")), int(exp.get("count", n)), n)
    if spec["all"]:
        bad = [g for g in cands if not matches(g, spec["all"])]
        chk.eq("all-groups: candidates not matching", 0, len(bad))
    ctx = "--- Go's view of the goroutines (first 30) ---\n" + "\n".join(
        "  g%d [%s] %s created by %s" % (g["id"], g["reason"], user_frame(g), g["created"])
        for g in gs[:30])
    chk.raise_if_failed(ctx)
    log("OK (selfcheck): %s: %d leak candidates as expected" % (os.path.basename(args.src), len(cands)))


# ----------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--goleash", help="the goleash command")
    ap.add_argument("--shim", help="libgoleash.so")
    ap.add_argument("--src", required=True, help="program source (.go, .c) or executable")
    ap.add_argument("--work", required=True, help="directory for temporary files")
    ap.add_argument("--mode", default="program",
                    choices=["program", "inert", "options", "selfcheck", "killed", "missing", "nodump",
                             "suppressions", "outputs", "gc"])
    ap.add_argument("--gccgo", default=os.environ.get("GCCGO", "gccgo"))
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--go", help="gc mode: the go command (a path, never whatever go is in PATH)")
    ap.add_argument("--gotoolchain", help="gc mode: GOTOOLCHAIN for --go (e.g. go1.27.3)")
    ap.add_argument("--buildflags", help="gc mode: more go build flags (-buildmode=pie, -ldflags='-s -w')")
    ap.add_argument("--cgo", choices=("0", "1"), help="gc mode: CGO_ENABLED")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("args", nargs="*", help="arguments for the program (inert mode)")
    args = ap.parse_args()

    if args.mode != "selfcheck":
        for k in ("goleash", "shim") if args.mode != "inert" else ("shim",):
            v = getattr(args, k)
            if not v or not os.path.exists(v):
                print("run_e2e: --%s %r does not exist" % (k, v), file=sys.stderr)
                return 2
        args.shim = os.path.abspath(args.shim)
        if args.goleash:
            args.goleash = os.path.abspath(args.goleash)
    if args.mode == "gc" and (not args.go or not os.path.exists(args.go)):
        print("run_e2e: --go %r does not exist" % args.go, file=sys.stderr)
        return 2
    if args.mode != "gc" and shutil.which(args.gccgo) is None and not args.src.endswith(".c") \
            and (args.src.endswith(".go")):
        print("run_e2e: gccgo (%s) not found" % args.gccgo, file=sys.stderr)
        return 77  # meson: skipped

    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=os.path.splitext(os.path.basename(args.src))[0] + ".",
                           dir=args.work)
    modes = {"program": mode_program, "inert": mode_inert,
             "options": mode_options, "selfcheck": mode_selfcheck, "killed": mode_killed,
             "missing": mode_missing, "nodump": mode_nodump, "suppressions": mode_suppressions,
             "outputs": mode_outputs, "gc": mode_gc}
    status = 0
    try:
        modes[args.mode](args, tmp)
    except Failure as ex:
        print("FAIL: %s (mode %s)\n%s" % (args.src, args.mode, ex), flush=True)
        print("(work files kept in %s)" % tmp)
        status = 1
    except Setup as ex:
        print("ERROR: %s: %s" % (args.src, ex), flush=True)
        status = 2
    if status == 0 and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
