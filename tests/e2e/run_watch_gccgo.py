#!/usr/bin/env python3
"""`goleash watch PID` on running gccgo services (tests/e2e/watchgccgo),
sampled through the shim's dump_on file, never stopping them:

- a service leaking a goroutine every 100ms: `watch --once` names
  main.leaker as growing and exits 1, and the service is still running;
- a clean one: exit 0, nothing growing;
- a gccgo service started without dump_on: exit 2, and the message says
  which option to set;
- on a terminal (a pty), the summary of the top sites is drawn under each
  sample line and erased before the next one (ANSI cursor-up and clear);
  into a pipe, plain lines only.

  run_watch_gccgo.py --goleash PATH --shim PATH --gccgo PATH --work DIR"""

import argparse
import os
import pty
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def start(exe, mode, tmp, with_dump_on=True):
    opts = "dump_path=%s/d.%%p:report=0:exitcode=0" % tmp
    if with_dump_on:
        opts += ":dump_on=%s/want.%%p" % tmp
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS")}
    p = subprocess.Popen([exe, mode], stdout=subprocess.PIPE, text=True,
                         env=dict(env, LD_PRELOAD=ARGS.shim, GOLEASH_OPTIONS=opts))
    assert p.stdout.readline().strip() == "ready"
    return p


def watch(pid):
    return subprocess.run([ARGS.goleash, "watch", "--once", "--samples", "5", "--interval", "300ms", str(pid)],
                          capture_output=True, text=True, timeout=120)


def watch_on_a_terminal(pid):
    """watch's output through a pty: the bytes it wrote."""
    child, fd = pty.fork()
    if child == 0:
        os.execv(ARGS.goleash, [ARGS.goleash, "watch", "--once", "--samples", "3", "--interval", "300ms", str(pid)])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(child, 0)
    return out.decode("utf-8", "replace")


def main():
    errors = []
    with tempfile.TemporaryDirectory(dir=ARGS.work) as tmp:
        exe = os.path.join(tmp, "svc")
        subprocess.run([ARGS.gccgo, "-g", os.path.join(HERE, "watchgccgo", "main.go"), "-o", exe], check=True)
        for mode, want_rc, want in (("leak", 1, "growing: main.leaker at main.go:13"), ("clean", 0, None)):
            svc = start(exe, mode, tmp)
            try:
                w = watch(svc.pid)
                alive = svc.poll() is None
            finally:
                svc.kill()
                svc.wait()
            if w.returncode != want_rc or (want and want not in w.stdout) or (not want and "growing: main." in w.stdout):
                errors.append("%s: watch exit %d (expected %d)\n%s%s" % (mode, w.returncode, want_rc, w.stdout[-1500:],
                                                                          w.stderr[-1500:]))
            if not alive:
                errors.append("%s: the service did not survive being watched" % mode)
            if "\033[" in w.stdout:
                errors.append("%s: escape sequences written into a pipe" % mode)
            leftover = [f for f in os.listdir(tmp) if f.startswith("want.")]
            if leftover:
                errors.append("%s: request files left behind: %r" % (mode, leftover))
        svc = start(exe, "leak", tmp)
        try:
            text = watch_on_a_terminal(svc.pid)
        finally:
            svc.kill()
            svc.wait()
        redraws = text.count("\033[")
        if "   count per sample  site" not in text or "main.leaker at main.go:13" not in text or redraws < 2:
            errors.append("terminal: no live summary (%d escape sequences)\n%r" % (redraws, text[-1500:]))
        svc = start(exe, "clean", tmp, with_dump_on=False)
        try:
            w = watch(svc.pid)
        finally:
            svc.kill()
            svc.wait()
        if w.returncode != 2 or "has no dump_on" not in w.stderr:
            errors.append("without dump_on: exit %d, expected 2 naming dump_on\n%s" % (w.returncode, w.stderr))
    for e in errors:
        print("FAIL: " + e)
    print("watch gccgo: %s" % ("OK" if not errors else "%d failure(s)" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    for a in ("--goleash", "--shim", "--gccgo", "--work"):
        ap.add_argument(a, required=True)
    ARGS = ap.parse_args()
    os.makedirs(ARGS.work, exist_ok=True)
    sys.exit(main())
