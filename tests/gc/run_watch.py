#!/usr/bin/env python3
"""`goleash watch` end to end on a real gc service (watchsvc/main.go:
net/http/pprof on an ephemeral loopback port; /leak leaks a goroutine per
request, /ok spawns one that ends; -noisy adds bursts of short-lived
blocked goroutines). Standard library only, plus Debian's prometheus and
promtool for the metrics part.

  run_watch.py --goleash PATH --go PATH [--gotoolchain goX.Y.Z] --work DIR
               [--prometheus PATH --promtool PATH]

Between two samples the test sends a fixed load: 2 requests to /leak and
5 to /ok (it reads each sample's line, then sends them; the interval is
far longer than the requests take). Asserted:
  1. url: `watch --once --format json URL` (debug=2) after 3 leaks: six
     samples, the leaky site's count 3, 5, ..., 13; growing only at sample
     6 and only main.leakyWorker at the line of `reply <- 1 // leaks`,
     created by main.leakHandler; the verdict line names it; /ok's
     carefulWorker in no line; exit 1;
  2. pid: the same with `watch --once PID` (the gc snapshot), text lines:
     sample 6's line exactly `..., growing: main.leakyWorker at main.go:N
     (+2/sample, 3→13)`; exit 1;
  2b. dir: six debug=2 pulls saved into a directory (one per load step,
     plus a hidden .partial file that must be skipped): `watch --once DIR`
     takes them in name order and names the same site at sample 6, exit 1;
  3. noisy: the -noisy service (no leak) under /ok load: `watch --once`
     exits 0 with the verdict `no site grew over 6 samples`; then a long
     continuous run (--samples-long samples, 100ms apart, ended by
     SIGTERM: exit 0) where no sample names any growing site: the false
     alarms counted over every (site, sample) judged, printed, and must
     be 0;
  4. prometheus: `watch --listen 127.0.0.1:0 --textfile DIR URL` scraped
     every second by a real Prometheus on its own loopback port and
     storage directory: /api/v1/query?query=goleash_goroutines returns the
     leaky site's series (category chan-send) within 60 s, and
     goleash_suspects for it reaches 1; no series names carefulWorker;
     /metrics itself passes `promtool check metrics`, answers OpenMetrics
     (ending in # EOF) when asked, 404 elsewhere; DIR/goleash.prom passes
     promtool and holds the leaky site's goroutines line.
Exit: 0 ok, 1 failed, 2 could not build, 77 no go."""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


SAMPLES = 6
INTERVAL = "300ms"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def env():
    return {k: v for k, v in os.environ.items() if k not in PROXY_VARS}


def get(url, headers=None, timeout=10):
    req = urllib.request.Request(url, headers=headers or {})
    with DIRECT.open(req, timeout=timeout) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


def build(args, tmp):
    mod = os.path.join(tmp, "watchsvc")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "watchsvc"), mod)
    e = dict(os.environ, GOTOOLCHAIN=args.gotoolchain or "local", GOFLAGS="-mod=mod", GOWORK="off",
             GOCACHE=os.path.join(args.work, "watch-gocache"))
    exe = os.path.join(tmp, "watchsvc.bin")
    p = subprocess.run([args.go, "build", "-o", exe, "."], cwd=mod, env=e, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout + p.stderr)
        raise SystemExit(2)
    return exe, os.path.join(mod, "main.go")


def line_of(src, text):
    with open(src) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    raise Failure("no %r in %s" % (text, src))


