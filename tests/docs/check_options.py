#!/usr/bin/env python3
"""Options are defined once: GOLEASH_OPTIONS in common/options/options.inc,
the goleash command's in analyzer/cli/options.inc. This checks the places
that list them against those tables: README.md's options table (same
options, same order, and a default the table shows as a value is the
table's default), the shim's help=1 text (same options, same order), and
the command synopses of README.md (every option they show exists).

  check_options.py SOURCE_ROOT OPTIONS_HELP_EXECUTABLE

Exit status: 0 they agree, 1 they do not (each difference printed)."""

import re
import subprocess
import sys


def table(root):
    """[(name, type, default)] from options.inc, in order."""
    text = open(root + "/common/options/options.inc", encoding="utf-8").read()
    rows = re.findall(r'^GL_OPTION\(\s*(\w+),\s*(\w+),\s*("[^"]*"|-?\d+),', text, re.M)
    return [(name, typ, default.strip('"')) for typ, name, default in rows]


def readme(root):
    """[(name, default cell)] from the README's options table, in order."""
    text = open(root + "/README.md", encoding="utf-8").read()
    section = text.split("## Options (`GOLEASH_OPTIONS`)", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \| ([^|]*) \|", section, re.M)


def cli_options(root):
    """The goleash command's long options and short letters."""
    text = open(root + "/analyzer/cli/options.inc", encoding="utf-8").read()
    rows = re.findall(r'^GL_CLI_OPTION\(\s*\w+,\s*"([\w-]+)",\s*(0|\'.\')', text, re.M)
    return {"--" + name for name, _ in rows} | {"-" + l.strip("'") for _, l in rows if l != "0"}


def synopsis_flags(root):
    """The options the README's command synopses (`goleash CMD [...]` and
    their continuation lines) show."""
    flags, inside = [], False
    for line in open(root + "/README.md", encoding="utf-8"):
        if re.match(r"^    goleash (run|report|diff) \[", line):
            inside = True
        elif not re.match(r"^ {8,}\[", line):
            inside = False
        if inside:
            flags += re.findall(r"\[(--?[\w-]+)", line)
    return flags


def help_names(exe):
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return re.findall(r"^  (\w+)=", out, re.M)


def main():
    root, exe = sys.argv[1], sys.argv[2]
    errors = []
    want = table(root)
    names = [n for n, _, _ in want]
    if not names:
        errors.append("no GL_OPTION rows found in common/options/options.inc")
    rows = readme(root)
    if [n for n, _ in rows] != names:
        errors.append("README.md options table: %s\n  options.inc: %s" % ([n for n, _ in rows], names))
    defaults = {n: d for n, _, d in want}
    for name, cell in rows:
        shown = re.fullmatch(r"\s*`([^`]*)`\s*", cell)
        if shown and name in defaults and shown.group(1) != defaults[name]:
            errors.append("README.md: %s defaults to `%s`, options.inc says %r" % (name, shown.group(1), defaults[name]))
    got = help_names(exe)
    if got != names:
        errors.append("help=1 lists %s\n  options.inc: %s" % (got, names))
    known = cli_options(root)
    shown = synopsis_flags(root)
    if not shown:
        errors.append("README.md: no command synopsis found")
    for flag in shown:
        if flag not in known:
            errors.append("README.md synopsis shows %s, which analyzer/cli/options.inc does not define" % flag)
    for e in errors:
        print("check_options: " + e)
    if not errors:
        print("check_options: README.md, help=1 and options.inc list the same %d options; the README's "
              "synopses show %d of the command's" % (len(names), len(set(shown))))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
