#!/usr/bin/env python3
"""The table and the verdict check of scripts/accept_debian.sh.

  accept_debian_table.py SUITES RESULTS OUTDIR EXPECTED

SUITES: one line per Debian package, "deb pkg pkg...". RESULTS: lines
"pkg plain|goleash rc ms" or "pkg build-failed". OUTDIR holds PKG.plain.log,
PKG.goleash.log and PKG.json (goleash's JSON report). EXPECTED: per package
either "pkg clean" or "pkg leaks N" followed by one indented line per leak
group, "category blocked-function test" (test "?" when none is known); a
group line starting with "? " may be missing (a goroutine a finalizer may
wake before the exit, depending on when a GC runs).
Exit 0 when every package ran and matches, 1 on a mismatch or a goleash
failure, 2 when a package did not build or the expectations are unreadable.
"""
import json
import os
import re
import sys

RESULT_LINE = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)")


def tests_of(log):
    """{test name: PASS|FAIL|SKIP} from a -test.v log."""
    out = {}
    try:
        with open(log, errors="replace") as f:
            for line in f:
                m = RESULT_LINE.match(line)
                if m:
                    out[m.group(2)] = m.group(1)
    except OSError:
        pass
    return out


def read_expected(path):
    exp, cur = {}, None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0].isspace():
                if cur is None:
                    raise ValueError("%s:%d: a group line before any package" % (path, n))
                words = line.split()
                optional = words[0] == "?"
                exp[cur]["optional" if optional else "groups"].append(tuple(words[optional:optional + 3]))
                continue
            parts = line.split()
            cur = parts[0]
            if parts[1:] == ["clean"]:
                exp[cur] = {"leaked": 0, "groups": [], "optional": []}
            elif len(parts) == 3 and parts[1] == "leaks":
                exp[cur] = {"leaked": int(parts[2]), "groups": [], "optional": []}
            else:
                raise ValueError("%s:%d: want 'PKG clean' or 'PKG leaks N'" % (path, n))
    return exp


def matches(exp, got):
    """Every required group, optional ones or not, nothing else; the total
    count when every optional group is there."""
    rest = list(got["groups"])
    for g in exp["groups"]:
        if g not in rest:
            return False
        rest.remove(g)
    for g in exp["optional"]:
        if g in rest:
            rest.remove(g)
    if rest:
        return False
    if len(got["groups"]) == len(exp["groups"]) + len(exp["optional"]):
        return got["leaked"] == exp["leaked"]
    return True


def verdict_of(report):
    groups = []
    for l in report.get("leaks", []):
        fn = (l.get("blocked_at") or {}).get("function") or "?"
        groups.append((l.get("category") or "?", fn, l.get("test") or "?"))
    return {"leaked": report["summary"]["leaked_goroutines"], "groups": groups}


def short(v):
    if not v["leaked"]:
        return "clean"
    return "%d leak%s" % (v["leaked"], "" if v["leaked"] == 1 else "s")


def main():
    suites_path, results_path, outdir, expected_path = sys.argv[1:5]
    try:
        expected = read_expected(expected_path)
    except (OSError, ValueError) as e:
        print("accept_debian: %s" % e, file=sys.stderr)
        return 2
    deb_of = {}
    with open(suites_path) as f:
        for line in f:
            parts = line.split()
            for p in parts[1:]:
                deb_of[p] = parts[0]
    runs = {}
    order = []
    with open(results_path) as f:
        for line in f:
            parts = line.split()
            if parts[0] not in runs:
                runs[parts[0]] = {}
                order.append(parts[0])
            if parts[1] == "build-failed":
                runs[parts[0]]["build"] = False
            else:
                runs[parts[0]][parts[1]] = (int(parts[2]), int(parts[3]))

    rows, notes, status = [], [], 0
    for pkg in order:
        r = runs[pkg]
        n = pkg.replace("/", "_")
        deb = deb_of.get(pkg, "?").replace("golang-", "", 1).replace("-dev", "")
        if r.get("build") is False:
            rows.append((deb, pkg, "-", "BUILD FAILED", "-", "-", "SETUP"))
            status = max(status, 2)
            continue
        plain = tests_of(os.path.join(outdir, n + ".plain.log"))
        gl = tests_of(os.path.join(outdir, n + ".goleash.log"))
        ok_p = sum(1 for v in plain.values() if v != "FAIL")
        ok_g = sum(1 for v in gl.values() if v != "FAIL")
        tests = "%d/%d | %d/%d" % (ok_p, len(plain), ok_g, len(gl))
        only = sorted(t for t, v in gl.items() if v == "FAIL" and plain.get(t) != "FAIL")
        if only:
            notes.append("%s: failed only under goleash: %s" % (pkg, ", ".join(only)))
        rc_g, ms_g = r.get("goleash", (-1, 0))
        rc_p, ms_p = r.get("plain", (-1, 0))
        times = "%.1fs | %.1fs" % (ms_p / 1000.0, ms_g / 1000.0)
        report = None
        try:
            with open(os.path.join(outdir, n + ".json")) as f:
                report = json.load(f)
        except (OSError, ValueError):
            pass
        if report is None or rc_g not in (0, 1):
            rows.append((deb, pkg, tests, "GOLEASH ERROR (exit %d)" % rc_g, times, "", "FAIL"))
            notes.append("%s: goleash run exited %d%s (see %s.goleash.log)"
                         % (pkg, rc_g, "" if report else ", no JSON report", n))
            status = max(status, 1)
            continue
        got = verdict_of(report)
        for w in report.get("warnings", []):
            notes.append("%s: warning: %s" % (pkg, w))
        exp = expected.get(pkg)
        if exp is None:
            match = "NEW"
            status = max(status, 1)
        elif matches(exp, got):
            match = "ok"
        else:
            match = "MISMATCH"
            status = max(status, 1)
        if match != "ok":
            notes.append("%s: expected %s, got %s: %s" % (
                pkg, short(exp) if exp else "nothing", short(got),
                "; ".join(" ".join(g) for g in got["groups"]) or "no groups"))
        leakcol = ", ".join(sorted({g[2] for g in got["groups"]}))
        rows.append((deb, pkg, tests, short(got), times, leakcol, match))
    missing = sorted(set(expected) - set(order))
    head = ("suite", "package", "tests ok (plain | goleash)", "verdict", "time (plain | goleash)",
            "leaking tests", "expected")
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]
    for row in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    for n in notes:
        print("note: " + n)
    if missing and not os.environ.get("ACCEPT_PARTIAL"):
        print("note: not run: " + ", ".join(missing))
    print("%d package(s), %d as expected" % (len(rows), sum(1 for r in rows if r[-1] == "ok")))
    return status


if __name__ == "__main__":
    sys.exit(main())
