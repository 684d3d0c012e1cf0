#!/usr/bin/env python3
"""Makes the messy-dump fixtures of check_messy.py (issue 11): real goroutine
dumps from leakprog.go and leaktest/ built with gc (by path, no downloads),
then mangled the way logs, CI systems and people mangle them.

  gen_messy.py [--go /usr/local/go/bin/go] [--out ../data/messy]

Run from anywhere; the programs are built in /tmp/goleash-messy so the file
names inside the dumps are the same on every run. Timings and addresses
differ from run to run: check_messy.py asserts on what does not (counts,
functions, lines, categories, warnings at the lines the mangling put them).
data/messy/old_spellings.txt is not made here: it is written by hand (Go
1.5-era spellings need a toolchain this machine does not have).
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = "/tmp/goleash-messy"


def go_env(go):
    return dict(os.environ, GOCACHE=os.path.join(WORK, "gocache"), GOPATH=os.path.join(WORK, "gopath"),
                GOFLAGS="", GOTOOLCHAIN="local", GOPROXY="off", GO111MODULE="on", GOTRACEBACK="all")


def prepare(go):
    shutil.rmtree(os.path.join(WORK, "src"), ignore_errors=True)
    shutil.copytree(HERE, os.path.join(WORK, "src"), ignore=shutil.ignore_patterns("*.py"))
    src = os.path.join(WORK, "src")
    with open(os.path.join(src, "go.mod"), "w") as f:
        f.write("module example.com/leakprog\n\ngo 1.21\n")
    subprocess.run([go, "build", "-o", os.path.join(WORK, "leakprog"), "leakprog.go"], cwd=src, env=go_env(go),
                   check=True)
    return src


def leakprog(go, mode, extra_env=None):
    env = go_env(go)
    env.update(extra_env or {})
    return subprocess.run([os.path.join(WORK, "leakprog"), "-mode", mode], env=env, capture_output=True,
                          check=True, timeout=60).stdout.decode()


def sigquit(go):
    """A SIGQUIT dump (stderr) of a process parked for good."""
    src = os.path.join(WORK, "src")
    prog = os.path.join(src, "hang.go")
    with open(prog, "w") as f:
        f.write(open(os.path.join(src, "leakprog.go")).read()
                .replace('case "stack":', 'case "hang":\n\t\tos.Stdout.WriteString("ready\\n")\n'
                         '\t\ttime.Sleep(time.Hour)\n\tcase "stack":'))
    exe = os.path.join(WORK, "hang")
    subprocess.run([go, "build", "-o", exe, "hang.go"], cwd=src, env=go_env(go), check=True)
    os.remove(prog)
    p = subprocess.Popen([exe, "-mode", "hang"], env=go_env(go), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline().strip() == b"ready"
    p.send_signal(signal.SIGQUIT)
    _, err = p.communicate(timeout=60)
    return err.decode()


def go_test(go, args, env_extra):
    env = go_env(go)
    env.update(env_extra)
    r = subprocess.run([go, "test"] + args, cwd=os.path.join(WORK, "src", "leaktest"), env=env,
                       capture_output=True, timeout=120)
    return r.stdout.decode() + r.stderr.decode()


def write(out, name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


def stamp(i):
    return "2026-03-01T10:%02d:%02d.%06dZ" % (i // 60 % 60, i % 60, i * 7919 % 1000000)


def blocks(dump):
    return [b for b in dump.strip("\n").split("\n\n") if b.startswith("goroutine ")]


def docker_split(text, size=40):
    """docker's json-file cuts a line longer than 16 KiB into records whose
    "log" has no newline: the same, with short pieces."""
    return "".join(json.dumps({"log": text[i:i + size], "stream": "stderr", "time": stamp(n)}) + "\n"
                   for n, i in enumerate(range(0, len(text), size)))


def test2json_split(events, size=30):
    """test2json writes long output in parts: every Output event of a
    `go test -json` stream cut into events of `size` characters."""
    out = []
    for line in events.splitlines():
        ev = json.loads(line)
        text = ev.get("Output")
        if not text:
            out.append(line)
            continue
        for i in range(0, len(text), size):
            out.append(json.dumps(dict(ev, Output=text[i:i + size])))
    return "\n".join(out) + "\n"


def compose(streams, seed=7):
    """`docker compose up`'s output: each service's lines tagged with its
    name (padded to the longest), all interleaved as they were written."""
    rng = random.Random(seed)
    width = max(len(name) for name, _ in streams)
    left = [(name, text.rstrip("\n").split("\n")) for name, text in streams]
    pos = [0] * len(left)
    out = []
    while any(p < len(l) for p, (_, l) in zip(pos, left)):
        i = rng.choice([k for k, (_, l) in enumerate(left) if pos[k] < len(l)])
        name, lines = left[i]
        out.append("%s | %s" % (name.ljust(width + 1), lines[pos[i]]))
        pos[i] += 1
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", default="/usr/local/go/bin/go")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "data", "messy"))
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    prepare(a.go)
    dump = leakprog(a.go, "stack")
    lines = dump.rstrip("\n").split("\n")
    write(a.out, "plain.txt", dump)

    # go test -json of a test binary killed by -timeout: every dump line is
    # one event's Output. And t.Log of a dump (go test -v).
    write(a.out, "gotest_json.txt", go_test(a.go, ["-json", "-timeout", "2s", "-run", "TestLeak"],
                                            {"LEAK_HANG": "1"}))
    write(a.out, "gotest_timeout.txt", go_test(a.go, ["-v", "-timeout", "2s", "-run", "TestLeak"],
                                               {"LEAK_HANG": "1"}))
    write(a.out, "tlog.txt", go_test(a.go, ["-v", "-run", "TestLeak"], {"LEAK_TLOG": "1"}))
    with open(os.path.join(a.out, "gotest_json.txt")) as f:
        write(a.out, "gotest_json_split.txt", test2json_split(f.read()))
    write(a.out, "tlog_json.txt", go_test(a.go, ["-json", "-run", "TestLeak"], {"LEAK_TLOG": "1"}))

    # docker's json-file: one record per line of stderr.
    write(a.out, "docker.txt", "".join(json.dumps({"log": l + "\n", "stream": "stderr", "time": stamp(i)})
                                       + "\n" for i, l in enumerate(["starting"] + lines)))
    # Several services' output tagged and interleaved (docker compose).
    write(a.out, "compose.txt", compose([("web-1", dump), ("worker-1", dump),
                                         ("db-1", "starting\nready to accept connections\n")]))
    # ... and lines cut across records (no newline at a record's end).
    write(a.out, "docker_split.txt", docker_split(dump))
    # A JSON logger: the whole dump in one record, between others.
    recs = [{"level": "info", "ts": 1.5, "msg": "serving"},
            {"level": "error", "ts": 2.5, "msg": "goroutine dump", "stack": dump},
            {"level": "info", "ts": 3.5, "msg": "bye"}]
    write(a.out, "jsonlog_whole.txt", "".join(json.dumps(r) + "\n" for r in recs))
    # ... and one record per goroutine, journald's JSON export style.
    write(a.out, "journald_per_goroutine.txt",
          "".join(json.dumps({"__REALTIME_TIMESTAMP": "17000000%08d" % i, "PRIORITY": "3", "MESSAGE": b + "\n"})
                  + "\n" for i, b in enumerate(blocks(dump))))
    # logfmt: msg="..." with \n, \t, \" escapes.
    esc = json.dumps(dump)[1:-1]
    write(a.out, "logfmt.txt", 'time=2026-03-01T10:00:00Z level=INFO msg="up"\n'
          'time=2026-03-01T10:00:01Z level=ERROR msg="' + esc + '" pid=42\n')

    # Log lines of other writers between a header and its frames and
    # between frames; and a second process's output in between.
    out, n = [], 0
    for l in lines:
        out.append(l)
        if l.startswith("goroutine ") and "[chan send" in l:
            out.append("2026/03/01 10:00:00 INFO request served path=/x")
            out.append("2026/03/01 10:00:00 INFO request served path=/y")
        if l.startswith("main.selector("):
            out.append("2026/03/01 10:00:01 WARN slow request")
    write(a.out, "interleaved.txt", "\n".join(out) + "\n")

    # A SIGQUIT dump whose `SIGQUIT: quit` lost its newline, and a header
    # glued to the output before it.
    sq = sigquit(a.go)
    sq = sq.replace("SIGQUIT: quit\n", "SIGQUIT: quit", 1)
    write(a.out, "sigquit_glued.txt", sq)
    glued = dump.replace("goroutine ", "some output without a newlinegoroutine ", 1)
    write(a.out, "header_glued.txt", glued)

    # Tabs expanded, indentation stripped (copied from a web page).
    write(a.out, "spaces.txt", dump.replace("\t", "        "))
    write(a.out, "stripped.txt", "\n".join(l.lstrip() for l in lines) + "\n")

    # A constant prefix on every line.
    write(a.out, "timestamps.txt", "".join("%s %s\n" % (stamp(i), l) for i, l in enumerate(lines)))
    write(a.out, "line_numbers.txt", "".join("%4d | %s\n" % (i + 1, l) for i, l in enumerate(lines)))
    write(a.out, "levels.txt", "".join("ERROR " + l + "\n" for l in lines))
    write(a.out, "quoted.txt", "".join(("> " + l if l else ">") + "\n" for l in lines))

    # Spacing and cuts.
    write(a.out, "double_spaced.txt", "".join(l + "\n\n" for l in lines))
    grep = subprocess.run(["grep", "-A", "4", "chan receive"], input=dump.encode(), capture_output=True).stdout
    write(a.out, "grep_a.txt", grep.decode())
    write(a.out, "no_final_newline.txt", dump.rstrip("\n"))
    cut = dump.rstrip("\n")
    write(a.out, "cut_midline.txt", cut[:cut.rindex("main.selector(") + 9])

    # Several dumps in one file: two moments of one process; a leak
    # profile next to a goroutine profile (Go 1.27).
    write(a.out, "twice.txt", leakprog(a.go, "twice"))
    go127 = dict(GOTOOLCHAIN="go1.27.3")
    try:
        subprocess.run([a.go, "build", "-o", os.path.join(WORK, "leakprog127"), "leakprog.go"],
                       cwd=os.path.join(WORK, "src"), env=dict({k: v for k, v in go_env(a.go).items() if k != "GOPROXY"}, **go127),
                       check=True)
        shutil.copy(os.path.join(WORK, "leakprog127"), os.path.join(WORK, "leakprog"))
        write(a.out, "profiles.txt", leakprog(a.go, "profiles"))
        write(a.out, "pprof1_127.txt", leakprog(a.go, "pprof1"))
    except (subprocess.CalledProcessError, OSError) as e:
        print("no Go 1.27 toolchain: profiles.txt not made (%s)" % e)
    prepare(a.go)
    write(a.out, "pprof1_126.txt", leakprog(a.go, "pprof1"))


if __name__ == "__main__":
    main()
