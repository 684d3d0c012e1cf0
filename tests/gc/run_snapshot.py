#!/usr/bin/env python3
"""`goleash snapshot PID` on a running gc service (service/main.go):

  run_snapshot.py --goleash PATH --go PATH [--gotoolchain goX.Y.Z] --work DIR

1. the report names exactly the three leaked goroutines (main.leaker,
   chan-receive, line of `<-never`), not the live ticker loop nor the busy
   worker pool, with the default two samples 1 s apart; the service serves
   before and after, and the pause is reported;
2. goleash killed with SIGKILL while the service is stopped: the service is
   let go by the kernel and serves again;
3. errors: a process that does not exist, a process of another user (as
   nobody), a program that is not gc: exit 2 with a line saying why;
4. the service exits 0 on /quit after all that.
Exit: 0 ok, 1 failed, 2 could not build, 77 no go."""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def build(args, tmp):
    mod = os.path.join(tmp, "service")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "service"), mod)
    env = dict(os.environ, GOTOOLCHAIN=args.gotoolchain or "local", GOFLAGS="-mod=mod", GOWORK="off")
    exe = os.path.join(tmp, "service.bin")
    p = subprocess.run([args.go, "build", "-o", exe, "."], cwd=mod, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout + p.stderr)
        raise SystemExit(2)
    return exe, os.path.join(mod, "main.go")


def http_get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
        return r.read().decode()


def thread_states(pid):
    out = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                out.append(f.read().rsplit(")", 1)[1].split()[0])
        except OSError:
            pass
    return out


def line_of(src, text):
    with open(src) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    raise Failure("no %r in %s" % (text, src))


def snapshot_ok(args, tmp, pid, src):
    out = os.path.join(tmp, "snap.json")
    t0 = time.monotonic()
    p = subprocess.run([args.goleash, "snapshot", "-v", "--format", "json", "-o", out, str(pid)],
                       capture_output=True, text=True, timeout=60)
    took = time.monotonic() - t0
    check(p.returncode == 1, "snapshot: exit %d, want 1\n%s" % (p.returncode, p.stderr))
    m = re.search(r"stopped ([\d.]+) ms and ([\d.]+) ms", p.stderr)
    check(m is not None, "snapshot -v: no pause line:\n%s" % p.stderr)
    with open(out) as f:
        r = json.load(f)
    leaks = r["leaks"]
    got = [(g["count"], g["category"], g["blocked_at"]["function"], g["blocked_at"]["line"]) for g in leaks]
    want = [(3, "chan-receive", "main.leaker", line_of(src, "<-never // leaks"))]
    check(got == want, "snapshot: groups %s, want %s" % (got, want))
    check(took >= 1.0, "snapshot: took %.2fs, the two samples must be 1s apart" % took)
    print("ok: snapshot found the 3 leaked goroutines; pauses %s ms and %s ms" % (m.group(1), m.group(2)))


def killed_mid_snapshot(args, pid, port):
    env = dict(os.environ, GOLEASH_TEST_SNAPSHOT_HOLD_MS="5000")
    g = subprocess.Popen([args.goleash, "snapshot", "--min-park", "0", str(pid)], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(s == "t" for s in thread_states(pid)):
        time.sleep(0.01)
    check(all(s == "t" for s in thread_states(pid)), "hold: the service was not stopped: %s" % thread_states(pid))
    g.send_signal(signal.SIGKILL)
    g.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(s == "t" for s in thread_states(pid)):
        time.sleep(0.01)
    check(not any(s in ("t", "T") for s in thread_states(pid)),
          "after SIGKILL of goleash the service is still stopped: %s" % thread_states(pid))
    check(http_get(port, "/ping").startswith("pong"), "after SIGKILL of goleash the service does not serve")
    print("ok: goleash killed mid-snapshot, the service runs on")


def errors(args, pid):
    p = subprocess.run([args.goleash, "snapshot", "999999999"], capture_output=True, text=True)
    check(p.returncode == 2 and "does not exist" in p.stderr, "no such pid: exit %d\n%s" % (p.returncode, p.stderr))
    if os.geteuid() == 0 and shutil.which("setpriv"):
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", args.goleash, "snapshot",
                            str(pid)], capture_output=True, text=True)
        check(p.returncode == 2 and "belongs to uid 0" in p.stderr,
              "another user's process: exit %d\n%s" % (p.returncode, p.stderr))
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        p = subprocess.run([args.goleash, "snapshot", str(sleeper.pid)], capture_output=True, text=True)
        check(p.returncode == 2 and "is not a gc Go program" in p.stderr,
              "not Go: exit %d\n%s" % (p.returncode, p.stderr))
    finally:
        sleeper.kill()
        sleeper.wait()
    print("ok: errors say why, exit 2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--gotoolchain", default="")
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    if not os.access(args.go, os.X_OK):
        print("SKIP: %s not found" % args.go)
        return 77
    os.makedirs(args.work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="snapshot.", dir=args.work)
    exe, src = build(args, tmp)
    svc = subprocess.Popen([exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(svc.stdout.readline().split()[1])
        check(http_get(port, "/ping").startswith("pong"), "the service does not serve")
        snapshot_ok(args, tmp, svc.pid, src)
        check(http_get(port, "/ping").startswith("pong"), "after the snapshot the service does not serve")
        killed_mid_snapshot(args, svc.pid, port)
        errors(args, svc.pid)
        http_get(port, "/quit")
        rc = svc.wait(timeout=10)
        check(rc == 0, "the service exited %d after /quit, want 0\n%s" % (rc, svc.stderr.read()))
    except Failure as e:
        print("FAIL: %s\n(work files in %s)" % (e, tmp))
        return 1
    finally:
        if svc.poll() is None:
            svc.kill()
            svc.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
