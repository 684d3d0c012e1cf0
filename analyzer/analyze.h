/* What `goleash report` and `goleash run` share: read dumps, symbolize,
 * apply the rules, print the report and write the report files. */
#ifndef GOLEASH_ANALYZE_H
#define GOLEASH_ANALYZE_H

#include <stdint.h>
#include <stddef.h>

#include "model/model.h"
#include "readers/load.h"
#include "reports/outputs.h"
#include "warnings.h"

/* GL_EXIT_UNSUPPORTED: run could not analyse the program (a gc build goleash
 * cannot read, ptrace refused, not a Go program): never a silent pass. */
enum { GL_EXIT_CLEAN = 0, GL_EXIT_LEAKS = 1, GL_EXIT_USAGE = 2, GL_EXIT_UNSUPPORTED = 3 };

/* Reports on the dumps in the inputs at paths (any format load.h reads; `-`
 * is stdin, a URL is fetched as o->fetch says). Returns GL_EXIT_CLEAN,
 * GL_EXIT_LEAKS, or GL_EXIT_USAGE after printing `goleash: FILE:LINE: ...`
 * for a bad input or when a report could not be written. */
int gl_analyze(const gl_report_opts *o, char *const *paths, size_t npaths);

/* Appends the dumps of one input of any supported format to dumps and
 * symbolizes them; a URL is fetched as fetch says (NULL: the defaults). On
 * error prints `goleash: FILE:LINE: ...` and returns -1 (nothing appended);
 * warnings go to w. */
int gl_analyze_load(const char *path, const gl_fetch_opts *fetch, gl_dump_list *dumps, gl_warnings *w);

#endif
