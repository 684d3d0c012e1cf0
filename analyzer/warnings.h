/* Warnings the analyzer gives while it works: printed to stderr at once and
 * kept, so the JSON report can list them too. */
#ifndef GOLEASH_WARNINGS_H
#define GOLEASH_WARNINGS_H

#include <stddef.h>

typedef struct gl_warnings {
    size_t n, cap;
    char **msgs;      /* without the "goleash: " prefix printed on stderr */
    int quiet;        /* keep, do not print (tests) */
} gl_warnings;

__attribute__((format(printf, 2, 3)))
void gl_warn(gl_warnings *w, const char *fmt, ...);

/* Takes a message that already carries the "goleash: " prefix (gl_diag). */
void gl_warn_prefixed(gl_warnings *w, const char *msg);

void gl_warnings_free(gl_warnings *w);

#endif
