#!/usr/bin/env python3
"""`goleash report URL` and `goleash diff` with URLs (python3 standard
library only).

  run_urls.py service --goleash PATH --go PATH [--gotoolchain goX.Y.Z] --work DIR
  run_urls.py errors --goleash PATH --data DIR

service: a real gc service (pprofsvc/main.go: net/http/pprof, /leak leaks a
  goroutine per request, /ok does not) on an ephemeral loopback port.
  1. after 5 requests to each handler, `goleash report --format json URL`
     on /debug/pprof/goroutine?debug=2, ?debug=1 and the binary (gzip'd)
     profile: exactly one group, 5 goroutines blocked in main.leakyWorker at
     the line of `reply <- 1 // leaks`, its category as each format tells
     it; /ok's worker nowhere in the output; exit 1;
  2. Go 1.26+ (1.26 built with GOEXPERIMENT=goroutineleakprofile):
     /debug/pprof/goroutineleak?debug=1 and its binary form, the same group;
  3. `goleash diff FILE URL`, FILE the debug=2 pull saved before 3 more
     requests to /leak: that group +3 (5 -> 8), exit 1; the JSON diff names
     the URL as the AFTER side;
  4. `goleash diff URL URL` pulled at once: growth 0, exit 0. (This
     script's own requests wait for the service to close their connection,
     and goleash pulls twice over one kept connection: no request's teardown
     is in flight in a snapshot, so the service's own goroutines are never
     in a group.)
errors: small Python servers, no Go.
  nothing listening, a server that accepts and never answers (--timeout 1s:
  exit 2 within 3 s), HTTP 500 with a reason, garbage text and garbage bytes
  with 200: each exit 2 and exactly one line `goleash: URL: ...`;
  --header (repeated) and --bearer-token-file arrive at the server (which
  refuses without them: HTTP 401, exit 2), a redirect is followed, a gzip'd
  body is inflated, both pulls of `diff URL URL` go over one kept
  connection, http_proxy is used and no_proxy honoured; https to a
  self-signed certificate is refused before any request; bad option values
  are usage errors.
Exit: 0 ok, 1 failed, 2 could not build, 77 no go."""

import argparse
import gzip
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def no_proxies():
    """The environment without proxies: the servers here are on loopback."""
    return {k: v for k, v in os.environ.items() if k not in PROXY_VARS}


def goleash(args, *argv, env=None, timeout=60):
    t0 = time.monotonic()
    p = subprocess.run([args.goleash] + list(argv), capture_output=True, text=True, env=env or no_proxies(),
                       timeout=timeout)
    p.took = time.monotonic() - t0
    return p


def one_error_line(p, prefix, what):
    """exit 2 and stderr exactly one line starting with prefix."""
    lines = p.stderr.splitlines()
    check(p.returncode == 2, "%s: exit %d, want 2\n%s" % (what, p.returncode, p.stderr))
    check(len(lines) == 1 and lines[0].startswith(prefix),
          "%s: stderr %r, want one line starting with %r" % (what, p.stderr, prefix))
    check(p.stdout == "", "%s: stdout %r, want nothing" % (what, p.stdout))
    return lines[0]


# ---- service ---------------------------------------------------------------

def go_version(args, env):
    p = subprocess.run([args.go, "env", "GOVERSION"], env=env, capture_output=True, text=True)
    m = re.match(r"go(\d+)\.(\d+)", p.stdout.strip())
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def build(args, tmp):
    mod = os.path.join(tmp, "pprofsvc")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pprofsvc"), mod)
    env = dict(os.environ, GOTOOLCHAIN=args.gotoolchain or "local", GOFLAGS="-mod=mod", GOWORK="off")
    version = go_version(args, env)
    leakprof = version >= (1, 26)
    if version == (1, 26):
        # An experiment in 1.26; 1.27 has the profile always (and no longer
        # knows the experiment's name).
        env["GOEXPERIMENT"] = "goroutineleakprofile"
    exe = os.path.join(tmp, "pprofsvc.bin")
    p = subprocess.run([args.go, "build", "-o", exe, "."], cwd=mod, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout + p.stderr)
        raise SystemExit(2)
    return exe, os.path.join(mod, "main.go"), leakprof


def line_of(src, text):
    with open(src) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    raise Failure("no %r in %s" % (text, src))


