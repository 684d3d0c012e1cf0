#!/usr/bin/env python3
"""The analyzer's memory bound (--max-memory, default 512M):

- a 3 MB gzip that expands to ten million goroutine headers (a gzip bomb)
  is refused with an error naming the bound, exit 2, quickly, its peak
  memory within the bound;
- a legitimate dump needing more than a small bound: the same error, with
  that bound; under the default it is read;
- a goleash dump larger than a small bound whose model fits: read line by
  line (file, gzip, pipe), never whole;
- a malformed --max-memory is a usage error.

  run_memory_bound.py --goleash PATH --work DIR"""

import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time

BLOCK = (b"goroutine 7 [chan receive]:\nmain.worker()\n\t/src/w.go:9 +0x1d\ncreated by main.main\n"
         b"\t/src/w.go:4 +0x25\n\n")


def run(args, goleash, pipe_from=None):
    """goleash ARGS; pipe_from: a file fed to its stdin through a pipe (cat)."""
    t0 = time.monotonic()
    cat = subprocess.Popen(["cat", pipe_from], stdout=subprocess.PIPE) if pipe_from else None
    p = subprocess.Popen([goleash] + args, stdin=cat.stdout if cat else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if cat:
        cat.stdout.close()
    out, err = p.communicate(timeout=120)
    if cat:
        cat.wait()
    # The largest peak of the children so far: the bomb runs first.
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return p.returncode, out, err, time.monotonic() - t0, ru.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--goleash", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    errors = []
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        bomb = os.path.join(tmp, "bomb.txt.gz")
        with gzip.open(bomb, "wb", compresslevel=9) as f:
            f.write(b"goroutine 1 [running]:\nmain.main()\n\t/src/m.go:5 +0x1\n\n")
            for _ in range(100):
                f.write(BLOCK * 100000)
        rc, out, err, secs, peak = run(["report", bomb], args.goleash)
        if rc != 2 or "out of memory (more than --max-memory allows: 512 MiB;" not in err:
            errors.append("gzip bomb: exit %d, expected 2 naming the bound\n%s" % (rc, err[-800:]))
        if peak > 600 << 20 or secs > 60:
            errors.append("gzip bomb: peak %d MiB in %.1fs, expected within the 512 MiB bound" % (peak >> 20, secs))
        print("gzip bomb (%d KB): exit %d in %.2fs, peak %d MiB" % (os.path.getsize(bomb) >> 10, rc, secs,
                                                                     peak >> 20))
        big = os.path.join(tmp, "big.txt")
        with open(big, "wb") as f:
            for i in range(2, 200002):
                f.write(b"goroutine %d [chan receive, 5 minutes]:\nmain.worker()\n\t/src/w.go:9 +0x1d\n"
                        b"created by main.main in goroutine 1\n\t/src/w.go:4 +0x25\n\n" % i)
        rc, out, err, _, _ = run(["report", "--max-memory", "16M", big], args.goleash)
        if rc != 2 or "(more than --max-memory allows: 16 MiB;" not in err:
            errors.append("16M bound: exit %d, expected 2 naming 16 MiB\n%s" % (rc, err[-800:]))
        rc, out, err, _, _ = run(["report", big], args.goleash)
        if rc != 1 or "SUMMARY: goleash: 200000 leaked goroutine(s) in 1 group(s)." not in out:
            errors.append("default bound: exit %d, expected the 200000 leaks read\n%s%s" % (rc, out[-400:], err[-400:]))
        # A goleash dump is read line by line, never whole: one larger than
        # the bound whose model fits is read, from the file, through gzip and
        # through a pipe (its lines carry a key a newer writer may add, which
        # readers skip; read whole, it needed its size again in memory).
        padded = os.path.join(tmp, "padded.dump")
        with open(padded, "wb") as f:
            f.write(b"goleash-dump 1\ninfo pid=7 ppid=1 exe=/src/prog reason=exit status=0 mono_ns=900000000000 "
                    b"wall_ns=1 goroutine_ids=go min_park_ns=0\nstack id=1 pcs=0x10,0x20\n")
            for i in range(2, 60002):
                f.write(b"goroutine id=%d state=parked reason=14 wait=chan since_ns=1 stack=1 xpad=%s\n"
                        % (i, b"x" * 1000))
            f.write(b"end goroutines=60000 chans=0 contexts=0 stacks=1\n")
        with open(padded, "rb") as src, gzip.open(padded + ".gz", "wb", compresslevel=1) as dst:
            dst.write(src.read())
        for what, argv, stdin in (("file", [padded], None), ("gzip", [padded + ".gz"], None),
                                  ("pipe", ["-"], padded)):
            rc, out, err, _, _ = run(["report", "--max-memory", "48M"] + argv, args.goleash, stdin)
            if rc != 1 or "SUMMARY: goleash: 60000 leaked goroutine(s) in 1 group(s)." not in out:
                errors.append("goleash dump of %d MiB, 48M bound, %s: exit %d, expected its 60000 leaks\n%s" % (
                    os.path.getsize(padded) >> 20, what, rc, err[-400:]))
        print("goleash dump of %d MiB under a 48 MiB bound: file, gzip, pipe read" % (os.path.getsize(padded) >> 20))
        rc, out, err, _, _ = run(["report", "--max-memory", "lots", big], args.goleash)
        if rc != 2 or "goleash: --max-memory: 'lots' is not a size" not in err:
            errors.append("bad --max-memory: exit %d\n%s" % (rc, err))
    for e in errors:
        print("FAIL: " + e)
    print("memory bound: %s" % ("OK" if not errors else "%d failure(s)" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
