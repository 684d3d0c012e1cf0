#!/usr/bin/env python3
"""docs/dump-format.md is the contract between the dump writer and its
readers; this holds it to the code.

  check_dump_format.py SOURCE_ROOT

- Records: every record a writer writes (the shim's, shim/dump/dump_write.c,
  and the gc backend's, tracer/dump/gc_dump.c) has a `### `tag`` section,
  and every section's record is written.
- Keys: the keys a section documents (its table's first column and its
  example lines) are exactly the keys the writers write for that record, and
  the reader (common/format/dump_read.c) reads no key that is not
  documented.
- Words: the values the document lists for `state`, `wait`, `op`, `kind`,
  `timer` and info's `reason` are the dump vocabulary's
  (common/format/vocabulary.c) and the reasons the writers write dumps for.
- Wait reasons: the document's table agrees with GL_WAIT_REASONS
  (common/format/vocabulary.h) on each number's string and on whether it can
  leak, and lists every reason that can.

Exit status: 0 they agree, 1 they do not (each difference printed)."""

import re
import sys

WRITERS = ("shim/dump/dump_write.c", "tracer/dump/gc_dump.c")
# Where each writer sets info's reason.
REASON_SOURCES = ("shim/interpose/exit.c", "tracer/ptrace/gc_trace.c", "tracer/ptrace/gc_snapshot.c")
READER = "common/format/dump_read.c"
VOCABULARY_C = "common/format/vocabulary.c"
VOCABULARY_H = "common/format/vocabulary.h"
DOC = "docs/dump-format.md"

# Reader functions that read a record other than the one their name says.
READER_HELPERS = {"goroutine_fields": "goroutine", "get_chans": "goroutine"}


def read(root, path):
    with open(root + "/" + path, encoding="utf-8") as f:
        return f.read()


def code(root, path):
    """A C file without its comments."""
    return re.sub(r"/\*.*?\*/", "", read(root, path), flags=re.S)


def writer_records(text, records):
    """Adds {tag: set of keys} to records: every gl_rec_begin(..., "tag")
    opens a record, the gl_kv_*(..., "key", ...) calls (and a writer's own
    kv_ helpers) up to the next one are its keys."""
    tag = None
    for m in re.finditer(r'\b(?:gl_)?(rec_begin|kv_\w+)\([\w>.-]+, "([\w-]+)"', text):
        if m.group(1) == "rec_begin":
            tag = m.group(2)
            records.setdefault(tag, set())
        elif tag:
            records[tag].add(m.group(2))
    return records


def functions(text):
    """{name: body} of the file's top-level C functions."""
    out = {}
    for m in re.finditer(r"^(?:static )?[\w ]+?\**\b(\w+)\([^;{]*\)\n\{\n(.*?)^\}", text, re.M | re.S):
        out[m.group(1)] = m.group(2)
    return out


def reader_keys(text):
    """{tag: set of keys} the reader's read_<tag> functions look up."""
    keys = {}
    for name, body in functions(text).items():
        tag = READER_HELPERS.get(name) or (name[5:] if name.startswith("read_") else None)
        if not tag or tag in ("record", "header"):
            continue
        found = re.findall(r'\b(?:get_\w+|find_value|check_count)\(p, "([\w-]+)"', body)
        keys.setdefault(tag, set()).update(found)
    return keys


def doc_sections(doc):
    """{tag: (table keys, example keys, section text)} of the `### `tag``
    sections."""
    out = {}
    parts = re.split(r"^### ", doc, flags=re.M)
    for part in parts[1:]:
        m = re.match(r"`(\w+)`", part)
        if not m:
            continue
        tag = m.group(1)
        body = part.split("\n## ", 1)[0]
        table = set()
        for row in re.findall(r"^\| ([^|]+) \|", body, re.M):
            table.update(re.findall(r"`([\w-]+)`", row))
        example = set()
        for line in re.findall(r"^    (\w+)( .*)?$", body, re.M):
            if line[0] == tag:
                example.update(re.findall(r"(\w+)=", line[1]))
        out[tag] = (table, example, body)
    return out


def documented_values(body, key):
    """The backticked words of the table row for key."""
    m = re.search(r"^\| `%s` \|(.*)$" % re.escape(key), body, re.M)
    return set(re.findall(r"`([\w-]+)`", m.group(1))) if m else set()


def vocabulary_names(text, array):
    m = re.search(r"\b%s\[\] = \{(.*?)^\};" % re.escape(array), text, re.M | re.S)
    return [w for w in re.findall(r'= \{?"([\w-]*)"', m.group(1)) if w] if m else []


def wait_reasons(text):
    """[(number, string, can leak)] of GL_WAIT_REASONS."""
    return [(int(n), s, leak == "1") for n, s, leak in
            re.findall(r'X\((\d+), \w+, "([^"]*)", \w+, ([01])\)', text)]


