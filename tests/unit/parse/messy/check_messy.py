#!/usr/bin/env python3
"""Messy real dumps (issue 11): every fixture of data/messy (made by
gen_messy.py) is reported with `goleash report --format json --min-park 0`;
the leak groups, the exit status and the warnings on stderr must be exactly
the ones listed here.

  check_messy.py --goleash PATH --data DIR
"""
import argparse
import json
import os
import subprocess
import sys

# leakprog.go: (count, category, blocked function, blocked line, created line)
LEAKPROG = [(2, "chan-receive", "main.receiver", 15, 38), (1, "chan-send", "main.sender", 19, 40),
            (1, "select", "main.selector", 23, 41)]
# leaktest/: the subtest's two goroutines (attribution: a text dump names
# TestLeak, not its subtest). The two tRunner goroutines waiting in t.Run are
# the test runner's own: the default suppressions leave them out
# (docs/accuracy.md).
TESTBIN = [(2, "chan-receive", "example.com/leaktest.park", 14, 19, "TestLeak")]
# debug=1 hides the runtime frames: a send and a receive are both "chan".
PPROF1 = [(2, "chan", "main.receiver", 15, None), (1, "chan", "main.sender", 19, None),
          (1, "select", "main.selector", 23, None)]
SKIP1 = "F:%d: skipped %d line%s that do%s not continue the dump: %s"
NOT_DUMP = "text that is not part of a goroutine dump"
TWO = "F: 2 dumps in this input, each read as a moment of its own (a goroutine in two of them counts twice)"

CASES = {
    # name: (groups, warnings, source)
    "plain.txt": (LEAKPROG, [], "gc-traceback"),
    "gotest_json.txt": (TESTBIN, [], "gc-traceback"),
    "gotest_timeout.txt": (TESTBIN, [], "gc-traceback"),
    "tlog.txt": (TESTBIN, [], "gc-traceback"),
    "tlog_json.txt": (TESTBIN, [], "gc-traceback"),
    "docker.txt": (LEAKPROG, [], "gc-traceback"),
    # Lines cut across records (docker's 16 KiB split, test2json's parts):
    # a record without a final newline goes on in the next.
    "docker_split.txt": (LEAKPROG, [], "gc-traceback"),
    "gotest_json_split.txt": (TESTBIN, [], "gc-traceback"),
    "jsonlog_whole.txt": (LEAKPROG, [], "gc-traceback"),
    "journald_per_goroutine.txt": (LEAKPROG, [], "gc-traceback"),
    "logfmt.txt": (LEAKPROG, [], "gc-traceback"),
    "interleaved.txt": (LEAKPROG, ["F:20: skipped 2 lines (to line 21) that do not continue the dump: " + NOT_DUMP,
                                   SKIP1 % (29, 1, "", "es", NOT_DUMP)], "gc-traceback"),
    "sigquit_glued.txt": (LEAKPROG, [], "gc-traceback"),
    "header_glued.txt": (LEAKPROG, [], "gc-traceback"),
    "spaces.txt": (LEAKPROG, [], "gc-traceback"),
    "stripped.txt": (LEAKPROG, [], "gc-traceback"),
    "timestamps.txt": (LEAKPROG, [], "gc-traceback"),
    "line_numbers.txt": (LEAKPROG, [], "gc-traceback"),
    "levels.txt": (LEAKPROG, [], "gc-traceback"),
    "quoted.txt": (LEAKPROG, [], "gc-traceback"),
    "double_spaced.txt": (LEAKPROG, [], "gc-traceback"),
    # grep -A 4 "chan receive": the two receivers, whole; nothing else.
    "grep_a.txt": ([LEAKPROG[0]], [], "gc-traceback"),
    "no_final_newline.txt": (LEAKPROG, [], "gc-traceback"),
    # Cut inside goroutine 21's function line: its stack is lost, the rest stays.
    "cut_midline.txt": (LEAKPROG[:2] + [(1, "select", None, None, None)],
                        ["F:26: truncated dump (cut inside goroutine 21): reporting what it holds"], "gc-traceback"),
    # Two services' dumps and a third's log lines, tagged and interleaved
    # (docker compose): each service's dump read apart.
    "compose.txt": ([(4,) + LEAKPROG[0][1:], (2,) + LEAKPROG[1][1:], (2,) + LEAKPROG[2][1:]],
                    ["F: 2 dumps in this input, one per process its lines are tagged with (worker-1, web-1), "
                     "each read apart"], "gc-traceback"),
    "twice.txt": ([(4,) + LEAKPROG[0][1:], (2,) + LEAKPROG[1][1:], (2,) + LEAKPROG[2][1:]], [TWO], "gc-traceback"),
    # Go 1.27's leak profile (debug=1) next to its goroutine profile (debug=2).
    # Hand-written (no Go 1.5 toolchain here): Go 1.5-era spellings, elided
    # frames (`...`, `...additional frames elided...`, `(...)`), locked to
    # thread, and Go 1.26's `(leaked)` with `(scan)`.
    "old_spellings.txt": ([(1, "select-forever", "main.forever", 18, 23), (1, "nil-chan-send", "main.nilsend", 16, 22),
                           (1, "waitgroup", "main.waiter", 13, 21), (1, "chan-receive", "main.worker", 9, 20),
                           (1, "chan-receive", "main.worker", 9, 24)], [], "gc-traceback"),
    # Hand-written: a debug=1 record that shows its runtime frames gives the
    # direction (tests/unit/pprof has the hidden-frame inference).
    "pprof1_runtime_frames.txt": ([(1, "chan-send", "main.sender", 19, None),
                                   (1, "chan-receive", "main.receiver", 15, None)], [], "pprof-debug1"),
    "profiles.txt": (PPROF1 + LEAKPROG, [TWO], "mixed"),
    "pprof1_126.txt": (PPROF1, [], "pprof-debug1"),
    "pprof1_127.txt": (PPROF1, [], "pprof-debug1"),
}


