/* The LeakSanitizer-shaped text report, printed by the shim at exit and by
 * `goleash report --format text`. */
#ifndef GOLEASH_REPORT_TEXT_H
#define GOLEASH_REPORT_TEXT_H

#include <stdint.h>
#include <stdio.h>

#include "rules/rules.h"

typedef struct gl_text_opts {
    int64_t pid;            /* shown as ==PID== in the banner */
    int print_when_clean;   /* 1: say "goleash: no goroutine leaks (...)" when there are none */
    size_t max_frames;      /* frames printed per stack, 0 = all */
    int quiet_default_suppressions; /* 1: when no leaks are left and only built-in
                             * rules matched, no "Suppressions used:" table (the
                             * shim: a clean program stays silent) */
    int color;              /* 1: ANSI colours on the banner, test headings and
                             * summary (a terminal that asked for them) */
} gl_text_opts;

/* Writes the report; when clean and !print_when_clean, nothing but the
 * table of the suppressions used (if any; see quiet_default_suppressions).
 * The table comes before the SUMMARY line, as in LeakSanitizer.
 * NULL opts: pid 0, silent when clean, all frames. Returns 0, or -1 when
 * writing failed. */
int gl_report_text(FILE *out, const gl_report *r, const gl_text_opts *opts);

/* One group's paragraph of the report (from "Leak of N goroutine(s)" to its
 * last fact line, no blank line after it): the JUnit failure text and the
 * SARIF and annotation messages are exactly what the text report says.
 * max_frames as in gl_text_opts. */
void gl_report_text_group(FILE *out, const gl_leak_group *g, size_t max_frames);

/* One frame the way the report shows it: `main.worker /src/leak.go:12`, or
 * `main.worker+0x1a (prog+0x11a0)` without line information. */
void gl_format_frame(char *buf, size_t len, const gl_dump *d, const gl_frame *f);

#endif
