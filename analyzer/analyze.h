/* What `goleash report` and `goleash run` share: read dumps, symbolize,
 * apply the rules, print the report. */
#ifndef GOLEASH_ANALYZE_H
#define GOLEASH_ANALYZE_H

#include <stdint.h>
#include <stddef.h>

enum { GL_EXIT_CLEAN = 0, GL_EXIT_LEAKS = 1, GL_EXIT_USAGE = 2 };

typedef enum gl_format { GL_FORMAT_TEXT, GL_FORMAT_JSON } gl_format;

typedef struct gl_report_opts {
    gl_format format;
    int64_t min_park_ns;    /* negative: each dump's own min_park */
    const char *output;     /* NULL: stdout */
    int64_t pid;            /* banner pid; 0: the first dump's */
    int loose;              /* --grouping loose: function and file only */
} gl_report_opts;

/* Reports on the dumps in the inputs at paths (any format load.h reads; `-`
 * is stdin). Returns GL_EXIT_CLEAN, GL_EXIT_LEAKS, or GL_EXIT_USAGE after
 * printing `goleash: FILE:LINE: ...` for a bad input. */
int gl_analyze(const gl_report_opts *o, char *const *paths, size_t npaths);

/* Parses the options both commands take (--format, --min-park, --grouping, -o).
 * Returns 1 when opt was one of them, 0 when not, -1 on a bad value
 * (message printed). */
int gl_report_option(gl_report_opts *o, int opt, const char *arg);

#endif