class Service:
    def __init__(self, exe, *flags):
        self.p = subprocess.Popen([exe] + list(flags), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.port = int(self.p.stdout.readline().split()[1])
        self.base = "http://127.0.0.1:%d" % self.port

    def hit(self, path, times):
        for _ in range(times):
            get(self.base + path)

    def load(self):
        """The fixed load between two samples."""
        self.hit("/leak", 2)
        self.hit("/ok", 5)

    def stop(self):
        try:
            get(self.base + "/quit", timeout=2)
        except Exception:
            pass
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def watch(args, argv, on_sample, deadline=60, stop_after=None):
    """Runs goleash watch ARGV; calls on_sample(line) for every stdout
    line that is a sample; with stop_after, SIGTERM after that many
    samples. Returns (exit status, stdout lines, stderr)."""
    p = subprocess.Popen([args.goleash, "watch"] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env())
    lines, samples, t_end = [], 0, time.monotonic() + deadline
    try:
        for line in p.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("sample ") or line.startswith('{"sample"'):
                samples += 1
                if stop_after is not None and samples >= stop_after:
                    p.send_signal(signal.SIGTERM)
                else:
                    on_sample(line)
            check(time.monotonic() < t_end, "watch %s: still running after %ds" % (argv, deadline))
        rc = p.wait(timeout=max(1, t_end - time.monotonic()))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return rc, lines, p.stderr.read()


def leaky_label(src):
    return "main.leakyWorker at main.go:%d" % line_of(src, "reply <- 1 // leaks")


def url_once(args, exe, src):
    svc = Service(exe)
    try:
        svc.hit("/leak", 3)
        svc.hit("/ok", 3)
        url = svc.base + "/debug/pprof/goroutine?debug=2"
        rc, lines, err = watch(args, ["--once", "--interval", INTERVAL, "--format", "json", url],
                               lambda line: svc.load())
    finally:
        svc.stop()
    label = leaky_label(src)
    check(rc == 1, "url --once: exit %d, want 1\n%s" % (rc, err))
    check(all("carefulWorker" not in l and "okHandler" not in l for l in lines),
          "url --once: /ok's goroutines in the output:\n%s" % "\n".join(lines))
    objs = [json.loads(l) for l in lines]
    samples, verdict = objs[:-1], objs[-1]
    check(len(samples) == SAMPLES, "url --once: %d samples, want %d" % (len(samples), SAMPLES))
    for i, s in enumerate(samples, 1):
        check(s["sample"] == i and s["source"] == url, "url --once: sample %d is %r" % (i, s))
        site = [x for x in s["sites"] if x["site"] == label]
        check(len(site) == 1 and site[0]["count"] == 3 + 2 * (i - 1),
              "url --once: sample %d: %s's count %r, want %d" % (i, label, site, 3 + 2 * (i - 1)))
        check(site[0]["category"] == "chan-send" and site[0]["created_by"].startswith("main.leakHandler at main.go:"),
              "url --once: sample %d: %r" % (i, site[0]))
        want = [label] if i == SAMPLES else []
        check(s["growing"] == want, "url --once: sample %d growing %r, want %r" % (i, s["growing"], want))
    check(verdict == {"verdict": "growing", "samples": SAMPLES, "growing": [label]},
          "url --once: verdict %r" % verdict)
    print("ok: url --once: %s grew 3->13 and was named at sample %d; exit 1" % (label, SAMPLES))


def pid_once(args, exe, src):
    svc = Service(exe)
    try:
        svc.hit("/leak", 3)
        svc.hit("/ok", 3)
        rc, lines, err = watch(args, ["--once", "--interval", INTERVAL, str(svc.p.pid)], lambda line: svc.load())
    finally:
        svc.stop()
    label = leaky_label(src)
    check(rc == 1, "pid --once: exit %d, want 1\n%s" % (rc, err))
    check(all("carefulWorker" not in l for l in lines), "pid --once: /ok's worker named:\n%s" % "\n".join(lines))
    check(len(lines) == SAMPLES + 1, "pid --once: %d lines, want %d:\n%s" % (len(lines), SAMPLES + 1,
                                                                            "\n".join(lines)))
    for i, line in enumerate(lines[:-1], 1):
        m = re.match(r"sample (\d+): (\d+) goroutines, (\d+) blocked at 1 site, growing: (.*)$", line)
        check(m and int(m.group(1)) == i and int(m.group(3)) == 3 + 2 * (i - 1),
              "pid --once: line %d %r, want %d blocked at 1 site" % (i, line, 3 + 2 * (i - 1)))
        want = "%s (+2/sample, 3\u219213)" % label if i == SAMPLES else "none"
        check(m.group(4) == want, "pid --once: line %d growing %r, want %r" % (i, m.group(4), want))
    check(lines[-1] == "goleash: watch: growing within %d samples: %s (+2/sample, 3\u219213)" % (SAMPLES, label),
          "pid --once: verdict %r" % lines[-1])
    print("ok: pid --once: %s (+2/sample, 3->13) at sample %d; exit 1" % (label, SAMPLES))


def dir_once(args, exe, src, tmp):
    d = os.path.join(tmp, "dumps")
    os.mkdir(d)
    svc = Service(exe)
    try:
        svc.hit("/leak", 3)
        for i in range(SAMPLES):
            _, _, body = get(svc.base + "/debug/pprof/goroutine?debug=2")
            with open(os.path.join(d, "pull-%02d.txt" % i), "w") as f:
                f.write(body)
            svc.load()
    finally:
        svc.stop()
    with open(os.path.join(d, ".partial"), "w") as f:
        f.write("half a dump")
    rc, lines, err = watch(args, ["--once", "--interval", "50ms", d], lambda line: None)
    label = leaky_label(src)
    check(rc == 1 and len(lines) == SAMPLES + 1, "dir --once: exit %d, %r\n%s" % (rc, lines, err))
    check(lines[-1] == "goleash: watch: growing within %d samples: %s (+2/sample, 3\u219213)" % (SAMPLES, label),
          "dir --once: %r" % lines)
    print("ok: dir --once: %d files in name order, %s named at sample %d; exit 1" % (SAMPLES, label, SAMPLES))


def noisy(args, exe):
    svc = Service(exe, "-noisy")
    try:
        url = svc.base + "/debug/pprof/goroutine?debug=2"
        rc, lines, err = watch(args, ["--once", "--interval", INTERVAL, url], lambda line: svc.hit("/ok", 5))
        check(rc == 0, "noisy --once: exit %d, want 0\n%s\n%s" % (rc, "\n".join(lines), err))
        check(lines[-1] == "goleash: watch: no site grew over %d samples" % SAMPLES and len(lines) == SAMPLES + 1,
              "noisy --once: %r" % lines)
        n = args.samples_long
        rc, lines, err = watch(args, ["--interval", "100ms", "--format", "json", url], lambda line: svc.hit("/ok", 5),
                               deadline=n // 2 + 60, stop_after=n)
    finally:
        svc.stop()
    check(rc == 0, "noisy: exit %d after SIGTERM, want 0\n%s" % (rc, err))
    samples = [json.loads(l) for l in lines]
    check(len(samples) >= n, "noisy: %d samples, want %d" % (len(samples), n))
    judged = sum(len(s["sites"]) for s in samples[SAMPLES - 1:])
    alarms = [(s["sample"], s["growing"]) for s in samples if s["growing"]]
    counts = [sum(x["count"] for x in s["sites"]) for s in samples]
    print("noisy: %d samples, %d site-samples judged, blocked goroutines %d..%d, false alarms: %d" %
          (len(samples), judged, min(counts), max(counts), len(alarms)))
    check(max(counts) - min(counts) >= 20, "noisy: the service was not noisy: %r" % counts)
    check(not alarms, "noisy: false alarms %r" % alarms)
    print("ok: noisy: no growth alarm (--once exit 0; %d samples continuous)" % len(samples))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def promtool_ok(args, text, what):
    p = subprocess.run([args.promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    check(p.returncode == 0, "%s: promtool check metrics: exit %d\n%s%s\n%s" % (what, p.returncode, p.stdout,
                                                                             p.stderr, text))


def query(prom, q):
    _, _, body = get(prom + "/api/v1/query?" + urllib.parse.urlencode({"query": q}))
    r = json.loads(body)
    check(r["status"] == "success", "prometheus: %s: %r" % (q, r))
    return r["data"]["result"]


def start_prometheus(args, tmp, target):
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                "scrape_configs:\n  - job_name: goleash\n    static_configs:\n      - targets: ['%s']\n" % target)
    port = free_port()
    log = open(os.path.join(tmp, "prometheus.log"), "w")
    p = subprocess.Popen([args.prometheus, "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
                          "--web.listen-address=127.0.0.1:%d" % port], stdout=log, stderr=subprocess.STDOUT,
                         env=env())
    return p, "http://127.0.0.1:%d" % port


def wait_for(what, deadline, probe):
    """Polls probe() (None: not yet) every 250ms until deadline seconds."""
    end = time.monotonic() + deadline
    while True:
        try:
            v = probe()
        except (urllib.error.URLError, ConnectionError, OSError):
            v = None
        if v is not None:
            return v
        check(time.monotonic() < end, "%s: not within %ds" % (what, deadline))
        time.sleep(0.25)


def scrape_checks(args, port, label):
    base = "http://127.0.0.1:%d" % port
    status, ctype, text = get(base + "/metrics")
    check(status == 200 and ctype.startswith("text/plain; version=0.0.4"), "/metrics: %d %s" % (status, ctype))
    promtool_ok(args, text, "/metrics")
    for family in ("goleash_goroutines", "goleash_suspects", "goleash_site_growth_per_sample",
                   "goleash_sample_age_seconds", "goleash_scrape_errors_total"):
        check("# HELP %s " % family in text and "# TYPE %s " % family in text, "/metrics: no %s:\n%s" % (family, text))
    status, ctype, om = get(base + "/metrics", {"Accept": "application/openmetrics-text; version=1.0.0"})
    check(ctype.startswith("application/openmetrics-text") and om.endswith("# EOF\n"),
          "/metrics as OpenMetrics: %s\n%s" % (ctype, om))
    try:
        get(base + "/nothing")
        raise Failure("/nothing: answered 200")
    except urllib.error.HTTPError as e:
        check(e.code == 404, "/nothing: HTTP %d, want 404" % e.code)


def prometheus(args, exe, src, tmp):
    label = leaky_label(src)
    svc = Service(exe)
    textdir = os.path.join(tmp, "textfile")
    os.mkdir(textdir)
    url = svc.base + "/debug/pprof/goroutine?debug=2"
    w = subprocess.Popen([args.goleash, "watch", "--interval", INTERVAL, "--listen", "127.0.0.1:0",
                          "--textfile", textdir, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env())
    prom = None
    try:
        first = w.stderr.readline()
        m = re.match(r"goleash: watch: metrics on port (\d+) at /metrics$", first)
        check(m, "watch --listen: stderr %r" % first)
        port = int(m.group(1))
        prom, prom_url = start_prometheus(args, tmp, "127.0.0.1:%d" % port)
        # The fixed load after each sample, while Prometheus scrapes.
        def series():
            line = w.stdout.readline()
            check(line.startswith("sample "), "watch: %r" % line)
            svc.load()
            got = query(prom_url, "goleash_goroutines")
            mine = [r for r in got if r["metric"].get("site") == label]
            check(all("carefulWorker" not in r["metric"].get("site", "") for r in got), "prometheus: %r" % got)
            if not mine or not query(prom_url, 'goleash_suspects{site="%s"} == 1' % label):
                return None
            return mine
        mine = wait_for("prometheus: goleash_goroutines{site=%r} and goleash_suspects 1" % label, 60, series)
        check(mine[0]["metric"]["category"] == "chan-send" and mine[0]["metric"]["job"] == "goleash",
              "prometheus: %r" % mine)
        print("ok: prometheus: goleash_goroutines{site=%r,category=chan-send} = %s; goleash_suspects 1" %
              (label, mine[0]["value"][1]))
        scrape_checks(args, port, label)
        with open(os.path.join(textdir, "goleash.prom")) as f:
            text = f.read()
        promtool_ok(args, text, "textfile")
        check(re.search(r'^goleash_goroutines\{site="%s",category="chan-send"\} \d+$' % re.escape(label), text, re.M),
              "textfile: no line for %s:\n%s" % (label, text))
        check(sorted(os.listdir(textdir)) == ["goleash.prom"], "textfile: %r" % os.listdir(textdir))
        print("ok: /metrics and --textfile pass promtool check metrics")
    finally:
        if prom:
            prom.terminate()
            prom.wait(timeout=30)
        w.send_signal(signal.SIGTERM)
        try:
            rc = w.wait(timeout=10)
        except subprocess.TimeoutExpired:
            w.kill()
            rc = w.wait()
        svc.stop()
    check(rc == 0, "watch --listen: exit %d after SIGTERM, want 0" % rc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--gotoolchain")
    ap.add_argument("--work", required=True)
    ap.add_argument("--prometheus", default="/usr/bin/prometheus")
    ap.add_argument("--promtool", default="/usr/bin/promtool")
    ap.add_argument("--samples-long", type=int, default=150)
    ap.add_argument("--only", help="one part: url, pid, dir, noisy, prometheus")
    args = ap.parse_args()
    if not os.path.exists(args.go):
        print("no go at %s" % args.go)
        return 77
    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="watch-", dir=args.work)
    try:
        exe, src = build(args, tmp)
        parts = {"url": lambda: url_once(args, exe, src), "pid": lambda: pid_once(args, exe, src),
                 "dir": lambda: dir_once(args, exe, src, tmp),
                 "noisy": lambda: noisy(args, exe), "prometheus": lambda: prometheus(args, exe, src, tmp)}
        for name, part in parts.items():
            if args.only and name != args.only:
                continue
            if name == "prometheus" and not (os.path.exists(args.prometheus) and os.path.exists(args.promtool)):
                raise Failure("no %s or %s (scripts/bootstrap.sh installs Debian's prometheus)" %
                              (args.prometheus, args.promtool))
            part()
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
