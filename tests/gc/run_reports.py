#!/usr/bin/env python3
"""The pprof and HTML reports end to end, on a leaky program built with gc
(tests/e2e/progs/leak_two_sites.go: 5 goroutines blocked in
main.sendResult at line 25, 3 in main.waitJob at line 19, all started by
main.main) run under `goleash run`.

  --mode pprof: `goleash run --pprof FILE`, then `go tool pprof` -top,
      -lines, -traces, -tags and -raw must show exactly those functions,
      counts, file:line and labels; goleash reads its own profile back;
      --format pprof without -o is refused. A goleash dump with park times
      (tests/unit/analyzer/data/leaky.dump) gives blocked_for labels in
      nanoseconds.
  --mode html: `goleash run --html FILE`: one page without any URL, with
      the leak sites and both graphs as inline SVG; the odd names of
      odd_names.dump escaped; then headless Chromium renders it (--dump-dom
      and a screenshot, SCREENSHOT, checked non-trivial). Without chromium
      everything else is checked and the test says so loudly and exits 77.

  run_reports.py --mode pprof|html --goleash G --go GO --src PROG.go
                 --data DIR --work DIR [--chromium PATH] [--screenshot PNG]
"""
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

SEND_LINE, RECV_LINE = 25, 19


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(argv, **kw):
    print("$", " ".join(argv))
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def env():
    e = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("GOLEASH_")}
    e.update({"GOTOOLCHAIN": "local", "GOFLAGS": "", "LC_ALL": "C", "GITHUB_ACTIONS": ""})
    return e


def build(args):
    exe = os.path.join(args.work, "leak_two_sites")
    p = run([args.go, "build", "-o", exe, os.path.abspath(args.src)], env=env(), cwd=args.work)
    check(p.returncode == 0, "go build: %s" % p.stderr)
    return exe


def goleash_run(args, exe, *opts):
    p = run([args.goleash, "run"] + list(opts) + ["--", exe], env=env(), cwd=args.work)
    check(p.returncode == 1, "goleash run exit %d (want 1: leaks):\n%s" % (p.returncode, p.stderr))
    return p


def pprof(args, flags, profile):
    p = run([args.go, "tool", "pprof"] + flags + [profile], env=env(), cwd=args.work)
    check(p.returncode == 0, "go tool pprof %s: exit %d\n%s" % (" ".join(flags), p.returncode, p.stderr))
    return p.stdout


