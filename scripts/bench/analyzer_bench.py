#!/usr/bin/env python3
"""Measures and tabulates scripts/bench/analyzer.sh's benchmark (see there).

Every timed command is started here and reaped with os.wait4, so the wall
time and peak RSS are the command's own (for a pipeline: the largest of its
processes). Baseline and goleash alternate within each round, so a load
that comes and goes skews both alike.
"""
import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("--goleash", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--peers", default="")
ap.add_argument("--div", type=int, default=1)  # --quick: goroutine counts / 10
a = ap.parse_args()
G, D, R = a.goleash, a.data, a.runs
MAX_MEMORY = 512 * 2**20  # goleash's default --max-memory
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summary import add  # noqa: E402


class Failed(Exception):
    pass


def run(cmds, ok=(0,)):
    """Runs a pipeline (a list of argv); returns (wall s, peak RSS bytes, stdout of the last)."""
    procs, prev = [], None
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    for i, argv in enumerate(cmds):
        last = i == len(cmds) - 1
        p = subprocess.Popen(argv, stdin=prev if prev is not None else subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=err if last else subprocess.DEVNULL)
        if prev is not None:
            prev.close()
        prev = p.stdout
        procs.append(p)
    out = procs[-1].stdout.read()  # stderr goes to a file: no deadlock on a chatty one
    procs[-1].stdout.close()
    rss, rcs, cpu = 0, [], 0.0
    for p in procs:  # reaped here, not by Popen, for each one's own rusage
        _, status, ru = os.wait4(p.pid, 0)
        rss = max(rss, ru.ru_maxrss * 1024)
        cpu += ru.ru_utime + ru.ru_stime
        rcs.append(os.waitstatus_to_exitcode(status))
    run.cpu = cpu
    wall = time.perf_counter() - t0
    if rcs[-1] not in ok:
        err.seek(0)
        raise Failed(f"{' '.join(cmds[-1])}: exit status {rcs[-1]}: {err.read().decode(errors='replace')[-400:]}")
    return wall, rss, out


PEER_TIMEOUT = 60.0  # panicparse's grouping is quadratic on all-distinct stacks


class TimedOut(Exception):
    pass


def run_rss(argv, stdin_path=None, ok=(0,), timeout=None):
    """One command; the peak RSS from wait4 (communicate() would reap it first)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout) if timeout else (p.stdout.read(), p.stderr.read())
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        os.wait4(p.pid, 0) if p.returncode is None else None
        raise TimedOut()
    if p.returncode is not None:  # communicate() reaped it: no rusage of its own
        status, ru = None, None
        rc = p.returncode
    else:
        _, status, ru = os.wait4(p.pid, 0)
        rc = os.waitstatus_to_exitcode(status)
        run.cpu = ru.ru_utime + ru.ru_stime
    wall = time.perf_counter() - t0
    if ru is None:
        if rc not in ok:
            raise Failed(f"{' '.join(argv)}: exit status {rc}: {err.decode(errors='replace')[-400:]}")
        return wall, 0, out
    rc = os.waitstatus_to_exitcode(status)
    if rc not in ok:
        raise Failed(f"{' '.join(argv)}: exit status {rc}: {err.decode(errors='replace')[-400:]}")
    return wall, ru.ru_maxrss * 1024, out


def goleash_cmd(path):
    # No memory bound for the files: a dump that needs more than the default
    # is measured, and its row says so (the stream row keeps the bound).
    return [G, "report", "--max-memory", "0", "--format", "json", "-o", "/dev/null", path]


def pipe_cmd(path):
    return [["cat", path], [G, "report", "--format", "json", "-o", "/dev/null", "-"]]


GOLEASH_OK = (0, 1)  # 1: leaks found
def k(n):
    n //= a.div
    return f"{n // 1000000}M" if n % 1000000 == 0 else f"{n // 1000}k"


shapes = [
    # name, file, baseline (wc: wc -l FILE; zcat: gzip -dc FILE | wc -l), whether peers read it
    (f"small stacks, {k(500000)}", "small.txt", "wc", True),
    (f"fat (70 frames), {k(15000)}", "fat.txt", "wc", True),
    (f"all identical, {k(500000)}", "identical.txt", "wc", True),
    (f"all distinct, {k(500000)}", "distinct.txt", "wc", True),
    (f"small stacks, {k(1000000)}", "1m.txt", "wc", True),
    (f"realistic ~1KB, {k(100000)}", "mixed.txt", "wc", True),
    (f"gzip file, {k(500000)}", "small.txt.gz", "zcat", False),
    (f"gzip -dc | report -, {k(500000)}", "small.txt.gz", "zcat-pipe", False),
    (f"pprof proto, {k(100000)}", "proto.pb.gz", "zcat", False),
    (f"goleash dump, {k(500000)}", "shim.dump", "wc", False),
]


def raw_size(path):
    if path.endswith(".gz"):
        n = 0
        with gzip.open(path, "rb") as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    return n
                n += len(b)
    return os.path.getsize(path)


run_rss([G, "--version"])
IDLE_RSS = run_rss([G, "--version"])[1]
rows = []
failed = False
peers = a.peers
sys.stderr.write("analyzer.sh: measuring ")
for name, fname, base, text in shapes:
    path = os.path.join(D, fname)
    if not os.path.exists(path):
        rows.append((name, None))
        continue
    size = raw_size(path)
    bw, gw, grss, pw, bc, gc = [], [], [], {}, [], []
    try:
        for _ in range(R):
            if base == "wc":
                bw.append(run([["wc", "-l", path]])[0])
            else:
                bw.append(run([["gzip", "-dc", path], ["wc", "-l"]])[0])
            bc.append(run.cpu)
            if base == "zcat-pipe":
                w, rss, _ = run([["gzip", "-dc", path], goleash_cmd("-")], ok=GOLEASH_OK)
            else:
                w, rss, _ = run_rss(goleash_cmd(path), ok=GOLEASH_OK)
            gw.append(w)
            gc.append(run.cpu)
            grss.append(rss)
            if text and peers and not pw:  # once: they are slow, and far from goleash
                for peer in ("panicparse", "gostackparse"):
                    try:
                        pw[peer] = [run_rss([os.path.join(peers, peer), path], timeout=PEER_TIMEOUT)[0]]
                    except TimedOut:
                        pw[peer] = [float("inf")]
            sys.stderr.write(".")
            sys.stderr.flush()
    except Failed as e:
        sys.stderr.write(f"\nanalyzer.sh: {name}: {e}\n")
        failed = True
        break
    rows.append((name, dict(size=size, disk=os.path.getsize(path), base=statistics.median(bw),
                            gl=statistics.median(gw), rss=max(grss),
                            cpu_ratio=statistics.median(gc) / max(statistics.median(bc), 1e-4),
                            peers={k: statistics.median(v) for k, v in pw.items()}, basekind=base)))

stream = None
if not failed and os.path.exists(os.path.join(D, "1m.txt")):
    try:
        sw, srss, _ = run(pipe_cmd(os.path.join(D, "1m.txt")), ok=GOLEASH_OK)
        stream_name = f"cat {k(1000000)} | report -"
        stream = (sw, srss, os.path.getsize(os.path.join(D, "1m.txt")))
        sys.stderr.write("s")
    except Failed as e:
        sys.stderr.write(f"\nanalyzer.sh: stream: {e}\n")
        failed = True

live = {}
if not failed and peers:
    try:
        out = run_rss([os.path.join(peers, "goleak"), "1000", "20"])[2].decode()
        live["goleak"] = float(re.search(r"us_per_check=([\d.]+)", out).group(1))
        for n in (1000, 10000):
            out = run_rss([os.path.join(peers, "goprof"), "leakprofile", str(n), "5"])[2].decode()
            m = re.search(r"leak_ms=([\d.]+) goroutine_ms=([\d.]+) leaks=(\S+)", out)
            live[f"leakprof{n}"] = (float(m.group(1)), float(m.group(2)), m.group(3)) if m else None
        sys.stderr.write("l")
    except (Failed, AttributeError) as e:
        sys.stderr.write(f"\nanalyzer.sh: live checks: {e}\n")
sys.stderr.write("\n")
if failed:
    print("VERDICT: ERROR (goleash or a helper failed on an input; see above)")
    sys.exit(2)

ok_all = True
print(f"goleash report --format json on each shape; {R} rounds alternating with the baseline, medians;")
print("ratio = goleash wall / baseline wall (target <= 2x); RSS/in = peak RSS / uncompressed input (target <= 2x);")
print("cpu = the same ratio of CPU time (user + sys), which other load on the machine skews less (info);")
print("panicparse, gostackparse: their wall / goleash's (>1: goleash faster), their MB/s in brackets.")
print(f"goleash's own RSS at start (goleash --version): {IDLE_RSS / 1e6:.1f} MB; load average at start: "
      f"{open('/proc/loadavg').read().split()[0]}")
print()
hdr = (f"{'shape':<26} {'input MB':>9} {'baseline':>17} {'goleash s':>9} {'MB/s':>6} {'ratio':>7} {'cpu':>6} "
       f"{'RSS/in':>6} {'target':>12} {'verdict':>7}  {'panicparse':>15} {'gostackparse':>15}")
print(hdr)
print("-" * len(hdr))
for name, r in rows:
    if r is None:
        print(f"{name:<26} {'n/a (no Go toolchain: not generated)':>60}")
        continue
    ratio = r["gl"] / r["base"]
    rss_ratio = r["rss"] / r["size"]
    good = ratio <= 2 and rss_ratio <= 2
    ok_all &= good
    kind = {"wc": "wc -l", "zcat": "gzip -dc|wc", "zcat-pipe": "gzip -dc|wc"}[r["basekind"]]
    base_cell = f"{kind} {r['base']:.3f}s"
    insz = f"{r['size'] / 1e6:.1f}" if r["size"] == r["disk"] else f"{r['disk'] / 1e6:.1f}gz"
    cells = []
    for peer in ("panicparse", "gostackparse"):
        t = r["peers"].get(peer)
        if t == float("inf"):
            cells.append(f">{PEER_TIMEOUT / r['gl']:.0f}x (>{PEER_TIMEOUT:.0f}s)")
        else:
            cells.append(f"{t / r['gl']:.1f}x ({r['size'] / 1e6 / t:.0f})" if t else "-")
    verdict = "ok" if good else "MISS"
    if r["rss"] > MAX_MEMORY:
        verdict += " (>512MiB: fails under the default --max-memory)"
    print(f"{name:<26} {insz:>9} {base_cell:>17} {r['gl']:>9.3f} {r['size'] / 1e6 / r['gl']:>6.0f} "
          f"{ratio:>6.1f}x {r['cpu_ratio']:>5.1f}x {rss_ratio:>6.2f} {'<=2x, <=2x':>12} {verdict.split()[0]:>7}  {cells[0]:>15} {cells[1]:>15}{verdict[len(verdict.split()[0]):]}")
    add("analyzer", f"{name}: time / {kind}", f"{ratio:.1f}x", "<=2x", "ok" if ratio <= 2 else "MISS")
    add("analyzer", f"{name}: peak RSS / input", f"{rss_ratio:.2f}x", "<=2x", "ok" if rss_ratio <= 2 else "MISS")
    for peer, cell in zip(("panicparse", "gostackparse"), cells):
        if cell != "-":
            add("peers", f"{peer} on {name}: its time / goleash's", cell.split()[0])
if stream:
    sw, srss, ssize = stream
    good = srss <= MAX_MEMORY
    ok_all &= good
    print(f"{stream_name:<26} {ssize / 1e6:>9.1f} {'':>17} {sw:>9.3f} {ssize / 1e6 / sw:>6.0f} "
          f"{'':>7} {'':>6} {srss / 1e6:>5.0f}M {'RSS<=512MiB':>12} {'ok' if good else 'MISS':>7}")
    add("analyzer", f"{stream_name}: peak RSS", f"{srss / 1e6:.0f} MB", "<=512 MiB", "ok" if good else "MISS")
print()
print("live leak checks (info, no target):")
if "goleak" in live:
    print(f"  goleak Find (VerifyNone's check), 1,000 goroutines alive: {live['goleak'] / 1000:.2f} ms per test")
    add("live checks", "goleak Find, 1,000 goroutines alive (per test)", f"{live['goleak'] / 1000:.2f} ms")
for n in (1000, 10000):
    v = live.get(f"leakprof{n}")
    if v:
        print(f"  Go goroutineleak profile, {n:,} leaked: {v[0]:.2f} ms per collection ({v[2]} found); "
              f"plain goroutine profile {v[1]:.2f} ms")
        add("live checks", f"Go goroutineleak profile, {n:,} leaked (per collection)", f"{v[0]:.2f} ms")
    elif f"leakprof{n}" in live:
        print(f"  Go goroutineleak profile, {n:,} leaked: unavailable (this Go lacks GOEXPERIMENT=goroutineleakprofile)")
if not live:
    print("  n/a (no Go toolchain or --no-peers)")
print()
print("VERDICT: PASS (all targets met)" if ok_all else "VERDICT: FAIL (target missed, see MISS above)")
sys.exit(0 if ok_all else 1)
