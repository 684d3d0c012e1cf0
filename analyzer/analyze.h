/* What `goleash report` and `goleash run` share: read dumps, symbolize,
 * apply the rules, print the report and write the report files. */
#ifndef GOLEASH_ANALYZE_H
#define GOLEASH_ANALYZE_H

#include <stdint.h>
#include <stddef.h>

#include "readers/load.h"
#include "model/model.h"
#include "warnings.h"

struct gl_suppressions;

enum { GL_EXIT_CLEAN = 0, GL_EXIT_LEAKS = 1, GL_EXIT_USAGE = 2 };

typedef enum gl_format { GL_FORMAT_TEXT, GL_FORMAT_JSON } gl_format;

typedef enum gl_annotations { GL_ANNOTATE_AUTO, GL_ANNOTATE_ON, GL_ANNOTATE_OFF } gl_annotations;

typedef struct gl_report_opts {
    gl_format format;
    int64_t min_park_ns;    /* negative: each dump's own min_park */
    const char *output;     /* NULL: stdout; paths may hold %p %b (out_path.h) */
    int64_t pid;            /* banner pid and %p; 0: the first dump's */
    /* Report files written besides the main report, NULL none. */
    const char *json_output;
    const char *junit_output;
    const char *sarif_output;
    const char *sarif_category; /* NULL: "goleash/%b/" */
    const char *source_root;    /* NULL: $GITHUB_WORKSPACE, else the cwd */
    gl_annotations annotations; /* AUTO: when GITHUB_ACTIONS=true */
    const char *program;        /* for %b and the JUnit suite; NULL: the first dump's exe */
    int loose;              /* --grouping loose: function and file only */
    struct gl_suppressions *suppressions; /* applied to the report (hits are
                             * counted on it), NULL: none */
    int ignore_setup;       /* 1: leave out leaks spawned outside any test; negative: as each dump's process ran */
} gl_report_opts;

/* Reports on the dumps in the inputs at paths (any format load.h reads; `-`
 * is stdin). Returns GL_EXIT_CLEAN, GL_EXIT_LEAKS, or GL_EXIT_USAGE after
 * printing `goleash: FILE:LINE: ...` for a bad input or when a report could
 * not be written. */
int gl_analyze(const gl_report_opts *o, char *const *paths, size_t npaths);

/* Appends the dumps of one input of any supported format to dumps and
 * symbolizes them. On error prints `goleash: FILE:LINE: ...` and returns -1
 * (nothing appended); warnings go to w. */
int gl_analyze_load(const char *path, gl_dump_list *dumps, gl_warnings *w);

#endif