def check_records(errors, writer, reader, sections):
    for tag in sorted(set(writer) - set(sections)):
        errors.append("the writer writes `%s` records; %s has no ### `%s` section" % (tag, DOC, tag))
    for tag in sorted(set(sections) - set(writer)):
        errors.append("%s documents `%s` records; the writer writes none" % (DOC, tag))
    for tag in sorted(set(reader) - set(sections)):
        errors.append("the reader reads `%s` records; %s does not document them" % (tag, DOC))
    for tag, (table, example, _) in sorted(sections.items()):
        documented = table | example
        for key in sorted(writer.get(tag, set()) - documented):
            errors.append("`%s`: the writer writes %s=, %s does not document it" % (tag, key, DOC))
        for key in sorted(documented - writer.get(tag, set())):
            errors.append("`%s`: %s documents %s=, the writer does not write it" % (tag, DOC, key))
        for key in sorted(example - writer.get(tag, set())):
            errors.append("`%s`: the example line shows %s=, which the writer does not write" % (tag, key))
        for key in sorted(reader.get(tag, set()) - documented):
            errors.append("`%s`: the reader reads %s=, %s does not document it" % (tag, key, DOC))


def check_words(errors, root, sections):
    vocab = code(root, VOCABULARY_C)
    reasons_written = set()
    for path in REASON_SOURCES:
        text = code(root, path)
        reasons_written.update(re.findall(r'\b(?:gl_dump_build\(&\w+, |background_dump\()"(\w[\w-]*)"', text))
        for expr in re.findall(r'\breason = ((?:[^;,"]|"[^"]*")*)', text):
            reasons_written.update(re.findall(r'"(\w[\w-]*)"', expr))
    want = {
        ("goroutine", "state"): set(vocabulary_names(vocab, "gstate_names")),
        ("goroutine", "wait"): set(vocabulary_names(vocab, "wait_names")),
        ("context", "kind"): set(vocabulary_names(vocab, "ctx_kinds")),
        ("chan", "timer"): set(vocabulary_names(vocab, "timer_names")),
        ("info", "reason"): reasons_written,
    }
    for (tag, key), words in sorted(want.items()):
        shown = documented_values(sections.get(tag, (0, 0, ""))[2], key)
        if shown != words:
            errors.append("`%s` %s=: %s lists %s, the code has %s" % (tag, key, DOC, sorted(shown), sorted(words)))
    ops = set(vocabulary_names(vocab, "op_names"))
    body = sections.get("touch", (0, 0, ""))[2]
    m = re.search(r"`op` is\s+(.*?)\.", body, re.S)
    shown = set(re.findall(r"`(\w+)`", m.group(1))) if m else set()
    if shown != ops:
        errors.append("`touch` op=: %s lists %s, the code has %s" % (DOC, sorted(shown), sorted(ops)))


def check_wait_reasons(errors, doc, reasons):
    section = doc.split("## Wait reasons", 1)[1].split("\n## ", 1)[0] if "## Wait reasons" in doc else ""
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \| (\w+)", section, re.M)
    table = {n: (s, leak) for n, s, leak in reasons}
    shown = set()
    for n, text, verdict in rows:
        n = int(n)
        shown.add(n)
        if n not in table:
            errors.append("wait reasons: %s lists %d, GL_WAIT_REASONS has no such number" % (DOC, n))
            continue
        if text != table[n][0]:
            errors.append("wait reasons: %s says %d is %r, GL_WAIT_REASONS %r" % (DOC, n, text, table[n][0]))
        if (verdict == "yes") != table[n][1]:
            errors.append("wait reasons: %s says %d can%s leak, GL_WAIT_REASONS the opposite"
                          % (DOC, n, "" if verdict == "yes" else "not"))
    for n, (text, leak) in sorted(table.items()):
        if leak and n not in shown:
            errors.append("wait reasons: %d (%s) can leak; %s does not list it" % (n, text, DOC))


def main():
    root = sys.argv[1]
    doc = read(root, DOC)
    errors = []
    writer = {}
    for path in WRITERS:
        writer_records(code(root, path), writer)
    reader = reader_keys(code(root, READER))
    sections = doc_sections(doc)
    if not writer or not reader or not sections:
        errors.append("found nothing to compare (writer %d, reader %d, sections %d)"
                      % (len(writer), len(reader), len(sections)))
    check_records(errors, writer, reader, sections)
    check_words(errors, root, sections)
    check_wait_reasons(errors, doc, wait_reasons(code(root, VOCABULARY_H)))
    for e in errors:
        print("check_dump_format: " + e)
    if not errors:
        print("check_dump_format: %s documents the %d records the writer writes, their %d keys, the words and "
              "the wait reasons" % (DOC, len(writer), sum(len(k) for k in writer.values())))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