def get(url):
    """GET url over a connection of its own, sent `Connection: close` and
    read until the service closes it: Go's server ends a request (its
    connection's goroutines waiting on their locks included) before it
    closes, so nothing of this request is still in flight in the service's
    next snapshot. (A response read only to its end leaves that teardown
    racing with the next pull: the service's own goroutines, briefly
    waiting in net/http.(*connReader).lock, would be in its groups.)"""
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    with socket.create_connection((u.hostname, u.port), timeout=10) as sock:
        sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, u.netloc)).encode())
        raw = b"".join(iter(lambda: sock.recv(1 << 16), b""))
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    check(lines[0].split()[1] == "200", "GET %s: %s" % (url, lines[0]))
    if any(l.lower() == "transfer-encoding: chunked" for l in lines[1:]):
        out = b""
        while True:
            size, _, body = body.partition(b"\r\n")
            n = int(size.split(b";")[0], 16)
            if n == 0:
                return out
            out, body = out + body[:n], body[n + 2:]
    return body


def hit(port, path, times):
    for _ in range(times):
        get("http://127.0.0.1:%d%s" % (port, path))


def report_groups(args, url, what):
    # --min-park 0: gc's traceback gives park times in minutes, and these
    # goroutines leaked seconds ago.
    p = goleash(args, "report", "--min-park", "0", "--format", "json", url)
    check(p.returncode == 1, "%s: exit %d, want 1\n%s" % (what, p.returncode, p.stderr))
    check("carefulWorker" not in p.stdout and "okHandler" not in p.stdout,
          "%s: /ok's goroutines are in the report:\n%s" % (what, p.stdout))
    r = json.loads(p.stdout)
    return [(g["count"], g["category"], g["blocked_at"]["function"], g["blocked_at"]["file"],
             g["blocked_at"]["line"]) for g in r["leaks"]]


def reports(args, base, src, leakprof):
    line = line_of(src, "reply <- 1 // leaks")
    # debug=1 prints no runtime frames: the channel's direction is unknown.
    cases = [("/debug/pprof/goroutine?debug=2", "chan-send"), ("/debug/pprof/goroutine?debug=1", "chan"),
             ("/debug/pprof/goroutine", "chan-send")]
    if leakprof:
        cases += [("/debug/pprof/goroutineleak?debug=1", "chan"), ("/debug/pprof/goroutineleak", "chan-send")]
    for path, category in cases:
        got = report_groups(args, base + path, path)
        want = [(5, category, "main.leakyWorker", src, line)]
        check(got == want, "%s: groups %s, want %s" % (path, got, want))
        print("ok: report %s: 5 goroutines blocked at main.leakyWorker %s:%d" % (path, os.path.basename(src), line))
    if not leakprof:
        print("note: %s predates the goroutineleak profile: not checked" % args.go)


def diffs(args, base, port, src, tmp):
    url = base + "/debug/pprof/goroutine?debug=2"
    before = os.path.join(tmp, "before.txt")
    with open(before, "wb") as f:
        f.write(get(url))
    hit(port, "/leak", 3)
    p = goleash(args, "diff", "--format", "json", before, url)
    check(p.returncode == 1, "diff FILE URL: exit %d, want 1\n%s" % (p.returncode, p.stderr))
    d = json.loads(p.stdout)
    got = [(g["before"], g["after"], g["growth"], g["grew"], g["blocked_at"]["function"], g["blocked_at"]["line"])
           for g in d["groups"]]
    want = [(5, 8, 3, True, "main.leakyWorker", line_of(src, "reply <- 1 // leaks"))]
    check(got == want, "diff FILE URL: groups %s, want %s" % (got, want))
    check(d["before"]["path"] == before and d["after"]["path"] == url,
          "diff FILE URL: sides named %r and %r" % (d["before"]["path"], d["after"]["path"]))
    check((d["summary"]["grown_groups"], d["summary"]["growth"]) == (1, 3), "diff summary %s" % d["summary"])
    print("ok: diff FILE URL: main.leakyWorker grew by exactly 3 (5 -> 8)")
    p = goleash(args, "diff", url, base + "/debug/pprof/goroutine")
    check(p.returncode == 0, "diff URL URL: exit %d, want 0\n%s%s" % (p.returncode, p.stdout, p.stderr))
    first = p.stdout.splitlines()[0]
    check(first.startswith("goleash diff: %s (" % url) and (" -> %s/debug/pprof/goroutine (" % base) in first,
          "diff URL URL: header %r" % first)
    check(re.search(r"^\s+8\s+8\s+\+0\s+main\.leakyWorker ", p.stdout, re.M), "diff URL URL:\n%s" % p.stdout)
    print("ok: diff URL URL: 8 and 8, nothing grew")


