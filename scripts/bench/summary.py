#!/usr/bin/env python3
"""The one table scripts/bench.sh ends with: every measurement of its
sections (shim, gc backend, analyzer, peers, live checks), each with its
value, target and result, gathered as the sections print their own tables.

A section adds its rows with add(), which appends to the file named by
GOLEASH_BENCH_SUMMARY (nothing when unset: a section run alone prints only
its own table). bench.sh prints the table at its end:

  summary.py FILE
"""
import os
import sys

FIELDS = 5  # section, measurement, value, target, result


def add(section, measurement, value, target="-", result="info"):
    path = os.environ.get("GOLEASH_BENCH_SUMMARY")
    if not path:
        return
    cells = [str(c).replace("\t", " ").replace("\n", " ") for c in (section, measurement, value, target, result)]
    with open(path, "a") as f:
        f.write("\t".join(cells) + "\n")


def main():
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == FIELDS:
                rows.append(cells)
    if not rows:
        return 0
    widths = [max(len(r[i]) for r in rows + [["section", "measurement", "value", "target", "result"]])
              for i in range(FIELDS)]
    fmt = "  ".join("{:<%d}" % w if i < 2 else "{:>%d}" % w for i, w in enumerate(widths[:4])) + "  {}"
    print("== summary: every measurement of this run")
    print(fmt.format("section", "measurement", "value", "target", "result"))
    print("-" * (sum(widths) + 2 * (FIELDS - 1)))
    for r in rows:
        print(fmt.format(*r))
    missed = sum(1 for r in rows if r[4] == "MISS")
    met = sum(1 for r in rows if r[4] == "ok")
    print(f"{met} targets met, {missed} missed, {len(rows) - met - missed} rows for information")
    return 0


if __name__ == "__main__":
    sys.exit(main())
