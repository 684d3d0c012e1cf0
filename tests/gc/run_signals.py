#!/usr/bin/env python3
"""Signals under `goleash run` (a gc program, tests/gc/signals):

1. Ctrl-C on a terminal (a pty; the terminal signals the whole foreground
   process group, goleash and PROG alike): PROG gets exactly one SIGINT.
2. SIGTERM and SIGHUP sent to goleash alone: passed on, exactly once each.
3. SIGINT ignored by the caller (nohup, trap '' INT): still ignored in PROG.
4. SIGQUIT sent to goleash alone (what go test does on -timeout): PROG gets
   it (Go's dump, exit 2), goleash waits, reports the goroutine PROG left,
   and exits with PROG's status.
5. goleash killed with SIGKILL: nothing of PROG is left running.

  run_signals.py --goleash PATH --go PATH --work DIR"""

import argparse
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def build(args, tmp):
    exe = os.path.join(tmp, "signals")
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="", GO111MODULE="off")
    subprocess.run([args.go, "build", "-o", exe, os.path.join(HERE, "signals", "main.go")], env=env,
                   check=True, cwd=tmp)
    return exe


def read_until(fd, text, deadline):
    buf = b""
    while text.encode() not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("timed out waiting for %r; got %r" % (text, buf))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf.decode("utf-8", "replace")


def ctrl_c_on_a_terminal(args, exe):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(args.goleash, [args.goleash, "run", "--", exe])
    out = read_until(fd, "ready", time.monotonic() + 30)
    os.write(fd, b"\x03")  # the terminal's intr character: SIGINT to the foreground group
    out += read_until(fd, "total=", time.monotonic() + 30)
    out += read_until(fd, "goleash", time.monotonic() + 30)
    _, status = os.waitpid(pid, 0)
    m = re.search(r"count interrupt=(\d+) total=(\d+)", out)
    assert m and m.group(1) == "1" and m.group(2) == "1", "Ctrl-C: PROG counted %s\n%s" % (
        m.groups() if m else None, out)
    assert os.waitstatus_to_exitcode(status) == 0, "Ctrl-C: goleash exit %d\n%s" % (
        os.waitstatus_to_exitcode(status), out)
    print("ok: Ctrl-C on a terminal: PROG got SIGINT once; goleash exit 0")


def sent_to_goleash(args, exe, sig, name):
    p = subprocess.Popen([args.goleash, "run", "--", exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    line = p.stdout.readline() + p.stdout.readline()
    assert "ready" in line, line
    os.kill(p.pid, sig)
    out, err = p.communicate(timeout=60)
    m = re.search(r"count %s=(\d+) total=(\d+)" % name, out)
    assert m and m.groups() == ("1", "1"), "%s to goleash: PROG counted %s\n%s%s" % (
        name, m.groups() if m else None, out, err)
    assert p.returncode == 0, "%s: goleash exit %d\n%s" % (name, p.returncode, err)
    print("ok: %s sent to goleash alone: passed on once; goleash exit 0" % name)


def ignored_stays_ignored(args, exe):
    def ignore():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    p = subprocess.Popen([args.goleash, "run", "--", exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, preexec_fn=ignore)
    first = p.stdout.readline()
    p.stdout.readline()
    os.kill(p.pid, signal.SIGTERM)
    p.communicate(timeout=60)
    assert first.strip() == "ignored=true", "an ignored SIGINT: PROG says %r" % first
    p2 = subprocess.Popen([args.goleash, "run", "--", exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    first = p2.stdout.readline()
    p2.stdout.readline()
    os.kill(p2.pid, signal.SIGTERM)
    p2.communicate(timeout=60)
    assert first.strip() == "ignored=false", "SIGINT not ignored: PROG says %r" % first
    print("ok: SIGINT ignored by the caller stays ignored in PROG (and only then)")


def sigquit_reports(args, exe):
    p = subprocess.Popen([args.goleash, "run", "--", exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    p.stdout.readline()
    p.stdout.readline()
    os.kill(p.pid, signal.SIGQUIT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 2, "SIGQUIT: goleash exit %d, expected PROG's 2\n%s" % (p.returncode, err[-3000:])
    assert "SIGQUIT: quit" in err, "SIGQUIT: Go's own dump is missing\n" + err[-3000:]
    assert re.search(r"SUMMARY: goleash: \d+ leaked goroutine\(s\)", err) and "main.main.func1" in err, \
        "SIGQUIT: no report of the goroutine PROG left\n" + err[-3000:]
    print("ok: SIGQUIT to goleash: PROG dumped and exited 2, goleash reported and exited 2")


def running(pid):
    """Alive and not a zombie waiting for init to reap it."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def sigkill_leaves_nothing(args, exe, tmp):
    p = subprocess.Popen([args.goleash, "run", "--", exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    p.stdout.readline()
    p.stdout.readline()
    kids = [int(x) for x in open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()]
    assert kids, "no child of goleash found"
    p.kill()
    p.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(k) for k in kids):
        time.sleep(0.05)
    alive = [k for k in kids if running(k)]
    assert not alive, "PROG still running after goleash was killed: %r" % alive
    print("ok: goleash killed with SIGKILL: PROG is gone")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        exe = build(args, tmp)
        ctrl_c_on_a_terminal(args, exe)
        sent_to_goleash(args, exe, signal.SIGTERM, "terminated")
        sent_to_goleash(args, exe, signal.SIGHUP, "hangup")
        ignored_stays_ignored(args, exe)
        sigquit_reports(args, exe)
        sigkill_leaves_nothing(args, exe, tmp)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
