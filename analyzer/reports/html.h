/* The HTML report: one self-contained page (inline CSS and SVG, no
 * script, nothing fetched) with the summary, the leaks by test, each
 * group's stacks, the creation tree and the wait-for graph
 * (docs/outputs.md). */
#ifndef GOLEASH_HTML_H
#define GOLEASH_HTML_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"
#include "rules/rules.h"
#include "warnings.h"

typedef struct gl_html_opts {
    const char *program;        /* the page's title */
    int64_t pid;
    const gl_warnings *warnings;/* listed on the page, may be NULL */
    size_t max_nodes;           /* per graph; 0: GL_HTML_MAX_NODES */
} gl_html_opts;

#define GL_HTML_MAX_NODES 120

/* Returns 0, or -1 when out of memory or writing failed. */
int gl_report_html(FILE *out, const gl_report *r, gl_dump *const *dumps, size_t ndumps, const gl_html_opts *o);

#endif