def groups_of(report):
    out = []
    for l in report["leaks"]:
        b = l.get("blocked_at") or {}
        c = l.get("created_at") or {}
        out.append((l["count"], l["category"], b.get("function"), b.get("line"), c.get("line"), l.get("test")))
    return out


def matches(want, got):
    for i, w in enumerate(want):
        if i == 2 and w is not None and i < len(got) and got[i] != w:
            return False
        if i != 2 and w is not None and got[i] != w:
            return False
    return True


def check(goleash, path, want_groups, want_warnings, source):
    r = subprocess.run([goleash, "report", "--format", "json", "--min-park", "0", path], capture_output=True,
                       timeout=60)
    err = r.stderr.decode().replace(path, "F")
    problems = []
    if r.returncode != 1:
        problems.append("exit %d, want 1" % r.returncode)
        return problems + [err]
    rep = json.loads(r.stdout)
    got = groups_of(rep)
    left = list(got)
    for w in want_groups:
        w6 = tuple(w) + (None,) * (6 - len(w))
        if w6[5] == "<setup>":
            w6 = w6[:5] + ("setup",)
        hit = next((g for g in left if matches(w6, g)), None)
        if hit is None:
            problems.append("missing group %r" % (w6,))
        else:
            left.remove(hit)
    problems += ["unexpected group %r" % (g,) for g in left]
    warnings = [l[len("goleash: "):] for l in err.splitlines() if l.startswith("goleash: ")]
    if warnings != want_warnings:
        problems.append("warnings %r, want %r" % (warnings, want_warnings))
    if rep.get("source") != source:
        problems.append("source %r, want %r" % (rep.get("source"), source))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--data", required=True)
    a = ap.parse_args()
    failed = 0
    for name, (groups, warnings, source) in sorted(CASES.items()):
        path = os.path.join(a.data, name)
        problems = check(a.goleash, path, groups, warnings, source)
        print("%s %s%s" % ("FAIL" if problems else "PASS", name, ": " + "; ".join(problems) if problems else ""))
        failed += bool(problems)
    print("%d passed, %d failed" % (len(CASES) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
