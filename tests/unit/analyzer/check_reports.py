#!/usr/bin/env python3
"""Parses back the report files `goleash report` writes for committed dumps:
the JUnit XML with xml.etree (a real XML parser), SARIF and JSON with json.
odd_names.dump has a function name with markup characters, a control
character, a carriage return and a byte that is not UTF-8; hostile.dump a
test name and a function name with a terminal escape sequence and a newline
followed by a workflow command, which must reach no output raw.

  check_reports.py GOLEASH DATA_DIR WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(goleash, work, dump, env=None):
    out = os.path.join(work, os.path.basename(dump))
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([goleash, "report", "--junit", out + "/%b.xml", "--sarif", out + "/%b.sarif",
                        "--json", out + "/%b.json", "-o", out + "/report.txt", dump],
                       capture_output=True, env=env)
    return p, out


HOSTILE_TEST = "TestX\x1b[31mred\n::error::owned"
HOSTILE_FN = "main.wo\x1b]0;pwned\x07rker\n::error::owned-too"


def no_raw_controls(what, data):
    """No control byte but LF (and TAB) in data, no line a workflow command
    other than goleash's own ::error lines."""
    bad = sorted({b for b in data if (b < 0x20 and b not in (0x0a, 0x09)) or b == 0x7f})
    check(not bad, "%s: raw control bytes %r" % (what, bad))
    for line in data.split(b"\n"):
        check(not line.startswith(b"::") or line.startswith(b"::error title=goroutine leak ("),
              "%s: a line is a workflow command of its own: %r" % (what, line[:120]))


def check_hostile(goleash, work, data, env):
    """A test name and a function name with a terminal escape sequence, a bell
    and a newline followed by `::error::`: the text report, the annotations
    and the report files carry them escaped or encoded, never raw."""
    dump = os.path.join(data, "hostile.dump")
    p, out = run(goleash, work, dump, env)
    check(p.returncode == 1, "hostile exit %d: %s" % (p.returncode, p.stderr))
    no_raw_controls("stderr", p.stderr)
    with open(os.path.join(out, "report.txt"), "rb") as t:
        text = t.read()
    no_raw_controls("text report", text)
    check(b"  test: TestX\\x1b[31mred\\x0a::error::owned\n" in text, "text report test line: %r" % text)
    check(b"    #0 main.wo\\x1b]0;pwned\\x07rker\\x0a::error::owned-too+0x1a (prog+0x11a0)\n" in text,
          "text report frame: %r" % text)

    # GitHub annotations: one ::error line per group, nothing else.
    a = subprocess.run([goleash, "report", "--github-annotations", "on", "-o", os.devnull, dump],
                       capture_output=True, env=env)
    check(a.returncode == 1, "annotations exit %d" % a.returncode)
    no_raw_controls("annotations", a.stdout)
    lines = a.stdout.decode().splitlines()
    check(len(lines) == 2 and all(l.startswith("::error title=goroutine leak (") for l in lines),
          "annotation lines %r" % lines)
    check(lines[0].startswith("::error title=goroutine leak (chan-receive) in "
                              "TestX\\x1b[31mred\\x0a%3A%3Aerror%3A%3Aowned::Leak of 2 goroutine(s) in test "
                              "TestX\\x1b[31mred\\x0a::error::owned: chan receive"), "annotation %r" % lines[0])

    d = subprocess.run([goleash, "diff", os.path.join(data, "clean.dump"), dump], capture_output=True, env=env)
    check(d.returncode == 1, "diff exit %d: %s" % (d.returncode, d.stderr))
    no_raw_controls("diff", d.stdout)
    check(b"   test TestX\\x1b[31mred\\x0a::error::owned\n" in d.stdout, "diff test line: %r" % d.stdout)

    # JSON and SARIF keep the data exact, encoded by their writers.
    for name in ("prog.json", "prog.sarif", "prog.xml"):
        with open(os.path.join(out, name), "rb") as f:
            no_raw_controls(name, f.read())
    with open(os.path.join(out, "prog.json"), encoding="utf-8") as j:
        rep = json.load(j)
    check([l["test"] for l in rep["leaks"]] == [HOSTILE_TEST] * 2, "json tests %r" % [l["test"] for l in rep["leaks"]])
    check(rep["leaks"][0]["blocked_at"]["function"] == HOSTILE_FN, "json function")
    with open(os.path.join(out, "prog.sarif"), encoding="utf-8") as s:
        res = json.load(s)["runs"][0]["results"]
    check(res[0]["properties"]["test"] == HOSTILE_TEST, "sarif test %r" % res[0]["properties"]["test"])
    check("\x1b" not in res[0]["message"]["text"], "sarif message has a raw escape")
    # JUnit: the test is a testcase (ESC is not XML 1.0: dropped; the
    # newline a character reference); its failure text escaped.
    root = ET.parse(os.path.join(out, "prog.xml")).getroot()
    cases = root.findall("testsuite/testcase")
    check([c.get("name") for c in cases] == ["TestX[31mred\n::error::owned"], "junit cases %r" %
          [c.get("name") for c in cases])
    check("test TestX\\x1b[31mred\\x0a::error::owned" in cases[0].find("failure").get("message"),
          "junit message %r" % cases[0].find("failure").get("message"))


