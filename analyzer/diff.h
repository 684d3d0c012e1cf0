/* `goleash diff BEFORE AFTER`: which leak-suspect groups grew between two
 * dumps of any supported formats (mixed allowed). */
#ifndef GOLEASH_DIFF_H
#define GOLEASH_DIFF_H

#include <stdint.h>

#include "analyze.h"

typedef struct gl_diff_opts {
    gl_report_opts report;  /* format, output, min_park (default 0 here), grouping */
    int64_t min_growth;     /* groups that grew by at least this are flagged */
} gl_diff_opts;

/* Returns GL_EXIT_CLEAN when no group grew by min_growth, GL_EXIT_LEAKS when
 * some did, GL_EXIT_USAGE on unreadable input (message printed). */
int gl_diff(const gl_diff_opts *o, const char *before, const char *after);

#endif
