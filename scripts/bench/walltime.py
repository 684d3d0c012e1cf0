#!/usr/bin/env python3
"""Runs one program end to end and times it from outside: the whole wall
time (start to reaped) and the exit's own part (from the "MAINEND <unix ns>"
line the program prints as main returns, to reaped), and the CPU time it
used (user + system, which other load on the machine skews less). Prints
"RESULT <name> ns_per_op=<wall ns> exit_ns=<ns> cpu_ns=<ns> rc=<status>".

  walltime.py NAME [--preload SHIM --options OPTS] -- PROG ARGS...

The shim is preloaded into the program only, never into this script."""
import os, resource, subprocess, sys, time

def main():
    a = sys.argv[1:]
    name = a.pop(0)
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "GOLEASH_OPTIONS")}
    while a and a[0] != "--":
        opt, val = a.pop(0), a.pop(0)
        env["LD_PRELOAD" if opt == "--preload" else "GOLEASH_OPTIONS"] = val
    cmd = a[1:]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time_ns()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t1 = time.time_ns()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    sys.stderr.write(p.stderr.decode(errors="replace"))
    mainend = [int(l.split()[1]) for l in p.stdout.decode().splitlines() if l.startswith("MAINEND ")]
    if not mainend:
        sys.stderr.write("walltime.py: no MAINEND line\n")
        sys.exit(2)
    print(f"RESULT {name} ns_per_op={t1 - t0} exit_ns={t1 - mainend[0]} cpu_ns={int(cpu * 1e9)} rc={p.returncode}")

main()