def main():
    goleash, data, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ)
    env.pop("GITHUB_ACTIONS", None)

    # Leaks, no test list: one failing testcase named after the program.
    p, out = run(goleash, work, os.path.join(data, "odd_names.dump"), env)
    check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.stderr))
    prog = "odd&prog"
    tree = ET.parse(os.path.join(out, prog + ".xml"))
    root = tree.getroot()
    check(root.tag == "testsuites" and root.get("tests") == "1" and root.get("failures") == "1",
          "testsuites %r" % root.attrib)
    suites = root.findall("testsuite")
    check(len(suites) == 1 and suites[0].get("name") == prog, "suite %r" % [s.attrib for s in suites])
    cases = suites[0].findall("testcase")
    check([c.get("name") for c in cases] == [prog], "cases %r" % [c.attrib for c in cases])
    check(cases[0].get("classname") == "goleash." + prog, "classname %r" % cases[0].get("classname"))
    failures = cases[0].findall("failure")
    check(len(failures) == 1, "one failure")
    f = failures[0]
    check(f.get("type") == "goroutine-leak", "failure type")
    # The summary is text for people: \x01 and \r arrive escaped by goleash
    # (\\x01, \\x0d); \xff, not UTF-8, is '?' in XML.
    odd = "main.(*T[\"a\"]).w<&>\\x01\\x0d?'x"
    check(f.get("message").startswith("Leak of 2 goroutine(s): chan receive (category chan-receive) at " + odd),
          "message %r" % f.get("message"))
    check(f.get("message").endswith(" (and 1 more group(s))"), "message end %r" % f.get("message"))
    # The failure text holds each group's paragraph of the text report.
    with open(os.path.join(out, "report.txt"), encoding="utf-8", errors="replace", newline="") as t:
        text = t.read()
    check("\x01" not in text and "\r" not in text, "control characters in the text report: %r" % text)
    paragraphs = text.split("\n\n")[1:-1]
    check(len(paragraphs) == 2, "text report paragraphs: %d" % len(paragraphs))
    body = f.text
    check(body.startswith("goleash: 3 leaked goroutine(s) in 2 group(s)\n\n"), "body head %r" % body[:80])
    for para in paragraphs:
        want = para.replace("\ufffd", "?")
        check(want in body, "paragraph missing from the failure text:\n%s\n---\n%s" % (want, body))

    with open(os.path.join(out, prog + ".sarif"), encoding="utf-8") as s:
        sarif = json.load(s)
    check(sarif["version"] == "2.1.0", "sarif version")
    results = sarif["runs"][0]["results"]
    check(len(results) == 2, "sarif results %d" % len(results))
    check(results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] ==
          "main.(*T[\"a\"]).w<&>\x01\r?'x", "sarif logical name %r" %
          results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
    check(sarif["runs"][0]["automationDetails"]["id"] == "goleash/" + prog + "/", "category")
    with open(os.path.join(out, prog + ".json"), encoding="utf-8") as j:
        rep = json.load(j)
    check([l["test"] for l in rep["leaks"]] == [None, None], "json test fields")

    check_hostile(goleash, work, data, env)

    # Clean: one passing testcase, SARIF with no results.
    p, out = run(goleash, work, os.path.join(data, "clean.dump"), env)
    check(p.returncode == 0, "clean exit %d: %s" % (p.returncode, p.stderr))
    names = [n for n in os.listdir(out) if n.endswith(".xml")]
    check(len(names) == 1, "clean xml files %r" % names)
    root = ET.parse(os.path.join(out, names[0])).getroot()
    cases = root.findall("testsuite/testcase")
    check(len(cases) == 1 and not cases[0].findall("failure") and root.get("failures") == "0",
          "clean junit %r" % ET.tostring(root))
    with open(os.path.join(out, names[0][:-4] + ".sarif"), encoding="utf-8") as s:
        check(json.load(s)["runs"][0]["results"] == [], "clean sarif results")
    print("ok")


if __name__ == "__main__":
    main()
