/* What a command reports and where: the main report (text, JSON, pprof or
 * HTML, stdout or -o) and the report files written besides it (--json,
 * --junit, --sarif, --pprof, --html, GitHub annotations). */
#ifndef GOLEASH_REPORTS_OUTPUTS_H
#define GOLEASH_REPORTS_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "rules/rules.h"
#include "warnings.h"

struct gl_suppressions;
struct gl_fetch_opts;

typedef enum gl_format { GL_FORMAT_TEXT, GL_FORMAT_JSON, GL_FORMAT_PPROF, GL_FORMAT_HTML } gl_format;

/* --format's words, in the enum's order, NULL-terminated. */
extern const char *const gl_format_names[];
#define gl_format_name(f) (gl_format_names[(f)])

typedef enum gl_annotations { GL_ANNOTATE_AUTO, GL_ANNOTATE_ON, GL_ANNOTATE_OFF } gl_annotations;

typedef enum gl_color { GL_COLOR_AUTO, GL_COLOR_ALWAYS, GL_COLOR_NEVER } gl_color;

typedef struct gl_report_opts {
    gl_format format;
    int64_t min_park_ns;    /* negative: each dump's own min_park */
    const char *output;     /* NULL: stdout (stderr with main_to_stderr); paths
                             * may hold %p %b (out_path.h) */
    int main_to_stderr;     /* run: stdout is the program's, the report goes to stderr */
    int test_lines;         /* run: a `--- LEAK: TestX` line per leaking test on stderr */
    uint64_t max_memory;    /* the analysis's memory bound (memory_limit.h), 0 none */
    int64_t pid;            /* banner pid and %p; 0: the first dump's */
    /* Report files written besides the main report, NULL none. */
    const char *json_output;
    const char *junit_output;
    const char *sarif_output;
    const char *pprof_output;
    const char *html_output;
    const char *sarif_category; /* NULL: "goleash/%b/" */
    const char *source_root;    /* NULL: $GITHUB_WORKSPACE, else the cwd */
    gl_annotations annotations; /* AUTO: when GITHUB_ACTIONS=true */
    gl_color color;             /* text report; AUTO: a terminal without NO_COLOR */
    const char *program;        /* for %b and the JUnit suite; NULL: the first dump's exe */
    int loose;              /* --grouping loose: function and file only */
    struct gl_suppressions *suppressions; /* applied to the report (hits are
                             * counted on it), NULL: none */
    int ignore_setup;       /* 1: leave out leaks spawned outside any test; negative: as each dump's process ran */
    const struct gl_fetch_opts *fetch; /* inputs given as URLs: how to fetch them; NULL: the defaults */
} gl_report_opts;

/* Writes the main report and every report file o asks for. Returns 0, or -1
 * after printing why a file could not be written. */
int gl_write_reports(const gl_report_opts *o, const gl_report *r, const gl_warnings *w, gl_dump *const *dumps,
                     size_t ndumps);

#endif
