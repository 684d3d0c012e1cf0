#!/usr/bin/env python3
"""Parses back the report files `goleash report` writes for committed dumps:
the JUnit XML with xml.etree (a real XML parser), SARIF and JSON with json.
odd_names.dump has a function name with markup characters, a control
character, a carriage return and a byte that is not UTF-8.

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
    # \x01 dropped, \r kept (a character reference), \xff -> '?'.
    odd = "main.(*T[\"a\"]).w<&>\r?'x"
    check(f.get("message").startswith("Leak of 2 goroutine(s): chan receive (category chan-receive) at " + odd),
          "message %r" % f.get("message"))
    check(f.get("message").endswith(" (and 1 more group(s))"), "message end %r" % f.get("message"))
    # The failure text holds each group's paragraph of the text report.
    with open(os.path.join(out, "report.txt"), encoding="utf-8", errors="replace", newline="") as t:
        text = t.read()
    paragraphs = text.split("\n\n")[1:-1]
    check(len(paragraphs) == 2, "text report paragraphs: %d" % len(paragraphs))
    body = f.text
    check(body.startswith("goleash: 3 leaked goroutine(s) in 2 group(s)\n\n"), "body head %r" % body[:80])
    for para in paragraphs:
        want = para.replace("\x01", "").replace("\ufffd", "?")
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
