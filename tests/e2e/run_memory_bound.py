#!/usr/bin/env python3
"""The analyzer's memory bound (--max-memory, default 512M):

- a 3 MB gzip that expands to ten million goroutine headers (a gzip bomb)
  is refused with an error naming the bound, exit 2, quickly, its peak
  memory within the bound;
- a legitimate dump needing more than a small bound: the same error, with
  that bound; under the default it is read;
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


def run(args, goleash):
    t0 = time.monotonic()
    p = subprocess.Popen([goleash] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=120)
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
        rc, out, err, _, _ = run(["report", "--max-memory", "lots", big], args.goleash)
        if rc != 2 or "goleash: --max-memory: 'lots' is not a size" not in err:
            errors.append("bad --max-memory: exit %d\n%s" % (rc, err))
    for e in errors:
        print("FAIL: " + e)
    print("memory bound: %s" % ("OK" if not errors else "%d failure(s)" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