def service(args):
    if not os.access(args.go, os.X_OK):
        print("SKIP: %s not found" % args.go)
        return 77
    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="urls.", dir=args.work)
    exe, src, leakprof = build(args, tmp)
    svc = subprocess.Popen([exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(svc.stdout.readline().split()[1])
        base = "http://127.0.0.1:%d" % port
        hit(port, "/leak", 5)
        hit(port, "/ok", 5)
        reports(args, base, src, leakprof)
        diffs(args, base, port, src, tmp)
    except Failure as e:
        print("FAIL: %s\n(work files in %s)" % (e, tmp))
        return 1
    finally:
        svc.kill()
        svc.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


# ---- errors ------------------------------------------------------------------

class Canned(http.server.BaseHTTPRequestHandler):
    """Answers by path; records each request's headers in server.seen."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.seen.append((self.requestline, dict(self.headers)))
        self.server.peers.append(self.client_address)
        profile = self.server.profile
        routes = {
            "/profile": lambda: self.send(200, profile),
            "/gzip": lambda: self.send(200, gzip.compress(profile), "application/octet-stream"),
            "/fail": lambda: self.send(500, b"pprof is switched off here\nsecond line\n"),
            "/garbage": lambda: self.send(200, b"<html><body>Hello, world</body></html>\n", "text/html"),
            "/bytes": lambda: self.send(200, bytes(range(256)) * 4, "application/octet-stream"),
            "/auth": self.auth,
            "/moved": self.moved,
        }
        path = self.path.split("?")[0]
        if self.requestline.split()[1].startswith("http://goleash-test.invalid/"):
            path = "/profile" # a proxy's request for a host that does not exist
        routes.get(path, lambda: self.send(404, b"no such page\n"))()

    def auth(self):
        ok = (self.headers.get("Authorization") == "Bearer s3cret-token"
              and self.headers.get("X-Scope-OrgID") == "team-a" and self.headers.get("X-Trace") == "1")
        if ok:
            self.send(200, self.server.profile)
        else:
            self.send(401, b"missing credentials\n")

    def moved(self):
        self.send_response(302)
        self.send_header("Location", "/profile")
        self.send_header("Content-Length", "0")
        self.end_headers()


def canned_server(profile):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    srv.daemon_threads = True
    srv.seen = []
    srv.peers = []
    srv.profile = profile
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def silent_server():
    """Accepts connections and never says a word."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            held.append(c)

    threading.Thread(target=loop, daemon=True).start()
    return s


def errors_no_server(args):
    port = free_port()
    url = "http://127.0.0.1:%d/debug/pprof/goroutine" % port
    one_error_line(goleash(args, "report", url),
                   "goleash: %s: cannot fetch: Failed to connect to 127.0.0.1 port %d" % (url, port), "refused")
    one_error_line(goleash(args, "diff", url, url),
                   "goleash: %s: cannot fetch: Failed to connect to 127.0.0.1 port %d" % (url, port), "diff refused")
    print("ok: nothing listening: exit 2, one line")
    s = silent_server()
    try:
        url = "http://127.0.0.1:%d/debug/pprof/goroutine?debug=2" % s.getsockname()[1]
        p = goleash(args, "report", "--timeout", "1s", url, timeout=30)
        one_error_line(p, "goleash: %s: no complete response within 1s (--timeout): Operation timed out" % url,
                       "silent server")
        check(1.0 <= p.took < 3.0, "silent server: goleash took %.2fs, want 1s to 3s" % p.took)
        print("ok: a server that never answers: exit 2 after %.2fs (--timeout 1s)" % p.took)
    finally:
        s.close()


def errors_canned(args, srv, data):
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    line = one_error_line(goleash(args, "report", base + "/fail"), "", "HTTP 500")
    check(line == "goleash: %s/fail: HTTP 500: pprof is switched off here" % base, "HTTP 500: %r" % line)
    line = one_error_line(goleash(args, "report", base + "/garbage"), "", "garbage text")
    check(line.startswith("goleash: %s/garbage: no goroutine dump found (" % base), "garbage text: %r" % line)
    one_error_line(goleash(args, "report", base + "/bytes"), "goleash: %s/bytes: " % base, "garbage bytes")
    print("ok: HTTP 500, garbage text, garbage bytes: exit 2, one line each")

    token = os.path.join(data, "token")
    with open(token, "w") as f:
        f.write("s3cret-token\n")
    creds = ["--header", "X-Scope-OrgID: team-a", "--header", "X-Trace: 1", "--bearer-token-file", token]
    del srv.seen[:]
    p = goleash(args, "report", "--format", "json", *creds, base + "/auth")
    check(p.returncode == 1, "credentials: exit %d, want 1\n%s" % (p.returncode, p.stderr))
    check(json.loads(p.stdout)["summary"]["leaked_goroutines"] == 14, "credentials: %s" % p.stdout[:400])
    check(srv.seen[0][1].get("Authorization") == "Bearer s3cret-token", "sent %s" % srv.seen[0][1])
    line = one_error_line(goleash(args, "report", *creds[:4], base + "/auth"), "", "no token")
    check(line == "goleash: %s/auth: HTTP 401: missing credentials" % base, "no token: %r" % line)
    print("ok: --header twice and --bearer-token-file arrive (without the token: HTTP 401, exit 2)")

    for path in ("/moved", "/gzip"):
        p = goleash(args, "report", "--format", "json", base + path)
        check(p.returncode == 1 and json.loads(p.stdout)["summary"]["leaked_goroutines"] == 14,
              "%s: exit %d\n%s%s" % (path, p.returncode, p.stdout[:400], p.stderr))
    print("ok: a redirect is followed, a gzip'd body inflated")

    # Both pulls of a diff over one kept connection: one closed after the
    # first pull is torn down while the second is served, and a Go service
    # then shows that teardown's goroutines in the second snapshot.
    del srv.peers[:]
    p = goleash(args, "diff", base + "/profile", base + "/gzip")
    check(p.returncode == 0, "diff over one connection: exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
    check(len(srv.peers) == 2 and srv.peers[0] == srv.peers[1],
          "diff URL URL: the pulls came from %s, want one connection for both" % srv.peers)
    print("ok: diff URL URL: both pulls over one kept connection")


def proxies(args, srv):
    port = srv.server_address[1]
    env = dict(no_proxies(), http_proxy="http://127.0.0.1:%d" % port)
    del srv.seen[:]
    url = "http://goleash-test.invalid/debug/pprof/goroutine?debug=1"
    p = goleash(args, "report", url, env=env)
    check(p.returncode == 1, "http_proxy: exit %d, want 1\n%s" % (p.returncode, p.stderr))
    check(srv.seen and srv.seen[0][0] == "GET %s HTTP/1.1" % url, "http_proxy: the proxy saw %s" % srv.seen)
    dead = dict(no_proxies(), http_proxy="http://127.0.0.1:%d" % free_port(), no_proxy="127.0.0.1")
    p = goleash(args, "report", "http://127.0.0.1:%d/profile" % port, env=dead)
    check(p.returncode == 1, "no_proxy: exit %d, want 1\n%s" % (p.returncode, p.stderr))
    print("ok: http_proxy carries the request, no_proxy bypasses it")


def https_self_signed(args, tmp):
    """A certificate no CA signed: refused, never read past."""
    openssl = shutil.which("openssl")
    if not openssl:
        print("note: no openssl to make a certificate: https not checked")
        return
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    srv = canned_server(b"goroutine profile: total 0\n")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    try:
        url = "https://127.0.0.1:%d/profile" % srv.server_address[1]
        line = one_error_line(goleash(args, "report", url), "goleash: %s: cannot fetch: " % url, "self-signed")
        check("certificate" in line, "self-signed: %r names no certificate problem" % line)
        check(srv.seen == [], "self-signed: a request was sent anyway: %s" % srv.seen)
    finally:
        srv.shutdown()
    print("ok: https with a self-signed certificate: exit 2, one line")


def bad_options(args):
    cases = [
        (["report", "--header", "no colon here", "http://127.0.0.1:1/"], "goleash: --header 'no colon here': "),
        (["report", "--timeout", "5", "http://127.0.0.1:1/"], "goleash: --timeout: bad duration '5'"),
        (["report", "--timeout", "0s", "http://127.0.0.1:1/"], "goleash: --timeout: bad duration '0s'"),
        (["snapshot", "--timeout", "1s", "1"], "goleash: --timeout is for report, diff and watch"),
    ]
    for argv, prefix in cases:
        p = goleash(args, *argv)
        check(p.returncode == 2 and p.stderr.startswith(prefix), "%s: exit %d\n%s" % (argv, p.returncode, p.stderr))
    print("ok: bad option values are usage errors")


def errors(args):
    with open(os.path.join(args.data, "gc119_debug1.txt"), "rb") as f:
        profile = f.read()
    tmp = tempfile.mkdtemp(prefix="urls-errors.")
    srv = canned_server(profile)
    try:
        errors_no_server(args)
        errors_canned(args, srv, tmp)
        proxies(args, srv)
        https_self_signed(args, tmp)
        bad_options(args)
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        srv.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=["service", "errors"])
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--go", default="")
    ap.add_argument("--gotoolchain", default="")
    ap.add_argument("--work", default="")
    ap.add_argument("--data", default="")
    args = ap.parse_args()
    return service(args) if args.part == "service" else errors(args)


if __name__ == "__main__":
    sys.exit(main())