def check_top(args, profile):
    top = pprof(args, ["-top"], profile)
    check("Type: goroutine" in top, "-top: no 'Type: goroutine':\n" + top)
    check("Showing nodes accounting for 8, 100% of 8 total" in top, "-top: not 8 goroutines:\n" + top)
    rows = {}
    for line in top.splitlines():
        m = re.match(r"\s*(\d+)\s+\S+%\s+\S+%\s+(\d+)\s+\S+%\s+(\S+)$", line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    check(rows.get("main.sendResult") == (0, 5), "-top main.sendResult %r" % (rows.get("main.sendResult"),))
    check(rows.get("main.waitJob") == (0, 3), "-top main.waitJob %r" % (rows.get("main.waitJob"),))
    check(rows.get("runtime.gopark") == (8, 8), "-top runtime.gopark %r" % (rows.get("runtime.gopark"),))
    check(not any(f.startswith("main.") and f not in ("main.sendResult", "main.waitJob") for f in rows),
          "-top: other main functions %r" % sorted(rows))
    lines = pprof(args, ["-top", "-lines"], profile)
    for fn, line, n in (("main.sendResult", SEND_LINE, 5), ("main.waitJob", RECV_LINE, 3)):
        want = r"\s%d\s+\S+%%\s+%s \S*leak_two_sites\.go:%d$" % (n, re.escape(fn), line)
        check(any(re.search(want, l) for l in lines.splitlines()), "-top -lines: no %s:%d\n%s" % (fn, line, lines))


def traces(args, profile):
    """[(count, [functions innermost first], {label: value})] of -traces."""
    out = pprof(args, ["-traces"], profile)
    samples = []
    for block in out.split("-----------+-------------------------------------------------------")[1:]:
        labels, frames, count = {}, [], None
        for line in block.splitlines():
            m = re.match(r"\s*(\w+):\s+(.*)$", line)
            if m and count is None:
                labels[m.group(1)] = m.group(2).strip()
                continue
            m = re.match(r"\s+(\d+)\s+(\S+)$", line)
            if m:
                count = int(m.group(1))
                frames.append(m.group(2))
            elif line.strip() and count is not None:
                frames.append(line.strip())
        if count is not None:
            samples.append((count, frames, labels))
    return samples


def check_traces(args, profile):
    samples = traces(args, profile)
    check(len(samples) == 2, "-traces: %d samples, want 2 (one per group): %r" % (len(samples), samples))
    want = [(5, "main.sendResult", "chan-send", "chan send"), (3, "main.waitJob", "chan-receive", "chan receive")]
    for (count, frames, labels), (n, fn, cat, reason) in zip(samples, want):
        check(count == n, "-traces count %d, want %d" % (count, n))
        check(frames[0] == "runtime.gopark" and frames[-1] == fn, "-traces frames %r" % frames)
        check(labels == {"category": cat, "wait_reason": reason, "created_by": "main.main"},
              "-traces labels %r" % labels)
    tags = pprof(args, ["-tags"], profile)
    for want in (r"category: Total 8 of 8", r"5 \(62\.50%\): chan-send", r"3 \(37\.50%\): chan-receive",
                 r"created_by: Total 8 of 8", r"8 \(  100%\): main\.main", r"wait_reason: Total 8 of 8"):
        check(re.search(want, tags), "-tags: no %r:\n%s" % (want, tags))
    check("blocked_for" not in tags, "-tags: gc gives no park time, yet blocked_for:\n" + tags)


def check_readback(args, profile):
    """goleash reads its own profile: the same two groups."""
    p = run([args.goleash, "report", "--format", "json", profile], env=env())
    check(p.returncode == 1, "report on the profile: exit %d\n%s" % (p.returncode, p.stderr))
    doc = json.loads(p.stdout)
    got = [(l["count"], l["blocked_at"]["function"], l["blocked_at"]["line"]) for l in doc["leaks"]]
    check(got == [(5, "main.sendResult", SEND_LINE), (3, "main.waitJob", RECV_LINE)], "read back: %r" % got)


def check_refusals(args, exe):
    dump = os.path.join(args.data, "leaky.dump")
    msg = "--format pprof writes a binary file: give -o FILE (or --pprof FILE)"
    p = run([args.goleash, "report", "--format", "pprof", dump], env=env())
    check(p.returncode == 2 and p.stdout == "" and p.stderr == "goleash: report: " + msg + "\n",
          "report --format pprof without -o: %d %r %r" % (p.returncode, p.stdout, p.stderr))
    p = run([args.goleash, "run", "--format", "pprof", "--", exe], env=env())
    check(p.returncode == 2 and p.stderr.startswith("goleash: run: --format pprof would mix"),
          "run --format pprof without -o: %d %r" % (p.returncode, p.stderr))
    p = run([args.goleash, "diff", "--format", "html", dump, dump], env=env())
    check(p.returncode == 2 and "diff: --format is text or json" in p.stderr,
          "diff --format html: %d %r" % (p.returncode, p.stderr))


def check_park_times(args):
    """A goleash dump knows how long each goroutine was parked."""
    out = os.path.join(args.work, "leaky.pb.gz")
    p = run([args.goleash, "report", "--format", "pprof", "-o", out, os.path.join(args.data, "leaky.dump")],
            env=env())
    check(p.returncode == 1 and p.stdout == "", "report --format pprof -o: %d %r" % (p.returncode, p.stdout))
    raw = pprof(args, ["-raw"], out)
    check("PeriodType: goroutine count" in raw and "Period: 1" in raw, "-raw period:\n" + raw)
    for want in ("blocked_for:[1200000000 nanoseconds] blocked_for_max:[1500000000 nanoseconds]",
                 "blocked_for:[1000000000 nanoseconds] blocked_for_max:[1000000000 nanoseconds]"):
        check(want in raw, "-raw: no %r:\n%s" % (want, raw))


def mode_pprof(args):
    exe = build(args)
    profile = os.path.join(args.work, "out", "%b.pb.gz")
    goleash_run(args, exe, "--pprof", profile)
    profile = profile.replace("%b", "leak_two_sites")
    with open(profile, "rb") as f:
        check(f.read(2) == b"\x1f\x8b", "the profile is not gzip'd")
    with gzip.open(profile) as f:
        check(len(f.read()) > 100, "empty profile")
    check_top(args, profile)
    check_traces(args, profile)
    check_readback(args, profile)
    check_refusals(args, exe)
    check_park_times(args)
    print("PASS")


def no_urls(page, what):
    """Nothing a browser could fetch: no URL, no src, only in-page links."""
    check("://" not in page, "%s: a URL: %r" % (what, page[max(0, page.find("://") - 60):page.find("://") + 60]))
    check(not re.search(r"\ssrc\s*=", page), what + ": a src attribute")
    for m in re.finditer(r"\s(?:xlink:)?href\s*=\s*\"([^\"]*)\"", page):
        check(m.group(1).startswith("#"), "%s: href %r" % (what, m.group(1)))
    check("<script" not in page and "@import" not in page and "url(" not in page, what + ": script or CSS import")
    check("default-src 'none'" in page, what + ": no Content-Security-Policy")


def check_page(page, src):
    no_urls(page, "html")
    check("<h2 id=\"creation-tree\">" in page and "<h2 id=\"wait-for\">" in page, "graph sections")
    for gid in ("creation-tree-svg", "wait-for-svg"):
        m = re.search(r'<div class="graph" id="%s">\s*<svg .*?</svg>' % gid, page, re.S)
        check(m, "no inline SVG for " + gid)
        svg = m.group(0)
        check(svg.count('class="node"') >= 3, "%s: %d nodes" % (gid, svg.count('class="node"')))
    tree = re.search(r'id="creation-tree-svg">.*?</svg>', page, re.S).group(0)
    for want in ("goroutine 1", "runtime.main", "5 leaked goroutines (group 1)", "3 leaked goroutines (group 2)",
                 "leak_two_sites.go:%d" % SEND_LINE, "leak_two_sites.go:%d" % RECV_LINE):
        check(want in tree, "creation tree: no %r" % want)
    wait = re.search(r'id="wait-for-svg">.*?</svg>', page, re.S).group(0)
    check(wait.count("waits on") == 2 and wait.count("channel 0x") == 2, "wait-for: two groups on two channels")
    check(wait.count("no other goroutine") == 2, "wait-for: each channel referenced by nobody else")
    path = os.path.abspath(src)
    for fn, line, n in (("main.sendResult", SEND_LINE, 5), ("main.waitJob", RECV_LINE, 3)):
        site = '<li class="frame site"><code class="fn">%s</code> <span class="loc">%s:%d</span></li>' % (fn, path, line)
        check(site in page, "no blocking frame %r" % site)
        check(re.search(r'<summary><span class="count">%d</span> Leak of %d goroutine\(s\)' % (n, n), page),
              "no group of %d" % n)
    check(page.count('<details class="group"') == 2, "two group sections")
    check("8 leaked goroutine(s) in 2 group(s)" in page, "summary")


def check_escaping(args):
    out = os.path.join(args.work, "odd.html")
    p = run([args.goleash, "report", "--format", "html", "-o", out, os.path.join(args.data, "odd_names.dump")],
            env=env())
    check(p.returncode == 1, "report --format html: exit %d %s" % (p.returncode, p.stderr))
    raw = open(out, "rb").read()
    page = raw.decode("utf-8")  # valid UTF-8: the \xff of the dump became '?'
    check(b"\x01" not in raw and b"\r" not in raw, "control characters kept")
    no_urls(page, "odd.html")
    check('w<&>' not in page and "odd&prog" not in page, "unescaped markup from the dump")
    check('main.(*T[&quot;a&quot;]).w&lt;&amp;&gt;&#13;?&apos;x' in page, "escaped name in the stacks")
    check('main.(*T[&quot;a&quot;]).w&lt;&amp;&gt;?&#39;x' in page, "escaped name in the graphs")
    check("<title>goleash: odd&amp;prog</title>" in page, "escaped title")


def chromium(args, html_path):
    shot = os.path.abspath(args.screenshot)
    os.makedirs(os.path.dirname(shot), exist_ok=True)
    if os.path.exists(shot):
        os.unlink(shot)
    base = [args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--log-level=0",
            "--user-data-dir=" + os.path.join(args.work, "chromium-profile"), "--window-size=1280,2000"]
    url = "file://" + os.path.abspath(html_path)
    p = run(base + ["--dump-dom", url])
    check(p.returncode == 0, "chromium --dump-dom: exit %d\n%s" % (p.returncode, p.stderr[-2000:]))
    dom = p.stdout
    check(dom.count("<svg") == 2, "rendered DOM: %d <svg>" % dom.count("<svg"))
    for want in ("Creation tree", "Wait-for graph", "main.sendResult", "5 leaked goroutines (group 1)"):
        check(want in dom, "rendered DOM: no %r" % want)
    # Console messages (log level 0): a blocked fetch is a Content Security
    # Policy violation there, a script error "Uncaught".
    check("INFO:CONSOLE" not in p.stderr or "violates" not in p.stderr, "chromium console:\n" + p.stderr[-2000:])
    for bad in ("Content Security Policy", "Refused to", "Uncaught", "net::ERR"):
        check(bad not in p.stderr, "chromium says %r:\n%s" % (bad, p.stderr[-2000:]))
    p = run(base + ["--screenshot=" + shot, url])
    check(p.returncode == 0 and os.path.exists(shot), "chromium --screenshot: exit %d\n%s" % (p.returncode, p.stderr[-2000:]))
    with open(shot, "rb") as f:
        png = f.read()
    check(png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG")
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    check((w, h) == (1280, 2000), "screenshot %dx%d" % (w, h))
    # A blank 1280x2000 page compresses to a few kB; text and two graphs do not.
    check(len(png) > 50000, "screenshot of %d bytes: blank?" % len(png))
    print("screenshot:", shot)


def mode_html(args):
    exe = build(args)
    out = os.path.join(args.work, "out", "%b.html")
    goleash_run(args, exe, "--html", out)
    out = out.replace("%b", "leak_two_sites")
    with open(out, encoding="utf-8") as f:
        page = f.read()
    check_page(page, args.src)
    check_escaping(args)
    if not args.chromium:
        print("=" * 70)
        print("SKIPPED: chromium is not installed: the HTML page was NOT rendered in a browser")
        print("(scripts/bootstrap.sh installs it: apt-get install chromium)")
        print("=" * 70)
        sys.exit(77)
    chromium(args, out)
    print("PASS")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["pprof", "html"], required=True)
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--chromium", default="")
    ap.add_argument("--screenshot", default="")
    args = ap.parse_args()
    for a in ("goleash", "src", "data", "screenshot"):
        if getattr(args, a):
            setattr(args, a, os.path.abspath(getattr(args, a)))
    args.work = os.path.join(os.path.abspath(args.work), "reports-" + args.mode)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    mode_pprof(args) if args.mode == "pprof" else mode_html(args)


if __name__ == "__main__":
    main()
